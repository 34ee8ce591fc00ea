package io.gourmetgram.loop.ingest.upload;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** POST /api/uploads: a multipart form with field {@code file} (the seed's form), or the photo as the raw body. */
@RestController
class UploadController {

    private final UploadIntake intake;

    UploadController(UploadIntake intake) {
        this.intake = intake;
    }

    @PostMapping(path = "/api/uploads", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<UploadReceipt> uploadForm(@RequestPart("file") MultipartFile file) throws IOException {
        try (InputStream in = file.getInputStream()) {
            return accepted(intake.accept(in, file.getSize()));
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
