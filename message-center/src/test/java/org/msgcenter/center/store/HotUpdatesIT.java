package org.msgcenter.center.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.ibatis.session.SqlSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.msgcenter.center.config.CenterConfig;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.TestDatabase;

/**
 * The hot updates bind a value once for a column every row shares and per row otherwise: each row
 * must still end with its own values, and only the rows the condition allows may change.
 */
@ExtendWith(EmbeddedInfrastructure.class)
class HotUpdatesIT {
  private static final LocalDateTime T = LocalDateTime.parse("2026-11-29T09:00:00.100");

  @Test
  void ending_leases_writes_each_rows_own_values_whether_shared_or_not(TestDatabase testDb) {
    try (Database db = open(testDb)) {
      byte[] m = id(1, 0);
      List<byte[]> ids = List.of(id(2, 1), id(2, 2), id(2, 3), id(2, 4));
      store(db, m, ids, "SENDING", "center-1");
      leaseTo(db, ids.get(3), "center-2");

      // Sent: attempts and the empty error and next attempt shared, receipts and times not.
      List<DeliveryOutcome> sent =
          List.of(
              outcome(ids.get(0), 1, null, "r-1", T.plusSeconds(1), null),
              outcome(ids.get(1), 1, null, "r-2", T.plusSeconds(2), null),
              outcome(ids.get(3), 1, null, "r-4", T.plusSeconds(4), null));
      int changed = db.inTransaction(s -> HotUpdates.finishSending(s, sent, "SENT", "center-1", T));
      // Retrying: errors and due times differ, attempts too.
      List<DeliveryOutcome> retrying =
          List.of(outcome(ids.get(2), 3, "timed out", null, null, T.plusMinutes(5)));
      int retried =
          db.inTransaction(s -> HotUpdates.finishSending(s, retrying, "RETRYING", "center-1", T));

      assertThat(changed).as("the row leased to another instance is left").isEqualTo(2);
      assertThat(retried).isEqualTo(1);
      assertThat(rows(db, ids))
          .containsExactly(
              "SENT 1 null r-1 " + T.plusSeconds(1) + " null null",
              "SENT 1 null r-2 " + T.plusSeconds(2) + " null null",
              "RETRYING 3 timed out null null " + T.plusMinutes(5) + " null",
              "SENDING 0 null null null " + T + " center-2");
    }
  }

