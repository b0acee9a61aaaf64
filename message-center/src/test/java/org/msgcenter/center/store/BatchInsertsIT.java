package org.msgcenter.center.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.msgcenter.center.config.CenterConfig;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.TestDatabase;

/** Multi-row inserts split into several statements keep every row's own values. */
@ExtendWith(EmbeddedInfrastructure.class)
class BatchInsertsIT {
  private static final LocalDateTime T = LocalDateTime.parse("2026-11-29T10:00:00.250");

  @Test
  void more_rows_than_one_statement_holds_are_all_stored_with_their_own_values(
      TestDatabase testDb) {
    int count = 2 * BatchInserts.MAX_ROWS + 201;
    List<AttemptRow> attempts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      AttemptRow a = new AttemptRow();
      a.deliveryId = id(i);
      a.round = i % 3;
      a.attempt = 1 + i % 5;
      a.startedAt = T.plusNanos(i * 1_000_000L);
      a.finishedAt = T.plusSeconds(1);
      a.outcome = "RETRYABLE_FAILURE";
      a.error = "error " + i;
      a.instanceId = "center-1";
      attempts.add(a);
    }
    try (Database db = open(testDb)) {
      db.inTransaction(
          s -> {
            BatchInserts.attempts(s, attempts);
            // A retried batch writes them again: skipped, not an error.
            BatchInserts.attempts(s, attempts.subList(0, 10));
            return null;
          });

      List<String> stored =
          db.inTransaction(
              s ->
                  query(
                      s,
                      "SELECT resend_round, attempt, started_at, error FROM delivery_attempt"
                          + " ORDER BY delivery_id"));

      assertThat(stored).hasSize(count);
      for (int i : new int[] {0, BatchInserts.MAX_ROWS - 1, BatchInserts.MAX_ROWS, count - 1}) {
        AttemptRow a = attempts.get(i);
        assertThat(stored.get(i))
            .isEqualTo(a.round + " " + a.attempt + " " + a.startedAt + " error " + i);
      }
    }
  }

  @Test
  void rows_too_large_for_one_statement_go_into_several(TestDatabase testDb) {
    // 30 rows of 60,000 characters make about 5.4 million at the estimate: two statements.
    List<MessageRow> messages = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      MessageRow m = new MessageRow();
      m.messageId = id(10_000 + i);
      m.traceId = "trace-" + i;
      m.bizType = "report.ready";
      m.priority = "NORMAL";
      m.status = "DISPATCHING";
      m.content = Character.toString('a' + i % 26).repeat(60_000);
      m.ingestToken = m.messageId;
      m.sourceTopic = "msgcenter.notifications";
      m.sourceOffset = i;
      m.createdAt = T;
      m.updatedAt = T;
      messages.add(m);
    }
    try (Database db = open(testDb)) {
      db.inTransaction(
          s -> {
            BatchInserts.messages(s, messages);
            return null;
          });

      List<String> stored =
          db.inTransaction(
              s ->
                  query(
                      s,
                      "SELECT trace_id, LEFT(content, 1), LENGTH(content) FROM message"
                          + " ORDER BY message_id"));

      assertThat(stored).hasSize(30);
      assertThat(stored.get(0)).isEqualTo("trace-0 a 60000");
      assertThat(stored.get(29)).isEqualTo("trace-29 d 60000");
    }
  }

  private static Database open(TestDatabase testDb) {
    return Database.open(
        new CenterConfig.Db(testDb.jdbcUrl(), testDb.user(), testDb.password(), 1, 1));
  }

  /** Each row's columns joined by spaces. */
  private static List<String> query(org.apache.ibatis.session.SqlSession s, String sql) {
    List<String> rows = new ArrayList<>();
    try (PreparedStatement ps = s.getConnection().prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int c = 1; c <= columns; c++) {
          Object value =
              rs.getMetaData().getColumnTypeName(c).startsWith("DATETIME")
                  ? rs.getObject(c, LocalDateTime.class)
                  : rs.getObject(c);
          row.append(c > 1 ? " " : "").append(value);
        }
        rows.add(row.toString());
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return rows;
  }

  /** Ids in the order of {@code n}. */
  private static byte[] id(int n) {
    return ByteBuffer.allocate(16).putInt(0, n).array();
  }
}
