package io.gourmetgram.loop.ingest;

import static io.gourmetgram.loop.ingest.ApiClient.assertProblem;
import static io.gourmetgram.loop.ingest.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gourmetgram.loop.events.Upload;
import io.gourmetgram.loop.events.testing.S3TestServer;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.ingest.image.BadInputCorpus;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoublePredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The bad-input corpus (src/test/resources/bad-input/README.md) over real HTTP: every case gets its
 * documented status and problem type, nothing refused leaves an event, and the service keeps taking
 * ordinary photos afterwards. Tight limits keep the slow-sender cases to seconds.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
            "gourmetgram.ingest.upload.max-bytes=1MB",
            "gourmetgram.ingest.upload.max-in-flight-bytes=1048577B",
            "gourmetgram.ingest.upload.body-timeout=3s",
            "server.tomcat.connection-timeout=2s",
            "gourmetgram.ingest.kafka.delivery-timeout=5s"
        })
@EmbeddedKafka(partitions = 1)
@DirtiesContext
class BadInputCorpusIT {

    private static final S3TestServer S3 = S3TestServer.start();
    private static final Pattern FILE_ROW =
            Pattern.compile("^\\| [^|]+ \\| `([^`]+)` \\| (\\d{3}) \\| (?:`([a-z-]+)`|—) \\|.*$");

    @DynamicPropertySource
    static void objectStore(DynamicPropertyRegistry registry) {
        ObjectStoreSettings.register(registry, S3);
    }

    @AfterAll
    static void stopObjectStore() throws Exception {
        S3.close();
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Value("${spring.embedded.kafka.brokers}")
    String brokers;

    @Autowired
    MeterRegistry meters;

    ApiClient api;
    BrokerTopics topics;

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
        topics = new BrokerTopics(brokers);
    }

    /** Whatever the case did, the service still takes an ordinary photo and says it is UP. */
    @AfterEach
    void serviceStaysUp() {
        assertThat(uploadFile("ordinary.jpg", "ordinary.jpg").statusCode()).isEqualTo(202);
        assertThat(new ApiClient(managementPort).get("/actuator/health").body()).contains("\"UP\"");
    }

    // --- the files, as the corpus README documents them ------------------------------------------

    static Stream<Arguments> documentedFiles() {
        List<Arguments> cases = new ArrayList<>();
        for (String line : new String(BadInputCorpus.bytes("README.md"), StandardCharsets.UTF_8).split("\n")) {
            Matcher row = FILE_ROW.matcher(line);
            if (row.matches()) {
                cases.add(Arguments.of(row.group(1), Integer.parseInt(row.group(2)), row.group(3)));
            }
        }
        assertThat(cases).as("file rows in bad-input/README.md").hasSizeGreaterThanOrEqualTo(16);
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @MethodSource("documentedFiles")
    void eachFileGetsItsDocumentedOutcome(String file, int status, String problemType) {
        double acceptedBefore =
                meters.counter("gourmetgram.ingest.uploads.accepted").count();

        HttpResponse<String> response = uploadFile(file, file);

        if (problemType == null) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
            String id = json(response).get("uploadId").asString();
            assertThat(topics.values(Topics.UPLOADS, id)).hasSize(1);
        } else {
            JsonNode problem = assertProblem(response, status);
            assertThat(problem.get("type").asString()).isEqualTo("https://gourmetgram.io/loop/problems/" + problemType);
            // Refused before anything is stored or published (IngestApiIT checks the topic for the same path).
            assertThat(meters.counter("gourmetgram.ingest.uploads.accepted").count())
                    .isEqualTo(acceptedBefore);
        }
    }

    @Test
    void theSliverIsRefusedStatingTheLimits() {
        JsonNode problem = assertProblem(uploadFile("sliver-1x40000000.png", "sliver.png"), 422);

        assertThat(problem.get("detail").asString()).contains("1 x 40000000", "10:1");
        assertThat(problem.get("maxAspectRatio").asInt()).isEqualTo(10);
        assertThat(problem.get("minSide").asInt()).isEqualTo(16);
        assertThat(problem.get("maxSide").asInt()).isEqualTo(20_000);
    }

