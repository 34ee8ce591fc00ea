package io.gourmetgram.loop.ingest.problem;

import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * An error a client caused or must know about, answered as RFC 9457 problem JSON.
 *
 * @param extensions extra members of the problem object (e.g. the valid labels)
 */
public class ApiProblem extends RuntimeException {

    private final HttpStatus status;
    private final String title;
    private final Map<String, Object> extensions;

    public ApiProblem(HttpStatus status, String title, String detail) {
        this(status, title, detail, Map.of());
    }

    public ApiProblem(HttpStatus status, String title, String detail, Map<String, Object> extensions) {
        super(detail);
        this.status = status;
        this.title = title;
        this.extensions = extensions;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    public Map<String, Object> extensions() {
        return extensions;
    }

    public static ApiProblem notFound(String uploadId) {
        return new ApiProblem(HttpStatus.NOT_FOUND, "Upload not found",
                "No upload with id '" + uploadId + "' is known here (ids are shown in the answer to POST /api/uploads).");
    }
}
