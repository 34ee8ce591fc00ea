package io.gourmetgram.loop.accuracy.suites;

import io.gourmetgram.loop.accuracy.curation.CurationProperties;
import io.minio.MinioClient;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/test-suites} makes a suite ({@code {"reason": "random", "from": ..., "to": ..., "model": ...}},
 * answering 201 with its {@code suite.json}); {@code GET /api/test-suites} lists the complete ones.
 */
@RestController
public class TestSuiteController {

    private static final Logger log = LoggerFactory.getLogger(TestSuiteController.class);

    private final TestSuites suites;

    public TestSuiteController(SuitesProperties properties, CurationProperties curation, KafkaProperties kafka) {
        MinioClient s3 = MinioClient.builder()
                .endpoint(curation.s3().endpoint())
                .credentials(curation.s3().accessKey(), curation.s3().secretKey())
                .build();
        LabelledUploadReader reader = new LabelledUploadReader(String.join(",", kafka.getBootstrapServers()));
        this.suites = new TestSuites(reader::readAll, new TestSuiteStore(s3, properties.bucket()), Clock.systemUTC());
    }

    /** The body of {@code POST /api/test-suites}; only {@code reason} is required. */
    public record SuiteRequest(String reason, String from, String to, String model) {}

    @PostMapping("/api/test-suites")
    public ResponseEntity<?> create(@RequestBody(required = false) SuiteRequest request) {
        try {
            SuiteRequest r = request == null ? new SuiteRequest(null, null, null, null) : request;
            SuiteSummary summary = suites.create(SuiteSelection.of(r.reason(), r.from(), r.to(), r.model()));
            return ResponseEntity.created(URI.create("/api/test-suites/" + summary.name()))
                    .body(summary);
        } catch (IllegalArgumentException e) {
            return problem(HttpStatus.BAD_REQUEST, "Invalid test-suite request", e.getMessage());
        } catch (TestSuites.NothingToInclude e) {
            return problem(HttpStatus.UNPROCESSABLE_CONTENT, "Nothing to include", e.getMessage());
        } catch (TestSuites.SuiteExists e) {
            return problem(HttpStatus.CONFLICT, "Suite exists", e.getMessage());
        } catch (Exception e) {
            log.error("Could not make a test suite", e);
            return problem(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "Suite not made",
                    "The event log or the object store did not answer: " + e.getMessage());
        }
    }

    @GetMapping("/api/test-suites")
    public ResponseEntity<?> list() {
        try {
            List<SuiteSummary> all = suites.list();
            return ResponseEntity.ok(all);
        } catch (Exception e) {
            log.error("Could not list test suites", e);
            return problem(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "Suites not listed",
                    "The object store did not answer: " + e.getMessage());
        }
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return ResponseEntity.status(status).body(problem);
    }
}
