# syntax=docker/dockerfile:1
# One image recipe for every stage (and the lag exporter): MODULE picks the Maven module, PORT its HTTP port and
# MANAGEMENT_PORT its actuator port (HTTP port + 1000 by convention, e.g. ingest-api 8080 and 9080).
#   docker build --build-arg MODULE=ingest-api --build-arg PORT=8080 --build-arg MANAGEMENT_PORT=9080 -t gourmetgram/ingest-api .
# Secrets are never baked in: every credential arrives as an environment variable at run time.
ARG JAVA_IMAGE_TAG=21.0.8_9

FROM eclipse-temurin:${JAVA_IMAGE_TAG}-jdk-noble AS build
ARG MODULE
WORKDIR /src
COPY . .
# Tests run in CI (./mvnw -B verify); the image build only packages.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -DskipTests -pl "${MODULE}" -am package \
 && cp "${MODULE}/target/${MODULE}-exec.jar" /app.jar

FROM eclipse-temurin:${JAVA_IMAGE_TAG}-jre-noble
ARG MODULE
ARG PORT=8080
ARG MANAGEMENT_PORT=9080
LABEL org.opencontainers.image.title="gourmetgram-loop ${MODULE}" \
      org.opencontainers.image.source="https://github.com/gourmetgram/loop"
# A fixed numeric uid so Kubernetes can check runAsNonRoot; /data holds Streams state and is owned by it.
RUN groupadd --system --gid 10001 gourmetgram \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --shell /usr/sbin/nologin gourmetgram \
 && mkdir -p /app /data /tmp/gourmetgram && chown -R 10001:10001 /data /tmp/gourmetgram
COPY --from=build --chown=10001:10001 /app.jar /app/app.jar
USER 10001:10001
WORKDIR /app
# JVM settings (each overridable by the same variable in compose or the pod spec; local-stack/README.md, "Memory"):
# MALLOC_ARENA_MAX=2 — glibc's malloc keeps up to 8 arenas per core, each holding freed native memory (Kafka, ONNX
# Runtime, RocksDB); two are enough here. The JIT keeps C2 in images: a deployed stage runs long enough under load
# for C2's compilations to pay off, unlike the local stack's light stages (C1 only there). With the chart's 1-CPU
# limit the JVM picks the Serial collector by itself.
ENV SERVER_PORT=${PORT} \
    MANAGEMENT_SERVER_PORT=${MANAGEMENT_PORT} \
    ORT_DISABLE_TELEMETRY=1 \
    MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED=true \
    MALLOC_ARENA_MAX=2 \
    JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED"
EXPOSE ${PORT} ${MANAGEMENT_PORT}
# No curl in the JRE image: bash's /dev/tcp asks actuator's readiness group over plain HTTP/1.0.
HEALTHCHECK --interval=10s --timeout=5s --start-period=90s --retries=3 \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/${MANAGEMENT_SERVER_PORT} && printf "GET /actuator/health/readiness HTTP/1.0\r\nHost: localhost\r\n\r\n" >&3 && grep -q "\"status\":\"UP\"" <&3'
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
