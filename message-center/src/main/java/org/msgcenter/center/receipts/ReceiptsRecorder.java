package org.msgcenter.center.receipts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.msgcenter.api.DeliveryStatus;
import org.msgcenter.api.Uuid7;
import org.msgcenter.center.delivery.Transitions;
import org.msgcenter.center.kafka.BatchConsumer;
import org.msgcenter.center.store.Database;
import org.msgcenter.center.store.DeliveryMapper;
import org.msgcenter.center.store.HotUpdates;
import org.msgcenter.center.store.ReceiptRow;
import org.msgcenter.center.store.Times;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records client receipts from {@code msgcenter.receipts} (a {@link
 * org.msgcenter.center.kafka.BatchConsumer.Handler}): JSON {@code {"type": "ack"|"read", "userId",
 * "messageId", "deliveryId", "at"}}. An ack moves an in-app delivery to ACKED, a read to READ;
 * one-way (a late ack never moves READ back), and only for the user the delivery belongs to. A
 * receipt that breaks the format is logged with the reason, counted and skipped.
 */
public final class ReceiptsRecorder implements BatchConsumer.Handler {
  private static final Logger log = LoggerFactory.getLogger(ReceiptsRecorder.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Database db;
  private final Clock clock;
  private final MeterRegistry metrics;

  public ReceiptsRecorder(Database db, Clock clock, MeterRegistry metrics) {
    this.db = db;
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  public List<Future<?>> handle(List<ConsumerRecord<String, byte[]>> batch) {
    List<ReceiptRow> acks = new ArrayList<>();
    List<ReceiptRow> reads = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : batch) {
      parse(r, acks, reads);
    }
    apply(acks, reads);
    return List.of();
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
          HotUpdates.lockMessages(s, messages);
          if (!acks.isEmpty()) {
            deliveries.applyReceipts(
                acks, DeliveryStatus.ACKED.name(), names(DeliveryStatus.ACKED), now);
          }
          if (!reads.isEmpty()) {
            deliveries.applyReceipts(
                reads, DeliveryStatus.READ.name(), names(DeliveryStatus.READ), now);
          }
          HotUpdates.deriveStatus(s, messages, now);
          return null;
        });
  }

  private static List<String> names(DeliveryStatus to) {
    return Transitions.from(to).stream().map(Enum::name).toList();
  }
}
