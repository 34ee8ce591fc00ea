package io.gourmetgram.loop.ingest.upload;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** POST /api/uploads: a multipart form with field {@code file} (the seed's form), or the photo as the raw body. */
@RestController
class UploadController {

    private final UploadIntake intake;

    UploadController(UploadIntake intake) {
        this.intake = intake;
    }

    /**
     * The form is read and parsed in memory by {@link UploadIntake#acceptForm}, within the in-flight budget
     * (the container's multipart support is off, {@code spring.servlet.multipart.enabled=false}).
     */
    @PostMapping(path = "/api/uploads", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<UploadReceipt> uploadForm(HttpServletRequest request) throws IOException {
        try (InputStream in = request.getInputStream()) {
            return accepted(intake.acceptForm(in, request.getContentType(), request.getContentLengthLong()));
        }
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