    // --- cases built by the test -------------------------------------------------------------------

    @Test
    void aFiftyMegabyteBodyIsRefusedBeforeItIsRead() {
        try (Socket socket = rawUpload(50L * 1024 * 1024)) {
            String response = readResponse(socket);

            assertThat(response).startsWith("HTTP/1.1 413").contains("application/problem+json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aSenderThatStallsIsCutOff() throws IOException {
        try (Socket socket = rawUpload(100_000)) {
            socket.getOutputStream().write(BadInputCorpus.bytes("ordinary.jpg"), 0, 100);
            socket.getOutputStream().flush();

            // The server hangs up on the unread rest, so the body may be cut off by a reset; the headers arrive.
            assertThat(readResponse(socket)).startsWith("HTTP/1.1 408").contains("application/problem+json");
            assertThat(meters.counter("gourmetgram.ingest.uploads.rejected", "reason", "upload_too_slow")
                            .count())
                    .isPositive();
        }
    }

    @Test
    void aSenderThatTricklesIsCutOffAtTheBodyTimeout() throws IOException {
        try (Socket socket = rawUpload(100_000)) {
            CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> trickle(socket));

            String response = readResponse(socket);

            trickle.cancel(true);
            assertThat(response).startsWith("HTTP/1.1 408").contains("application/problem+json");
        }
    }

    @Test
    void uploadsBeyondTheInFlightBudgetAreTurnedAwayNotBuffered() throws IOException {
        // One slow upload announcing the maximum holds the whole budget while it arrives.
        try (Socket holder = rawUpload(1024 * 1024)) {
            holder.getOutputStream().write(BadInputCorpus.bytes("ordinary.jpg"), 0, 100);
            holder.getOutputStream().flush();
            awaitInFlightBytes(reserved -> reserved >= 1024 * 1024);

            HttpResponse<String> refused = uploadFile("ordinary.jpg", "a.jpg");

            JsonNode problem = assertProblem(refused, 503);
            assertThat(problem.get("type").asString()).endsWith("/uploads-busy");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(readResponse(holder)).startsWith("HTTP/1.1 408");
        }
        awaitInFlightBytes(reserved -> reserved == 0);
    }

    @Test
    void aFormHoldsTheInFlightBudgetWhileItArrivesAndAStalledOneIsCutOff() throws IOException {
        // Forms are parsed in memory: their announced size must count before the container reads them.
        try (Socket holder = rawUpload(1024 * 1024, "multipart/form-data; boundary=b")) {
            holder.getOutputStream()
                    .write(("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n"
                                    + "Content-Type: image/jpeg\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            holder.getOutputStream().write(BadInputCorpus.bytes("ordinary.jpg"), 0, 100);
            holder.getOutputStream().flush();
            awaitInFlightBytes(reserved -> reserved >= 1024 * 1024);

            assertThat(uploadFile("ordinary.jpg", "a.jpg").statusCode()).isEqualTo(503);
            assertThat(readResponse(holder)).startsWith("HTTP/1.1 408").contains("application/problem+json");
        }
        awaitInFlightBytes(reserved -> reserved == 0);
    }

    @Test
    void aFormWithoutTheFileIsANoPhoto() {
        JsonNode problem = assertProblem(
                api.postMultipart(
                        "/api/uploads", "comment", "note.txt", "text/plain", "hello".getBytes(StandardCharsets.UTF_8)),
                400);

        assertThat(problem.get("type").asString()).endsWith("/no-photo");
    }

    @Test
    void fileNamesNeverReachTheStorageKey() {
        for (String name : List.of("../../etc/passwd.jpg", "食べ物 🍜.jpg", "C:\\\\x\\\\y.jpg", "%2e%2e%2fx.jpg")) {
            HttpResponse<String> response = uploadFile("ordinary.jpg", name);

            assertThat(response.statusCode()).as(name + ": " + response.body()).isEqualTo(202);
            String id = json(response).get("uploadId").asString();
            Upload upload = topics.values(Topics.UPLOADS, id).getFirst();
            assertThat(upload.object().key()).matches("\\d{4}/\\d{2}/\\d{2}/" + id + "\\.jpg");
        }
    }

    @Test
    void aCorrectionCarryingMarkupIsRefusedAndNeverRecorded() {
        JsonNode receipt = json(uploadFile("ordinary.jpg", "a.jpg"));
        String id = receipt.get("uploadId").asString();

        HttpResponse<String> response = api.postJson(
                "/api/uploads/" + id + "/correction",
                Map.of("X-Feedback-Token", receipt.get("feedbackToken").asString()),
                "{\"label\": \"<img src=x onerror=alert(1)><script>alert(2)</script>\"}");

        JsonNode problem = assertProblem(response, 422);
        assertThat(problem.get("type").asString()).endsWith("/unknown-label");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(topics.values(Topics.FEEDBACK, id)).isEmpty();
    }

    @Test
    void feedbackWithAnotherUploadsTokenIsForbidden() {
        JsonNode mine = json(uploadFile("ordinary.jpg", "mine.jpg"));
        JsonNode theirs = json(uploadFile("ordinary.jpg", "theirs.jpg"));
        String theirId = theirs.get("uploadId").asString();

        JsonNode problem = assertProblem(
                api.postJson(
                        "/api/uploads/" + theirId + "/flag",
                        Map.of("X-Feedback-Token", mine.get("feedbackToken").asString()),
                        ""),
                403);

        assertThat(problem.get("type").asString()).endsWith("/feedback-forbidden");
        assertThat(topics.values(Topics.FEEDBACK, theirId)).isEmpty();
    }

    // --- helpers -------------------------------------------------------------------------------------

    private HttpResponse<String> uploadFile(String corpusFile, String fileName) {
        return api.postMultipart("/api/uploads", "file", fileName, "image/jpeg", BadInputCorpus.bytes(corpusFile));
    }

    private void awaitInFlightBytes(DoublePredicate condition) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> condition.test(meters.get("gourmetgram.ingest.uploads.in.flight.bytes")
                        .gauge()
                        .value()));
    }

    /** Opens a raw upload announcing {@code contentLength} bytes and sends only the headers. */
    private Socket rawUpload(long contentLength) throws IOException {
        return rawUpload(contentLength, "image/jpeg");
    }

    private Socket rawUpload(long contentLength, String contentType) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000); // a test that would hang fails instead
        OutputStream out = socket.getOutputStream();
        out.write(("POST /api/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType
                        + "\r\nContent-Length: "
                        + contentLength + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    /** The status line, headers and as much of the body as arrives before the server closes or goes quiet. */
    private static String readResponse(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        StringBuilder response = new StringBuilder();
        int n;
        try {
            while ((n = in.read(buffer)) > 0) {
                response.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                if (response.indexOf("\r\n\r\n") > 0 && response.indexOf("}") > 0) {
                    break; // the problem JSON is complete
                }
            }
        } catch (java.net.SocketException e) {
            // closed by the server after answering
        }
        return response.toString();
    }

    /** One byte every 200 ms: never a long enough pause for the connection timeout. */
    private static void trickle(Socket socket) {
        try {
            OutputStream out = socket.getOutputStream();
            for (int i = 0; i < 1000 && !socket.isClosed(); i++) {
                out.write(0);
                out.flush();
                Thread.sleep(200); // the slow client being simulated, not a wait for the server
            }
        } catch (IOException | InterruptedException e) {
            // the server hung up, as it should
        }
    }
}
