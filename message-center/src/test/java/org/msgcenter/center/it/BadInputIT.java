package org.msgcenter.center.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.msgcenter.api.Notification;
import org.msgcenter.api.NotificationCodec;
import org.msgcenter.api.Recipient;
import org.msgcenter.api.Uuid7;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.TestDatabase;

/**
 * Bad records go to the dead-letter topic with the reason and into rejected_record, never stop
 * their partition, and a corrected record with the same id is accepted afterwards.
 */
@ExtendWith(EmbeddedInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private CenterHarness harness;
  private KafkaProducer<String, byte[]> raw;

  @BeforeAll
  void start(EmbeddedKafka kafka, TestDatabase db, @TempDir Path dir) {
    harness = new CenterHarness(kafka, db.jdbcUrl(), db.user(), db.password(), dir);
    harness.set("route.default.channels", "");
    harness.settings.remove("route.default.channels");
    harness.set("route.known.type.channels", "in-app");
    harness.start();
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    raw = new KafkaProducer<>(p);
  }

  @AfterAll
  void stop() {
    raw.close();
    harness.close();
  }

  /** Sends raw bytes to partition 0 of the normal topic, as any producer could. */
  private long send(String json) throws Exception {
    return raw.send(
            new ProducerRecord<>(
                harness.topic("notifications"), 0, "same-key", json.getBytes(UTF_8)))
        .get()
        .offset();
  }

  private static String valid(String messageId, String bizType) {
    return "{\"schema\":1,\"messageId\":\""
        + messageId
        + "\",\"bizType\":\""
        + bizType
        + "\",\"recipient\":{\"userId\":\"u-1\"},\"content\":\"hi\"}";
  }

  @Test
  void each_kind_of_bad_record_is_dead_lettered_with_its_reason_and_the_partition_keeps_flowing()
      throws Exception {
    String badFieldsId = Uuid7.generate();
    Map<String, String> expected = new java.util.LinkedHashMap<>();
    expected.put("not json at all", "MALFORMED");
    expected.put("{\"schema\":9,\"messageId\":\"" + Uuid7.generate() + "\"}", "UNSUPPORTED_SCHEMA");
    expected.put(
        "{\"schema\":1,\"messageId\":\""
            + badFieldsId
            + "\",\"bizType\":\"Bad Type\",\"recipient\":{\"userId\":\"u-1\"},\"content\":\"hi\"}",
        "INVALID_FIELDS");
    expected.put("{\"schema\":1,\"pad\":\"" + "x".repeat(70_000) + "\"}", "TOO_LARGE");
    expected.put(valid(Uuid7.generate(), "unrouted.type"), "NO_ROUTE");
    expected.put(
        "{\"schema\":1,\"messageId\":\""
            + Uuid7.generate()
            + "\",\"bizType\":\"known.type\",\"channels\":[\"fax\"],\"recipient\":{\"userId\":\"u-1\"},\"content\":\"hi\"}",
        "UNKNOWN_CHANNEL");
    List<Long> offsets = new ArrayList<>();
    for (String json : expected.keySet()) {
      offsets.add(send(json));
    }
    String goodId = Uuid7.generate();
    send(valid(goodId, "known.type"));

    // The good record behind the bad ones on the same partition is delivered.
    await().atMost(WAIT).until(() -> "DELIVERED".equals(harness.messageStatus(goodId)));

    List<Map<String, Object>> rejected =
        harness.rows(
            "SELECT source_offset, reason, error, message_id FROM rejected_record WHERE source_topic = ? ORDER BY source_offset",
            harness.topic("notifications"));
    assertThat(rejected)
        .extracting(r -> r.get("reason"))
        .containsExactlyElementsOf(expected.values());
    assertThat(rejected)
        .extracting(r -> ((Number) r.get("source_offset")).longValue())
        .containsExactlyElementsOf(offsets);
    Map<String, Object> invalid = rejected.get(2);
    assertThat((String) invalid.get("error"))
        .contains("bizType: must be dot-separated lower-case words");
    assertThat(invalid.get("message_id")).isEqualTo(badFieldsId);
    assertThat(
            harness.count(
                "SELECT COUNT(*) FROM message WHERE message_id = UNHEX(REPLACE(?, '-', ''))",
                badFieldsId))
        .isZero();

    List<ConsumerRecord<String, byte[]>> dead = readAll(harness.topic("dlq"), expected.size());
    assertThat(dead).hasSize(expected.size());
    for (int i = 0; i < dead.size(); i++) {
      ConsumerRecord<String, byte[]> d = dead.get(i);
      assertThat(header(d, "msgcenter.reason"))
          .isEqualTo(new ArrayList<>(expected.values()).get(i));
      assertThat(header(d, "msgcenter.source.topic")).isEqualTo(harness.topic("notifications"));
      assertThat(header(d, "msgcenter.source.partition")).isEqualTo("0");
      assertThat(header(d, "msgcenter.source.offset")).isEqualTo(String.valueOf(offsets.get(i)));
      assertThat(new String(d.value(), UTF_8)).isEqualTo(new ArrayList<>(expected.keySet()).get(i));
      assertThat(d.key()).isEqualTo("same-key");
    }
    assertThat(header(dead.get(2), "msgcenter.error")).contains("bizType");

    // The producer fixes the record and publishes it again with the same id: accepted.
    Notification fixed =
        Notification.builder()
            .messageId(badFieldsId)
            .bizType("known.type")
            .recipient(Recipient.ofUser("u-1"))
            .content("hi")
            .build();
    send(new String(NotificationCodec.encode(fixed), UTF_8));
    await().atMost(WAIT).until(() -> "DELIVERED".equals(harness.messageStatus(badFieldsId)));
  }

  private List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, harness.kafka.bootstrapServers());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts =
          c.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (out.size() < expected && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    out.sort(
        java.util.Comparator.comparingLong(
            r -> Long.parseLong(header(r, "msgcenter.source.offset"))));
    return out;
  }

  private static String header(ConsumerRecord<String, byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), UTF_8);
  }
}
