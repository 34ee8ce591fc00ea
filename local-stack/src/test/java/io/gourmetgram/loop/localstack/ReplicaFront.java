package io.gourmetgram.loop.localstack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One address in front of a stage's replicas, as a Kubernetes Service is: each request goes to the
 * next replica in turn. Label Studio delivers its webhooks here, so a delivery may reach any
 * labeling-sink replica. Counts the requests each replica answered with 2xx, so a test can tell
 * that every replica took part.
 */
final class ReplicaFront implements AutoCloseable {

    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final List<Integer> replicas = new CopyOnWriteArrayList<>();
    private final Map<Integer, AtomicInteger> answered = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();

    private ReplicaFront(HttpServer server) {
        this.server = server;
    }

    static ReplicaFront start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ReplicaFront front = new ReplicaFront(server);
        server.createContext("/", front::forward);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        return front;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A replica on this HTTP port takes requests from now on. */
    void add(int port) {
        replicas.add(port);
    }

    /** The replica on this port takes no more requests (taken out of the Service before it stops). */
    void remove(int port) {
        replicas.remove(Integer.valueOf(port));
    }

    /** Requests the replica on this port answered with 2xx. */
    int answeredBy(int port) {
        return answered.getOrDefault(port, new AtomicInteger()).get();
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            List<Integer> now = List.copyOf(replicas);
            if (now.isEmpty()) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            int port = now.get(Math.floorMod(next.getAndIncrement(), now.size()));
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + exchange.getRequestURI()))
                    .timeout(Duration.ofSeconds(10))
                    .method(
                            exchange.getRequestMethod(),
                            HttpRequest.BodyPublishers.ofByteArray(
                                    exchange.getRequestBody().readAllBytes()));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            HttpResponse<byte[]> answer;
            try {
                answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
                return;
            } catch (IOException e) {
                exchange.sendResponseHeaders(502, -1);
                return;
            }
            if (answer.statusCode() / 100 == 2) {
                answered.computeIfAbsent(port, p -> new AtomicInteger()).incrementAndGet();
            }
            answer.headers()
                    .firstValue("Content-Type")
                    .ifPresent(t -> exchange.getResponseHeaders().set("Content-Type", t));
            answer.headers()
                    .firstValue("Location")
                    .ifPresent(l -> exchange.getResponseHeaders().set("Location", l));
            byte[] body = answer.body();
            exchange.sendResponseHeaders(answer.statusCode(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
        }
    }

    /** Headers the JDK's client sets itself and refuses from callers. */
    private static final java.util.Set<String> RESTRICTED =
            java.util.Set.of("connection", "content-length", "expect", "host", "upgrade");

    @Override
    public void close() {
        server.stop(0);
    }
}
