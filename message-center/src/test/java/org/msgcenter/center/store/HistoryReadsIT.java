package org.msgcenter.center.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.msgcenter.center.config.CenterConfig;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.TestDatabase;

@ExtendWith(EmbeddedInfrastructure.class)
class HistoryReadsIT {
  private static final LocalDateTime T = LocalDateTime.parse("2026-11-22T08:00:00.120");

  @Test
  void a_message_is_read_with_its_deliveries_by_id_and_their_attempts_in_order(
      TestDatabase testDb) {
    try (Database db = open(testDb)) {
      byte[] m = id(10);
      // Stored first and with the channel the index lists first, yet listed second: by id.
      byte[] later = id(22);
      byte[] earlier = id(21);
      db.inTransaction(
          s -> {
            BatchInserts.messages(s, List.of(message(m)));
            BatchInserts.deliveries(
                s, List.of(delivery(later, m, "in-app"), delivery(earlier, m, "webhook")));
            // Stored out of order, across two rounds (a resend starts a round at attempt 1).
            BatchInserts.attempts(
                s,
                List.of(
                    attempt(later, 1, 1, "SENT"),
                    attempt(later, 0, 2, "PERMANENT_FAILURE"),
                    attempt(later, 0, 1, "RETRYABLE_FAILURE")));
            return null;
          });

      MessageRow read = db.read(s -> HistoryReads.message(s, m));

      assertThat(read.messageId).isEqualTo(m);
      assertThat(read.title).isEqualTo("title 10");
      assertThat(read.createdAt).isEqualTo(T);
      assertThat(read.deliveries).extracting(d -> d.channel).containsExactly("webhook", "in-app");
      assertThat(read.deliveries.get(0).history).isEmpty();
      assertThat(read.deliveries.get(1).history)
          .extracting(a -> a.round + "." + a.attempt + " " + a.outcome)
          .containsExactly("0.1 RETRYABLE_FAILURE", "0.2 PERMANENT_FAILURE", "1.1 SENT");
      assertThat(read.deliveries.get(1).history.get(0).startedAt).isEqualTo(T);
    }
  }

  @Test
  void a_message_without_deliveries_has_none_and_an_unknown_id_reads_null(TestDatabase testDb) {
    try (Database db = open(testDb)) {
      byte[] m = id(30);
      db.inTransaction(
          s -> {
            BatchInserts.messages(s, List.of(message(m)));
            return null;
          });

      MessageRow alone = db.read(s -> HistoryReads.message(s, m));
      MessageRow unknown = db.read(s -> HistoryReads.message(s, id(31)));
      assertThat(alone.deliveries).isEmpty();
      assertThat(unknown).isNull();
    }
  }

  @Test
  void a_pages_history_holds_the_deliveries_of_its_messages_only(TestDatabase testDb) {
    try (Database db = open(testDb)) {
      byte[] first = id(40);
      byte[] second = id(41);
      byte[] other = id(42);
      db.inTransaction(
          s -> {
            BatchInserts.messages(s, List.of(message(first), message(second), message(other)));
            BatchInserts.deliveries(
                s,
                List.of(
                    delivery(id(52), first, "in-app"),
                    delivery(id(51), second, "in-app"),
                    delivery(id(53), other, "in-app")));
            BatchInserts.attempts(s, List.of(attempt(id(51), 0, 1, "SENT")));
            return null;
          });

      List<DeliveryRow> read = db.read(s -> HistoryReads.deliveries(s, List.of(first, second)));

      assertThat(read).extracting(d -> d.messageId).containsExactly(second, first);
      assertThat(read.get(0).history).extracting(a -> a.outcome).containsExactly("SENT");
      assertThat(read.get(1).history).isEmpty();
      List<DeliveryRow> none = db.read(s -> HistoryReads.deliveries(s, List.of()));
      assertThat(none).isEmpty();
    }
  }

  /** The services' pool, as the query service reads through it; the schema migrated first. */
  private static Database open(TestDatabase testDb) {
    CenterConfig.Db config =
        new CenterConfig.Db(testDb.jdbcUrl(), testDb.user(), testDb.password(), 1, 1);
    Database.open(config).close();
    return Database.openServicePool(config);
  }

  /** An id whose first byte orders it: ids compare as unsigned bytes. */
  private static byte[] id(int n) {
    return ByteBuffer.allocate(16).put((byte) n).putLong(8, n).array();
  }

  private static MessageRow message(byte[] id) {
    int n = id[0];
    MessageRow m = new MessageRow();
    m.messageId = id;
    m.traceId = "trace-" + n;
    m.bizType = "order.shipped";
    m.priority = "NORMAL";
    m.status = "SENT";
    m.title = "title " + n;
    m.ingestToken = id;
    m.sourceTopic = "msgcenter.notifications";
    m.sourceOffset = n;
    m.createdAt = T;
    m.updatedAt = T;
    return m;
  }

  private static DeliveryRow delivery(byte[] id, byte[] messageId, String channel) {
    DeliveryRow d = new DeliveryRow();
    d.deliveryId = id;
    d.messageId = messageId;
    d.channel = channel;
    d.address = "u-1";
    d.addressHash = id;
    d.status = "SENT";
    d.priority = "NORMAL";
    d.createdAt = T;
    d.updatedAt = T;
    return d;
  }

  private static AttemptRow attempt(byte[] deliveryId, int round, int attempt, String outcome) {
    AttemptRow a = new AttemptRow();
    a.deliveryId = deliveryId;
    a.round = round;
    a.attempt = attempt;
    a.startedAt = T;
    a.finishedAt = T;
    a.outcome = outcome;
    a.instanceId = "center-1";
    return a;
  }
}
