package org.msgcenter.center.receipts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.msgcenter.api.DeliveryStatus;
import org.msgcenter.api.Uuid7;
import org.msgcenter.center.delivery.Transitions;
import org.msgcenter.center.store.Database;
import org.msgcenter.center.store.DeliveryMapper;
import org.msgcenter.center.store.MessageMapper;
import org.msgcenter.center.store.ReceiptRow;
import org.msgcenter.center.store.Times;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records client receipts from {@code msgcenter.receipts}: JSON {@code {"type": "ack"|"read",
 * "userId", "messageId", "deliveryId", "at"}}. An ack moves an in-app delivery to ACKED, a read to
 * READ; one-way (a late ack never moves READ back), and only for the user the delivery belongs to.
 * A receipt that breaks the format is logged with the reason, counted and skipped.
 */
public final class ReceiptsLane implements Runnable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReceiptsLane.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String topic;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Database db;
  private final Clock clock;
  private final MeterRegistry metrics;
  private volatile boolean running = true;
  private volatile Thread thread;

  public ReceiptsLane(
      String topic,
      Map<String, Object> consumerSettings,
      Database db,
      Clock clock,
      MeterRegistry metrics) {
    this.topic = topic;
    Properties p = new Properties();
    p.putAll(consumerSettings);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(
        ConsumerConfig.CLIENT_ID_CONFIG,
        p.getOrDefault(ConsumerConfig.CLIENT_ID_CONFIG, "msgcenter") + "-receipts");
    this.consumer = new KafkaConsumer<>(p);
    this.db = db;
    this.clock = clock;
    this.metrics = metrics;
  }

  public Thread start() {
    Thread t = new Thread(this, "receipts");
    thread = t;
    t.start();
    return t;
  }

  @Override
  public void run() {
    consumer.subscribe(List.of(topic));
    long backoffMs = 0;
    try {
      while (running) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
        if (records.isEmpty()) {
          continue;
        }
        try {
          List<ReceiptRow> acks = new ArrayList<>();
          List<ReceiptRow> reads = new ArrayList<>();
          for (ConsumerRecord<String, byte[]> r : records) {
            parse(r, acks, reads);
          }
          apply(acks, reads);
          consumer.commitSync(nextOffsets(records));
          backoffMs = 0;
        } catch (Throwable t) {
          backoffMs = Math.min(10_000, Math.max(200, backoffMs * 2));
          metrics.counter("msgcenter.receipts.failures").increment();
          log.warn(
              "Receipts batch not recorded ({}); retrying in {} ms", t.getMessage(), backoffMs, t);
          for (TopicPartition tp : records.partitions()) {
            consumer.seek(tp, records.records(tp).get(0).offset());
          }
          long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs);
          while (running && System.nanoTime() < until) {
            Thread.sleep(50);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void parse(
      ConsumerRecord<String, byte[]> r, List<ReceiptRow> acks, List<ReceiptRow> reads) {
    try {
      JsonNode n = JSON.readTree(r.value());
      String type = text(n, "type");
      String userId = text(n, "userId");
      String deliveryId = text(n, "deliveryId");
      if (!Uuid7.isCanonical(deliveryId)) {
        throw new IllegalArgumentException("deliveryId: must be a canonical UUIDv7");
      }
      ReceiptRow row = new ReceiptRow();
      row.deliveryId = Uuid7.toBytes(deliveryId);
      row.userId = userId;
      row.at =
          Times.utc(n.hasNonNull("at") ? Instant.parse(n.get("at").asText()) : clock.instant());
      switch (type) {
        case "ack" -> acks.add(row);
        case "read" -> reads.add(row);
        default ->
            throw new IllegalArgumentException("type: must be ack or read (was " + type + ")");
      }
      metrics.counter("msgcenter.receipts.received", "type", type).increment();
    } catch (DateTimeParseException e) {
      skip(r, "at: must be an ISO-8601 instant");
    } catch (Exception e) {
      skip(r, e.getMessage());
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n == null ? null : n.get(field);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw new IllegalArgumentException(field + ": required string");
    }
    return v.asText();
  }

  private void skip(ConsumerRecord<String, byte[]> r, String reason) {
    metrics.counter("msgcenter.receipts.invalid").increment();
    log.warn("Skipped receipt {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), reason);
  }

  /**
   * Writes ACKED then READ, and the derived status of the messages concerned, in one transaction.
   */
  public void apply(List<ReceiptRow> acks, List<ReceiptRow> reads) {
    if (acks.isEmpty() && reads.isEmpty()) {
      return;
    }
    var now = Times.utc(clock.instant());
    db.inTransaction(
        s -> {
          DeliveryMapper deliveries = s.getMapper(DeliveryMapper.class);
          List<byte[]> ids = new ArrayList<>();
          acks.forEach(a -> ids.add(a.deliveryId));
          reads.forEach(a -> ids.add(a.deliveryId));
          List<byte[]> messages = deliveries.selectMessageIds(ids);
          if (messages.isEmpty()) {
            return null;
          }
          s.getMapper(MessageMapper.class).lockForUpdate(messages);
          if (!acks.isEmpty()) {
            deliveries.applyReceipts(
                acks, DeliveryStatus.ACKED.name(), names(DeliveryStatus.ACKED), now);
          }
          if (!reads.isEmpty()) {
            deliveries.applyReceipts(
                reads, DeliveryStatus.READ.name(), names(DeliveryStatus.READ), now);
          }
          s.getMapper(MessageMapper.class).deriveStatus(messages, now);
          return null;
        });
  }

  private static List<String> names(DeliveryStatus to) {
    return Transitions.from(to).stream().map(Enum::name).toList();
  }

  private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(
      ConsumerRecords<String, byte[]> records) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : records.partitions()) {
      List<ConsumerRecord<String, byte[]>> rs = records.records(tp);
      offsets.put(tp, new OffsetAndMetadata(rs.get(rs.size() - 1).offset() + 1));
    }
    return offsets;
  }

  @Override
  public void close() {
    running = false;
    Thread t = thread;
    if (t != null) {
      try {
        t.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
