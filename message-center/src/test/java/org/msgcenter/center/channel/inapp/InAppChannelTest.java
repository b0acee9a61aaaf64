package org.msgcenter.center.channel.inapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.msgcenter.center.channel.TestDeliveries.aDelivery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.msgcenter.center.channel.Channel;
import org.msgcenter.center.channel.ChannelOutcome;
import org.msgcenter.center.channel.ChannelOutcome.PermanentFailure;
import org.msgcenter.center.channel.ChannelOutcome.RetryableFailure;
import org.msgcenter.center.channel.ChannelOutcome.Sent;
import org.msgcenter.center.channel.OutboundDelivery;
import org.msgcenter.center.channel.TestChannelContext;
import org.msgcenter.center.channel.TestDeliveries;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;

@ExtendWith(EmbeddedInfrastructure.class)
class InAppChannelTest {
  private static final String TOPIC = "test.channel.inapp.realtime";

  private final EmbeddedKafka kafka;

  InAppChannelTest(EmbeddedKafka kafka) {
    this.kafka = kafka;
    kafka.createTopics(3, TOPIC);
  }

  private Channel channel(String timeout, Map<String, Object> extraProducerSettings) {
    TestChannelContext context =
        new TestChannelContext("in-app")
            .with("topic", TOPIC)
            .with("timeout", timeout)
            .kafka(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    extraProducerSettings.forEach(context::kafka);
    return new InAppChannelProvider().create(context);
  }

  @Test
  void an_acknowledged_event_is_sent_and_reads_back_as_the_documented_json() throws Exception {
    ChannelOutcome outcome;
    try (Channel channel = channel("10s", Map.of())) {
      outcome =
          channel.send(aDelivery("in-app", "u-42")).toCompletableFuture().get(15, TimeUnit.SECONDS);
    }

    assertThat(outcome).isInstanceOf(Sent.class);
    String receipt = ((Sent) outcome).receipt();
    assertThat(receipt).matches(TOPIC.replace(".", "\\.") + "-[0-2]@\\d+");
    int partition = Integer.parseInt(receipt.substring(TOPIC.length() + 1, receipt.indexOf('@')));
    long offset = Long.parseLong(receipt.substring(receipt.indexOf('@') + 1));

    ConsumerRecord<String, byte[]> record = readAt(new TopicPartition(TOPIC, partition), offset);
    assertThat(record.key()).isEqualTo("u-42");
    assertThat(new String(record.value(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"messageId\":\"%s\",\"deliveryId\":\"%s\",\"userId\":\"u-42\","
                    .formatted(TestDeliveries.MESSAGE_ID, TestDeliveries.DELIVERY_ID)
                + "\"bizType\":\"payment.succeeded\",\"title\":\"Money arrived\","
                + "\"content\":\"Your transfer of 120.00 CNY arrived.\","
                + "\"data\":{\"amount\":120.00,\"currency\":\"CNY\",\"tags\":[\"transfer\",\"incoming\"]},"
                + "\"createdAt\":\"2025-01-02T03:04:05.678Z\"}");
  }

  @Test
  void one_users_events_share_a_partition() throws Exception {
    List<String> receipts = new ArrayList<>();
    try (Channel channel = channel("10s", Map.of())) {
      for (int i = 0; i < 5; i++) {
        receipts.add(
            ((Sent)
                    channel
                        .send(aDelivery("in-app", "u-7"))
                        .toCompletableFuture()
                        .get(15, TimeUnit.SECONDS))
                .receipt());
      }
    }

    assertThat(receipts.stream().map(r -> r.substring(0, r.indexOf('@'))).distinct()).hasSize(1);
  }

  @Test
  void a_broker_that_does_not_answer_is_a_retryable_failure_within_the_timeout() throws Exception {
    TestChannelContext context =
        new TestChannelContext("in-app")
            .with("timeout", "1s")
            .kafka(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
    try (Channel channel = new InAppChannelProvider().create(context)) {
      long start = System.nanoTime();
      ChannelOutcome outcome =
          channel.send(aDelivery("in-app", "u-42")).toCompletableFuture().get(10, TimeUnit.SECONDS);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(outcome).isInstanceOf(RetryableFailure.class);
      assertThat(took).isLessThan(Duration.ofMillis(1_500));
    }
  }

  @Test
  void a_record_too_large_is_a_permanent_failure() throws Exception {
    OutboundDelivery big = aDelivery("in-app", "u-42");
    big =
        new OutboundDelivery(
            big.deliveryId(),
            big.messageId(),
            big.traceId(),
            big.bizType(),
            big.bizId(),
            big.userId(),
            big.channel(),
            big.address(),
            big.title(),
            "x".repeat(4096),
            big.data(),
            big.createdAt(),
            big.attempt());
    try (Channel channel = channel("10s", Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1024))) {
      ChannelOutcome outcome = channel.send(big).toCompletableFuture().get(15, TimeUnit.SECONDS);

      assertThat(outcome).isInstanceOf(PermanentFailure.class);
      assertThat(((PermanentFailure) outcome).reason()).startsWith("Kafka RecordTooLargeException");
    }
  }

  @Test
  void a_closed_channel_fails_retryably() throws Exception {
    Channel channel = channel("10s", Map.of());
    channel.close();
    channel.close();

    assertThat(
            channel
                .send(aDelivery("in-app", "u-42"))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS))
        .isInstanceOf(RetryableFailure.class);
  }

  @Test
  void producer_timeouts_fit_in_the_delivery_timeout() {
    Map<String, Object> config =
        InAppChannelProvider.producerConfig(
            Map.of("bootstrap.servers", "x:1"), Duration.ofSeconds(2));

    assertThat(config)
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 2000)
        .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000);
    assertThat(
            (int) config.get(ProducerConfig.LINGER_MS_CONFIG)
                + (int) config.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG))
        .isLessThanOrEqualTo(2000);
  }

  private ConsumerRecord<String, byte[]> readAt(TopicPartition partition, long offset) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
      consumer.assign(List.of(partition));
      consumer.seek(partition, offset);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.offset() == offset) {
            return record;
          }
        }
      }
    }
    throw new AssertionError("no record at " + partition + "@" + offset);
  }
}
