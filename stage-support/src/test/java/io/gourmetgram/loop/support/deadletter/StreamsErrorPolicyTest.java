package io.gourmetgram.loop.support.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.DeadLetter;
import io.gourmetgram.loop.events.JsonSerde;
import io.gourmetgram.loop.events.Upload;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StreamsErrorPolicyTest {

    private static final String STAGE = "test-stage";

    private final MockProducer<byte[], byte[]> deadLetters =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> uploads;
    private TestOutputTopic<String, String> keys;

    @BeforeEach
    void startTopologyThatReadsUploads() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.UPLOADS.name(), Consumed.with(Serdes.String(), Topics.UPLOADS.valueSerde()))
                .mapValues(upload -> {
                    if (upload.byteSize() == 13) {
                        throw new IllegalStateException("unlucky upload");
                    }
                    return upload.contentType();
                })
                .to("content-types", Produced.with(Serdes.String(), Serdes.String()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "error-policy-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        StreamsErrorPolicy.apply(props, STAGE, Topics.SAMPLING_DEAD_LETTER, deadLetters);
        driver = new TopologyTestDriver(builder.build(), props);
        uploads = driver.createInputTopic(Topics.UPLOADS.name(), new StringSerializer(), new ByteArraySerializer());
        keys = driver.createOutputTopic(
                "content-types", Serdes.String().deserializer(), Serdes.String().deserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void corruptBytesGoToTheDeadLetterTopicWithTheReasonAndTheStreamContinues() {
        byte[] corrupt = {(byte) 0xff, (byte) 0xfe, '{'};
        uploads.pipeInput("bad-1", corrupt);
        uploads.pipeInput("good-1", json(upload("good-1", 100)));

        assertThat(keys.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("good-1");
        assertThat(deadLetters.history()).hasSize(1);
        ProducerRecord<byte[], byte[]> sent = deadLetters.history().getFirst();
        assertThat(sent.topic()).isEqualTo(Topics.SAMPLING_DEAD_LETTER.name());
        assertThat(new String(sent.key(), StandardCharsets.UTF_8)).isEqualTo("bad-1");
        DeadLetter letter = JsonSerde.of(DeadLetter.class).deserialize(sent.topic(), sent.value());
        assertThat(letter.stage()).isEqualTo(STAGE);
        assertThat(letter.sourceTopic()).isEqualTo("uploads");
        assertThat(letter.errorMessage()).contains("not a valid Upload event");
        assertThat(letter.valueBase64()).isEqualTo(java.util.Base64.getEncoder().encodeToString(corrupt));
        assertThat(letter.valueBytes()).isEqualTo(corrupt.length);
        assertThat(letter.valueTruncated()).isFalse();
    }

    @Test
    void anOversizedRecordBecomesADeadLetterThatStillFitsAKafkaRecord() {
        byte[] huge = new byte[3 * 1024 * 1024]; // three times Kafka's default record limit
        java.util.Arrays.fill(huge, (byte) '{');
        uploads.pipeInput("huge-1", huge);
        uploads.pipeInput("good-3", json(upload("good-3", 100)));

        assertThat(keys.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("good-3");
        ProducerRecord<byte[], byte[]> sent = deadLetters.history().getFirst();
        assertThat(sent.value().length).as("dead letter bytes").isLessThan(1024 * 1024);
        DeadLetter letter = JsonSerde.of(DeadLetter.class).deserialize(sent.topic(), sent.value());
        assertThat(letter.valueTruncated()).isTrue();
        assertThat(letter.valueBytes()).isEqualTo(huge.length);
        assertThat(letter.valueSha256()).isEqualTo(sha256(huge));
        assertThat(letter.payload())
                .hasSize(DeadLetters.PAYLOAD_CAP_BYTES)
                .isEqualTo(java.util.Arrays.copyOf(huge, DeadLetters.PAYLOAD_CAP_BYTES));
    }

    @Test
    void aHandlerNeverMakesItsOwnProducerSoEveryTaskSharesTheApplicationsOne() {
        Properties withoutProducer = new Properties();
        withoutProducer.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        StreamsErrorPolicy.apply(withoutProducer, STAGE, Topics.SAMPLING_DEAD_LETTER);
        java.util.Map<String, Object> configs = new java.util.HashMap<>();
        withoutProducer.forEach((k, v) -> configs.put(k.toString(), v));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DeadLetterStreamsHandler().configure(configs))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("StreamsStage.start");
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aRecordWhoseProcessingThrowsIsDeadLetteredWithItsOriginalBytes() {
        byte[] unlucky = json(upload("unlucky", 13));
        uploads.pipeInput("unlucky", unlucky);
        uploads.pipeInput("good-2", json(upload("good-2", 100)));

        assertThat(keys.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("good-2");
        DeadLetter letter = JsonSerde.of(DeadLetter.class)
                .deserialize("dlt", deadLetters.history().getFirst().value());
        assertThat(letter.errorMessage()).contains("unlucky upload");
        assertThat(letter.errorClass()).isEqualTo(IllegalStateException.class.getName());
        assertThat(letter.payloadText()).isEqualTo(new String(unlucky, StandardCharsets.UTF_8));
        assertThat(letter.valueSha256()).isEqualTo(sha256(unlucky));
    }

    private static Upload upload(String id, long size) {
        return TestEvents.upload(id).byteSize(size).build();
    }

    private static byte[] json(Upload upload) {
        return Topics.UPLOADS.valueSerde().serialize("uploads", upload);
    }
}
