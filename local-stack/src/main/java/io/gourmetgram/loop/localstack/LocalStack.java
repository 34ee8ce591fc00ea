package io.gourmetgram.loop.localstack;

import java.util.concurrent.CountDownLatch;

/**
 * {@code ./run-local-stack}: the whole loop on loopback — Kafka (KRaft), an S3 server and every
 * built stage — until Ctrl-C. Data is kept in {@code .local-stack/} for the next start.
 */
public final class LocalStack {

    private LocalStack() {}

    public static void main(String[] args) throws Exception {
        if (Runtime.version().feature() < 21) {
            System.err.println("The local stack needs Java 21 or newer (this is " + Runtime.version()
                    + "). Set JAVA_HOME, e.g. export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64");
            System.exit(2);
        }
        StackConfig config;
        try {
            config = StackConfig.parse(args, System.getenv());
        } catch (StackConfig.UsageRequested e) {
            System.out.print(e.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        LoopStack stack;
        try {
            stack = LoopStack.start(config);
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping the local stack…");
            try {
                stack.close();
            } catch (Exception e) {
                System.err.println("Error while stopping: " + e.getMessage());
            }
            stopped.countDown();
        }));
        boolean ingest =
                stack.stages().stream().anyMatch(s -> s.stage().module().equals("ingest-api"));
        System.out.println();
        System.out.println("GourmetGram Loop is running. Data: " + config.dataDir() + ", logs: "
                + config.dataDir().resolve("logs"));
        if (ingest) {
            System.out.println("Web page: http://localhost:8080/");
        }
        System.out.println("S3 endpoint: " + stack.s3Endpoint() + " (access key " + S3Node.ACCESS_KEY + ")");
        System.out.println("Kafka bootstrap: " + stack.kafkaBootstrap());
        System.out.println("Press Ctrl-C to stop.");
        stopped.await();
    }
}
