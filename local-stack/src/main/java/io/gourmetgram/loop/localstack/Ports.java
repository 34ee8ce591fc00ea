package io.gourmetgram.loop.localstack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Port checks made before anything starts, so a second stack fails with a sentence, not a bind stack trace. */
final class Ports {

    private Ports() {}

    static void requireFree(StackConfig config) {
        List<String> taken = new ArrayList<>();
        check(config.kafkaPort(), "Kafka", taken);
        check(config.controllerPort(), "the Kafka controller", taken);
        check(config.s3Port(), "S3", taken);
        config.stages().forEach(s -> {
            check(s.port(), s.module(), taken);
            check(s.managementPort(), s.module() + "'s management port", taken);
        });
        if (!taken.isEmpty()) {
            throw new IllegalStateException("Cannot start the local stack: " + String.join(", ", taken)
                    + ". Is another local stack running? Stop it, or choose other ports (--help).");
        }
    }

    /** A port the OS considers free right now, for tests. */
    static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free port", e);
        }
    }

    private static void check(int port, String user, List<String> taken) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
        } catch (IOException e) {
            taken.add("port " + port + " (for " + user + ") is in use");
        }
    }
}
