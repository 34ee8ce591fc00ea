package io.gourmetgram.loop.labeling.images;

import io.gourmetgram.loop.events.LabelingReceipt;
import io.gourmetgram.loop.labeling.receipts.ReceiptBook;
import io.gourmetgram.loop.support.problem.ProblemType;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MinioClient;
import io.minio.http.Method;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /images/{uploadId}?sig=…}: a signed, non-expiring link → 302 to a fresh 15-minute presigned URL. */
@RestController
public class ImageController {

    private final ImageLinks links;
    private final ReceiptBook receipts;
    private final MinioClient s3;

    public ImageController(ImageLinks links, ReceiptBook receipts, MinioClient s3) {
        this.links = links;
        this.receipts = receipts;
        this.s3 = s3;
    }

    @GetMapping("/images/{uploadId}")
    public ResponseEntity<?> image(@PathVariable String uploadId, @RequestParam(required = false) String sig)
            throws Exception {
        if (!links.valid(uploadId, sig)) {
            return ProblemType.INVALID_IMAGE_LINK.response("This image link is not signed by GourmetGram.");
        }
        LabelingReceipt receipt = receipts.findCurrent(uploadId).orElse(null);
        if (receipt == null) {
            return ProblemType.UNKNOWN_IMAGE.response("No review task exists for upload " + uploadId + ".");
        }
        String url = s3.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                .method(Method.GET)
                .bucket(receipt.object().bucket())
                .object(receipt.object().key())
                .expiry(15, TimeUnit.MINUTES)
                .build());
        return ResponseEntity.status(HttpStatus.FOUND).location(URI.create(url)).build();
    }
}
