package io.gourmetgram.loop.ingest.upload;

import io.gourmetgram.loop.support.problem.ApiProblem;
import io.gourmetgram.loop.support.problem.ProblemType;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;

/** POST /api/uploads: a multipart form with field {@code file} (the seed's form), or the photo as the raw body. */
@RestController
class UploadController {

    private static final String FILE_FIELD = "file";

    private final UploadIntake intake;

    UploadController(UploadIntake intake) {
        this.intake = intake;
    }

    /** The form is parsed (lazily, in memory) inside {@link UploadIntake#acceptForm}, within the in-flight budget. */
    @PostMapping(path = "/api/uploads", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<UploadReceipt> uploadForm(MultipartHttpServletRequest request) throws IOException {
        return accepted(intake.acceptForm(request.getContentLengthLong(), () -> {
            MultipartFile file = request.getFile(FILE_FIELD);
            if (file == null) {
                throw new ApiProblem(
                        ProblemType.NO_PHOTO,
                        "The multipart form has no part named '" + FILE_FIELD
                                + "'. Send the photo as the form field 'file' (curl -F file=@photo.jpg ...).");
            }
            return file.getInputStream();
        }));
    }

    /** Any other body is taken as the photo itself; its declared content type is ignored (magic bytes decide). */
    @PostMapping("/api/uploads")
    ResponseEntity<UploadReceipt> uploadBody(HttpServletRequest request) throws IOException {
        try (InputStream in = request.getInputStream()) {
            return accepted(intake.accept(in, request.getContentLengthLong()));
        }
    }

    private static ResponseEntity<UploadReceipt> accepted(UploadReceipt receipt) {
        // The body carries the feedback token: no cache may keep it.
        return ResponseEntity.accepted()
                .location(URI.create(receipt.statusUrl()))
                .cacheControl(CacheControl.noStore())
                .body(receipt);
    }
}
