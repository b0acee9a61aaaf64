package org.msgcenter.center.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.apache.ibatis.session.SqlSession;

/**
 * The hot path's multi-row inserts, as plain JDBC batches on the transaction's connection. The
 * driver sends a batch as one bulk statement, so the database sees one round trip per table and
 * transaction as with a multi-row {@code VALUES} list, while the center builds no SQL text per row:
 * built through MyBatis' dynamic SQL, the statements of one ingest batch cost more CPU than
 * everything else ingest does.
 */
public final class BatchInserts {

  /** A stored id is skipped, not an error: ON DUPLICATE KEY rather than IGNORE (see below). */
  static final String INSERT_MESSAGE =
      """
      INSERT INTO message (message_id, trace_id, biz_type, biz_id, user_id, source, priority,
        status, template, params, title, content, data, send_at, expire_at, dedup_key,
        ingest_token, source_topic, source_partition, source_offset, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON DUPLICATE KEY UPDATE message_id = message_id
      """;

  static final String INSERT_DELIVERY =
      """
      INSERT INTO delivery (delivery_id, message_id, channel, address, address_hash, status,
        priority, attempts, next_attempt_at, lease_owner, user_id, last_error, created_at,
        updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """;

  /** Attempts are append-only; a second write of the same attempt (a retried batch) is skipped. */
  static final String INSERT_ATTEMPT =
      """
      INSERT INTO delivery_attempt (delivery_id, resend_round, attempt, started_at, finished_at,
        outcome, manual, error, provider_receipt, instance_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON DUPLICATE KEY UPDATE delivery_id = delivery_id
      """;

  private BatchInserts() {}

  /**
   * Inserts the messages whose id is not stored yet. ON DUPLICATE KEY, not INSERT IGNORE: IGNORE
   * would also turn data errors into warnings, and a record the database refuses must be found and
   * rejected, not silently truncated.
   */
  public static void messages(SqlSession session, List<MessageRow> rows) {
    run(
        session,
        INSERT_MESSAGE,
        rows,
        (ps, r) -> {
          ps.setBytes(1, r.messageId);
          ps.setString(2, r.traceId);
          ps.setString(3, r.bizType);
          ps.setString(4, r.bizId);
          ps.setString(5, r.userId);
          ps.setString(6, r.source);
          ps.setString(7, r.priority);
          ps.setString(8, r.status);
          ps.setString(9, r.template);
          ps.setString(10, r.params);
          ps.setString(11, r.title);
          ps.setString(12, r.content);
          ps.setString(13, r.data);
          ps.setObject(14, r.sendAt);
          ps.setObject(15, r.expireAt);
          ps.setString(16, r.dedupKey);
          ps.setBytes(17, r.ingestToken);
          ps.setString(18, r.sourceTopic);
          ps.setInt(19, r.sourcePartition);
          ps.setLong(20, r.sourceOffset);
          ps.setObject(21, r.createdAt);
          ps.setObject(22, r.updatedAt);
        });
  }

  public static void deliveries(SqlSession session, List<DeliveryRow> rows) {
    run(
        session,
        INSERT_DELIVERY,
        rows,
        (ps, r) -> {
          ps.setBytes(1, r.deliveryId);
          ps.setBytes(2, r.messageId);
          ps.setString(3, r.channel);
          ps.setString(4, r.address);
          ps.setBytes(5, r.addressHash);
          ps.setString(6, r.status);
          ps.setString(7, r.priority);
          ps.setInt(8, r.attempts);
          ps.setObject(9, r.nextAttemptAt);
          ps.setString(10, r.leaseOwner);
          ps.setString(11, r.userId);
          ps.setString(12, r.lastError);
          ps.setObject(13, r.createdAt);
          ps.setObject(14, r.updatedAt);
        });
  }

  public static void attempts(SqlSession session, List<AttemptRow> rows) {
    run(
        session,
        INSERT_ATTEMPT,
        rows,
        (ps, r) -> {
          ps.setBytes(1, r.deliveryId);
          ps.setInt(2, r.round);
          ps.setInt(3, r.attempt);
          ps.setObject(4, r.startedAt);
          ps.setObject(5, r.finishedAt);
          ps.setString(6, r.outcome);
          ps.setBoolean(7, r.manual);
          ps.setString(8, r.error);
          ps.setString(9, r.providerReceipt);
          ps.setString(10, r.instanceId);
        });
  }

  @FunctionalInterface
  private interface Binder<T> {
    void bind(PreparedStatement ps, T row) throws SQLException;
  }

  private static <T> void run(SqlSession session, String sql, List<T> rows, Binder<T> binder) {
    if (rows.isEmpty()) {
      return;
    }
    Connection c = session.getConnection();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (T row : rows) {
        binder.bind(ps, row);
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw new StoreException(sql.lines().findFirst().orElse(sql).strip() + " …: " + e, e);
    }
  }

  /** A failed statement; the {@link SQLException} is the cause, for the callers to classify. */
  public static final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoreException(String message, SQLException cause) {
      super(message, cause);
    }
  }
}
