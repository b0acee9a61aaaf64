package org.msgcenter.notifier.receipts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes client receipts to the receipts topic in the format the center records: JSON {@code
 * {"type": "ack"|"read", "userId", "messageId", "deliveryId", "at"}}, keyed by user id. Receipts
 * travel in batches: the producer lingers ({@code kafka.receiptsLinger}) to put many in one
 * request; it is idempotent with {@code acks=all} and retries until its delivery timeout.
 *
 * <p>A receipt that still cannot be written is logged and counted ({@code
 * notifier.receipts.failed}). Nothing is lost for the user: the notification stays SENT in the
 * center, so a later connection without {@code since} replays it and its ack is sent again.
 */
public final class ReceiptPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReceiptPublisher.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Receipt types, as the center reads them. */
  public static final String ACK = "ack";

  public static final String READ = "read";

  private final String topic;
  private final Clock clock;
  private final KafkaProducer<String, byte[]> producer;
  private final Counter written;
  private final Counter failed;

  public ReceiptPublisher(
      String topic,
      Map<String, Object> clientSettings,
      Duration linger,
      Clock clock,
      MeterRegistry metrics) {
    this.topic = topic;
    this.clock = clock;
    Map<String, Object> s = new LinkedHashMap<>(clientSettings);
    s.put(ProducerConfig.ACKS_CONFIG, "all");
    s.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    s.put(ProducerConfig.LINGER_MS_CONFIG, (int) linger.toMillis());
    s.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    this.producer = new KafkaProducer<>(s, new StringSerializer(), new ByteArraySerializer());
    this.written = metrics.counter("notifier.receipts.written");
    this.failed = metrics.counter("notifier.receipts.failed");
  }

  /** Queues one receipt; never blocks on the broker's answer, never throws. */
  public void publish(String type, String userId, String messageId, String deliveryId) {
    Map<String, Object> receipt = new LinkedHashMap<>();
    receipt.put("type", type);
    receipt.put("userId", userId);
    receipt.put("messageId", messageId);
    receipt.put("deliveryId", deliveryId);
    receipt.put("at", clock.instant().toString());
    try {
      producer.send(
          new ProducerRecord<>(topic, userId, JSON.writeValueAsBytes(receipt)),
          (metadata, error) -> {
            if (error == null) {
              written.increment();
            } else {
              fail(type, messageId, deliveryId, error);
            }
          });
    } catch (JsonProcessingException | RuntimeException e) {
      fail(type, messageId, deliveryId, e);
    }
  }

  private void fail(String type, String messageId, String deliveryId, Throwable error) {
    failed.increment();
    log.warn(
        "Receipt {} for messageId={} deliveryId={} not written to {}: {}",
        type,
        messageId,
        deliveryId,
        topic,
        error.toString());
  }

  /** Sends what is queued (waiting up to 5 s), then closes. */
  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
