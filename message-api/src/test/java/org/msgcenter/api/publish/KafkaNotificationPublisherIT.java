package org.msgcenter.api.publish;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.msgcenter.api.Notification;
import org.msgcenter.api.NotificationCodec;
import org.msgcenter.api.Priority;
import org.msgcenter.api.Recipient;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;

@ExtendWith(EmbeddedInfrastructure.class)
class KafkaNotificationPublisherIT {
  private static final String TOPIC = "it.publisher.notifications";
  private static final String HIGH_TOPIC = "it.publisher.notifications.high";

  private final EmbeddedKafka kafka;

  KafkaNotificationPublisherIT(EmbeddedKafka kafka) {
    this.kafka = kafka;
    kafka.createTopics(3, TOPIC, HIGH_TOPIC);
  }

  private PublisherConfig.Builder config(String bootstrap) {
    return PublisherConfig.builder().bootstrapServers(bootstrap).topic(TOPIC).highTopic(HIGH_TOPIC);
  }

  private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }

  /** The record the broker stored where the publish result says. */
  static ConsumerRecord<String, byte[]> recordAt(String bootstrap, PublishResult r) {
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
      consumer.assign(List.of(tp));
      consumer.seek(tp, r.offset());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> c : consumer.poll(Duration.ofMillis(200))) {
          if (c.offset() == r.offset()) {
            return c;
          }
        }
      }
    }
    throw new AssertionError("no record at " + r);
  }

  /** Every record of the topic, up to its end offsets at the time of the call. */
  static List<ConsumerRecord<String, byte[]>> readToEnd(String bootstrap, String topic) {
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        assertThat(System.nanoTime()).as("read to end of %s in time", topic).isLessThan(deadline);
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  @Test
  void a_published_notification_arrives_as_identical_json_with_key_and_headers() throws Exception {
    Notification n =
        Notification.builder()
            .bizType("payment.succeeded")
            .traceId("trace-42")
            .recipient(Recipient.builder().userId("u-42").email("bob@example.com").build())
            .template("payment.received")
            .params(Map.of("amount", "120.00"))
            .build();
    PublishResult result;
    try (NotificationPublisher publisher =
        NotificationPublisher.kafka(config(kafka.bootstrapServers()).build())) {
      result = publisher.publish(n).get(30, TimeUnit.SECONDS);
    }
    assertThat(result.topic()).isEqualTo(TOPIC);
    assertThat(result.messageId()).isEqualTo(n.messageId());

    ConsumerRecord<String, byte[]> record = recordAt(kafka.bootstrapServers(), result);
    assertThat(record.key()).isEqualTo("u-42");
    assertThat(new String(record.value(), UTF_8))
        .isEqualTo(new String(NotificationCodec.encode(n), UTF_8));
    assertThat(NotificationCodec.decode(record.value())).isEqualTo(n);
    assertThat(new String(record.headers().lastHeader("schema").value(), UTF_8)).isEqualTo("1");
    assertThat(new String(record.headers().lastHeader("traceId").value(), UTF_8))
        .isEqualTo("trace-42");
  }

  @Test
  void high_priority_travels_on_its_own_topic_and_the_rest_do_not() throws Exception {
    Notification high =
        Notification.builder()
            .bizType("account.otp")
            .priority(Priority.HIGH)
            .recipient(Recipient.builder().phone("+8613800138000").build())
            .bizId("otp-1")
            .content("Your code is 123456")
            .build();
    Notification low =
        Notification.builder()
            .bizType("campaign.sale")
            .priority(Priority.LOW)
            .recipient(Recipient.builder().email("carol@example.com").build())
            .content("Sale!")
            .build();
    PublishResult highResult;
    PublishResult lowResult;
    try (NotificationPublisher publisher =
        NotificationPublisher.kafka(config(kafka.bootstrapServers()).build())) {
      highResult = publisher.publish(high).get(30, TimeUnit.SECONDS);
      lowResult = publisher.publish(low).get(30, TimeUnit.SECONDS);
    }
    assertThat(highResult.topic()).isEqualTo(HIGH_TOPIC);
    assertThat(lowResult.topic()).isEqualTo(TOPIC);

    ConsumerRecord<String, byte[]> highRecord = recordAt(kafka.bootstrapServers(), highResult);
    // No userId: the key falls back to bizId, then to messageId.
    assertThat(highRecord.key()).isEqualTo("otp-1");
    assertThat(highRecord.headers().lastHeader("traceId")).isNull();
    assertThat(recordAt(kafka.bootstrapServers(), lowResult).key()).isEqualTo(low.messageId());
    List<ConsumerRecord<String, byte[]>> normal = readToEnd(kafka.bootstrapServers(), TOPIC);
    assertThat(normal).noneMatch(r -> new String(r.value(), UTF_8).contains(high.messageId()));
  }

  @Test
  void close_sends_what_is_still_lingering() throws Exception {
    Notification n =
        Notification.builder()
            .bizType("order.shipped")
            .recipient(Recipient.ofUser("u-linger"))
            .content("Shipped.")
            .build();
    NotificationPublisher publisher =
        NotificationPublisher.kafka(
            config(kafka.bootstrapServers()).linger(Duration.ofSeconds(5)).build());
    CompletableFuture<PublishResult> f = publisher.publish(n);
    publisher.close();
    assertThat(f).isCompleted();
    assertThat(recordAt(kafka.bootstrapServers(), f.get()).key()).isEqualTo("u-linger");
    assertThat(publisher.publish(n)).isCompletedExceptionally();
  }

  @Test
  void with_the_broker_stopped_the_future_fails_with_a_clear_error_within_its_timeout(
      @TempDir Path dir) throws Exception {
    try (EmbeddedKafka own = new EmbeddedKafka(0, dir)) {
      own.start();
      own.createTopics(1, TOPIC, HIGH_TOPIC);
      PublisherConfig cfg =
          config(own.bootstrapServers())
              .requestTimeout(Duration.ofSeconds(2))
              .deliveryTimeout(Duration.ofSeconds(4))
              .maxBlock(Duration.ofSeconds(2))
              .closeTimeout(Duration.ofSeconds(1))
              .build();
      try (NotificationPublisher publisher = NotificationPublisher.kafka(cfg)) {
        Notification first =
            Notification.builder()
                .bizType("a.b")
                .recipient(Recipient.ofUser("u"))
                .content("1")
                .build();
        publisher.publish(first).get(30, TimeUnit.SECONDS);

        own.stop();
        Notification second = first.toBuilder().messageId(null).content("2").build();
        long start = System.nanoTime();
        CompletableFuture<PublishResult> f = publisher.publish(second);
        assertThatThrownBy(() -> f.get(20, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .cause()
            .isInstanceOf(PublishException.class)
            .hasMessageContaining("publish of message " + second.messageId())
            .hasMessageContaining("deliveryTimeout 4000 ms")
            .satisfies(e -> assertThat(((PublishException) e).isRetryable()).isTrue());
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        // The bound is the configured delivery timeout, not the 20 s the test is willing to wait.
        assertThat(seconds).isLessThan(10);
      }
    }
  }

  @Test
  void a_broker_that_cannot_be_reached_fails_the_future_rather_than_throwing() throws Exception {
    PublisherConfig cfg =
        config("127.0.0.1:1")
            .requestTimeout(Duration.ofSeconds(1))
            .deliveryTimeout(Duration.ofSeconds(2))
            .maxBlock(Duration.ofSeconds(2))
            .closeTimeout(Duration.ofSeconds(1))
            .build();
    try (NotificationPublisher publisher = NotificationPublisher.kafka(cfg)) {
      CompletableFuture<PublishResult> f =
          publisher.publish(
              Notification.builder()
                  .bizType("a.b")
                  .recipient(Recipient.ofUser("u"))
                  .content("x")
                  .build());
      assertThatThrownBy(() -> f.get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(PublishException.class)
          .hasMessageContaining("failed");
    }
  }
}