  @Test
  void a_claim_leases_each_row_until_its_own_expiry(TestDatabase testDb) {
    try (Database db = open(testDb)) {
      byte[] m = id(3, 0);
      List<byte[]> ids = List.of(id(4, 1), id(4, 2), id(4, 3), id(4, 4));
      store(db, m, ids, "PENDING", null);
      List<DueDelivery> due = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        DueDelivery d = new DueDelivery();
        d.deliveryId = ids.get(i);
        d.leaseExpiry = i % 2 == 0 ? T.plusSeconds(30) : T.plusSeconds(60);
        due.add(d);
      }
      db.inTransaction(s -> execute(s, "UPDATE delivery SET status = 'CANCELLED'", ids.get(3)));

      int changed =
          db.inTransaction(s -> HotUpdates.claim(s, due, "PENDING", "center-1", T.plusSeconds(1)));

      assertThat(changed).as("the cancelled row is left").isEqualTo(3);
      assertThat(rows(db, ids))
          .containsExactly(
              "SENDING 1 null null null " + T.plusSeconds(30) + " center-1",
              "SENDING 1 null null null " + T.plusSeconds(60) + " center-1",
              "SENDING 1 null null null " + T.plusSeconds(30) + " center-1",
              "CANCELLED 0 null null null " + T + " null");
    }
  }

  @Test
  void derived_status_follows_the_deliveries_and_leaves_suppressed_messages(TestDatabase testDb) {
    try (Database db = open(testDb)) {
      List<byte[]> messages = new ArrayList<>();
      String[][] deliveries = {
        {"SCHEDULED", "SCHEDULED"},
        {"SENT", "PENDING"},
        {"SENT", "SKIPPED"},
        {"READ", "DEAD"},
        {"CANCELLED", "SKIPPED"},
        {"DEAD", "EXPIRED"},
        {"SENT", "SENT"}
      };
      for (int m = 0; m < deliveries.length; m++) {
        byte[] message = id(5, m);
        messages.add(message);
        List<byte[]> ids = new ArrayList<>();
        for (int d = 0; d < deliveries[m].length; d++) {
          ids.add(id(6 + m, d));
        }
        store(db, message, ids, "SENDING", null);
        for (int d = 0; d < ids.size(); d++) {
          String to = deliveries[m][d];
          byte[] delivery = ids.get(d);
          db.inTransaction(s -> execute(s, "UPDATE delivery SET status = '" + to + "'", delivery));
        }
      }
      byte[] suppressed = messages.get(6);
      db.inTransaction(
          s -> {
            s.getMapper(MessageMapper.class).markSuppressed(suppressed, messages.get(0), T);
            return null;
          });

      int changed = db.inTransaction(s -> HotUpdates.deriveStatus(s, messages, T.plusSeconds(1)));

      assertThat(changed)
          .as("all but the one that stays DISPATCHING and the suppressed one")
          .isEqualTo(5);
      assertThat(updatedAt(db, messages.get(1)))
          .as("a message whose status stays is not written")
          .isEqualTo(T);
      assertThat(updatedAt(db, messages.get(2))).isEqualTo(T.plusSeconds(1));
      List<String> statuses =
          db.inTransaction(
              s ->
                  messages.stream()
                      .map(m -> s.getMapper(MessageMapper.class).selectStatus(m))
                      .toList());
      assertThat(statuses)
          .containsExactly(
              "SCHEDULED",
              "DISPATCHING",
              "DELIVERED",
              "PARTIALLY_DELIVERED",
              "CANCELLED",
              "FAILED",
              "SUPPRESSED");
    }
  }

  private static Database open(TestDatabase testDb) {
    return Database.open(
        new CenterConfig.Db(testDb.jdbcUrl(), testDb.user(), testDb.password(), 1, 1));
  }

  private static void store(
      Database db, byte[] messageId, List<byte[]> ids, String status, String owner) {
    MessageRow m = new MessageRow();
    m.messageId = messageId;
    m.traceId = "trace";
    m.bizType = "order.shipped";
    m.priority = "NORMAL";
    m.status = "DISPATCHING";
    m.content = "shipped";
    m.ingestToken = messageId;
    m.sourceTopic = "msgcenter.notifications";
    m.createdAt = T;
    m.updatedAt = T;
    List<DeliveryRow> deliveries = new ArrayList<>();
    for (byte[] id : ids) {
      DeliveryRow d = new DeliveryRow();
      d.deliveryId = id;
      d.messageId = messageId;
      d.channel = "in-app";
      d.address = "u-" + id[15];
      d.addressHash = id;
      d.status = status;
      d.priority = "NORMAL";
      d.nextAttemptAt = T;
      d.leaseOwner = owner;
      d.createdAt = T;
      d.updatedAt = T;
      deliveries.add(d);
    }
    db.inTransaction(
        s -> {
          BatchInserts.messages(s, List.of(m));
          BatchInserts.deliveries(s, deliveries);
          return null;
        });
  }

  private static java.time.LocalDateTime updatedAt(Database db, byte[] messageId) {
    return db.inTransaction(
        s -> {
          try (PreparedStatement ps =
              s.getConnection()
                  .prepareStatement("SELECT updated_at FROM message WHERE message_id = ?")) {
            ps.setBytes(1, messageId);
            try (var rs = ps.executeQuery()) {
              rs.next();
              return rs.getObject(1, java.time.LocalDateTime.class);
            }
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private static void leaseTo(Database db, byte[] id, String owner) {
    db.inTransaction(s -> execute(s, "UPDATE delivery SET lease_owner = '" + owner + "'", id));
  }

  private static int execute(SqlSession s, String update, byte[] id) {
    try (PreparedStatement ps =
        s.getConnection().prepareStatement(update + " WHERE delivery_id = ?")) {
      ps.setBytes(1, id);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Each row as "status attempts error receipt sentAt nextAttemptAt owner", in the order given. */
  private static List<String> rows(Database db, List<byte[]> ids) {
    return db.inTransaction(
        s -> {
          List<String> rows = new ArrayList<>();
          for (byte[] id : ids) {
            try (PreparedStatement ps =
                s.getConnection()
                    .prepareStatement(
                        "SELECT status, attempts, last_error, provider_receipt, sent_at,"
                            + " next_attempt_at, lease_owner FROM delivery WHERE delivery_id = ?")) {
              ps.setBytes(1, id);
              try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                rows.add(
                    rs.getString(1)
                        + " "
                        + rs.getInt(2)
                        + " "
                        + rs.getString(3)
                        + " "
                        + rs.getString(4)
                        + " "
                        + rs.getObject(5, LocalDateTime.class)
                        + " "
                        + rs.getObject(6, LocalDateTime.class)
                        + " "
                        + rs.getString(7));
              }
            } catch (SQLException e) {
              throw new IllegalStateException(e);
            }
          }
          return rows;
        });
  }

  private static DeliveryOutcome outcome(
      byte[] id,
      int attempts,
      String error,
      String receipt,
      LocalDateTime sentAt,
      LocalDateTime next) {
    DeliveryOutcome o = new DeliveryOutcome();
    o.deliveryId = id;
    o.attempts = attempts;
    o.lastError = error;
    o.providerReceipt = receipt;
    o.sentAt = sentAt;
    o.nextAttemptAt = next;
    return o;
  }

  /** Ids that order by {@code high}, then {@code low}. */
  private static byte[] id(int high, int low) {
    return ByteBuffer.allocate(16).put((byte) high).put(15, (byte) low).array();
  }
}
