package org.msgcenter.center.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import org.apache.ibatis.session.SqlSession;

/**
 * The hot path's multi-row conditional updates, as plain JDBC on the transaction's connection: the
 * recorder's end of leases, the poller's claim and the derived message status. Each is one
 * statement per batch ({@code WHERE id IN (…)} with a {@code CASE} per column: unlike a JDBC batch,
 * it reports the rows it changed, which the callers check). Built through MyBatis' dynamic SQL,
 * expanding these {@code <foreach>} lists took most of the recorder's CPU; here the text is made
 * once per batch size and the values are bound directly.
 */
public final class HotUpdates {

  /**
   * The recorder's end of leases. {@code %1$s}: {@code CASE delivery_id WHEN ? THEN ? … END};
   * {@code %2$s}: {@code (?, …)}. Updates by id force the primary key: on a small table the
   * optimizer may pick a secondary index (ix_delivery_claim) and lock a range that concurrent
   * inserts of SENDING rows wait on.
   */
  private static final String FINISH_SENDING =
      """
      UPDATE delivery FORCE INDEX (PRIMARY)
      SET status = ?,
          attempts = %1$s,
          last_error = %1$s,
          provider_receipt = %1$s,
          sent_at = %1$s,
          next_attempt_at = %1$s,
          lease_owner = NULL,
          updated_at = ?
      WHERE delivery_id IN %2$s
        AND status = 'SENDING'
        AND lease_owner = ?
      """;

  /** The claim: a lease for the poller's instance and the next attempt number. */
  private static final String CLAIM =
      """
      UPDATE delivery FORCE INDEX (PRIMARY)
      SET status = 'SENDING',
          attempts = attempts + 1,
          lease_owner = ?,
          next_attempt_at = %1$s,
          updated_at = ?
      WHERE delivery_id IN %2$s
        AND status = ?
      """;

  /**
   * A message's status from its deliveries (docs/states.md), in the transaction that changed them.
   * Terminal: SENT ACKED READ SKIPPED DEAD EXPIRED CANCELLED; delivered: SENT ACKED READ. The
   * subquery reads with locks (it is part of an UPDATE): the index keeps it to the rows of these
   * messages. On a small table the optimizer prefers a scan, which would lock-wait on every other
   * instance's claimed rows and deadlock.
   */
  private static final String DERIVE_STATUS =
      """
      UPDATE message m
      JOIN (
        SELECT d.message_id,
          COUNT(*) AS total,
          SUM(d.status = 'SCHEDULED') AS scheduled,
          SUM(d.status NOT IN ('SENT','ACKED','READ','SKIPPED','DEAD','EXPIRED','CANCELLED')) AS open,
          SUM(d.status IN ('SENT','ACKED','READ')) AS sent,
          SUM(d.status = 'SKIPPED') AS skipped,
          SUM(d.status = 'CANCELLED') AS cancelled
        FROM delivery d FORCE INDEX (uk_delivery_address)
        WHERE d.message_id IN %2$s
        GROUP BY d.message_id
      ) s ON s.message_id = m.message_id
      SET m.status = CASE
            WHEN s.scheduled = s.total THEN 'SCHEDULED'
            WHEN s.open > 0 THEN 'DISPATCHING'
            WHEN s.sent > 0 AND s.sent + s.skipped = s.total THEN 'DELIVERED'
            WHEN s.sent > 0 THEN 'PARTIALLY_DELIVERED'
            WHEN s.cancelled > 0 THEN 'CANCELLED'
            ELSE 'FAILED'
          END,
          m.updated_at = ?
      WHERE m.status <> 'SUPPRESSED'
      """;

  private static final Map<Integer, String> FINISH_SENDING_BY_SIZE = new ConcurrentHashMap<>();
  private static final Map<Integer, String> CLAIM_BY_SIZE = new ConcurrentHashMap<>();
  private static final Map<Integer, String> DERIVE_STATUS_BY_SIZE = new ConcurrentHashMap<>();

  private HotUpdates() {}

  /**
   * Ends the leases of these SENDING deliveries that {@code owner} holds, setting {@code status}
   * and the per-row values; returns how many rows changed.
   */
  public static int finishSending(
      SqlSession session,
      List<DeliveryOutcome> rows,
      String status,
      String owner,
      LocalDateTime now) {
    if (rows.isEmpty()) {
      return 0;
    }
    String sql = sql(FINISH_SENDING_BY_SIZE, FINISH_SENDING, rows.size());
    return execute(
        session,
        sql,
        ps -> {
          int i = 1;
          ps.setString(i++, status);
          for (DeliveryOutcome r : rows) {
            ps.setBytes(i++, r.deliveryId);
            ps.setInt(i++, r.attempts);
          }
          for (DeliveryOutcome r : rows) {
            ps.setBytes(i++, r.deliveryId);
            ps.setString(i++, r.lastError);
          }
          for (DeliveryOutcome r : rows) {
            ps.setBytes(i++, r.deliveryId);
            ps.setString(i++, r.providerReceipt);
          }
          for (DeliveryOutcome r : rows) {
            ps.setBytes(i++, r.deliveryId);
            ps.setObject(i++, r.sentAt);
          }
          for (DeliveryOutcome r : rows) {
            ps.setBytes(i++, r.deliveryId);
            ps.setObject(i++, r.nextAttemptAt);
          }
          ps.setObject(i++, now);
          for (DeliveryOutcome r : rows) {
            ps.setBytes(i++, r.deliveryId);
          }
          ps.setString(i, owner);
        });
  }

  /**
   * Leases these locked deliveries in status {@code from} to {@code owner} until each one's {@code
   * leaseExpiry}, with the next attempt number; returns how many rows changed.
   */
  public static int claim(
      SqlSession session, List<DueDelivery> rows, String from, String owner, LocalDateTime now) {
    if (rows.isEmpty()) {
      return 0;
    }
    String sql = sql(CLAIM_BY_SIZE, CLAIM, rows.size());
    return execute(
        session,
        sql,
        ps -> {
          int i = 1;
          ps.setString(i++, owner);
          for (DueDelivery r : rows) {
            ps.setBytes(i++, r.deliveryId);
            ps.setObject(i++, r.leaseExpiry);
          }
          ps.setObject(i++, now);
          for (DueDelivery r : rows) {
            ps.setBytes(i++, r.deliveryId);
          }
          ps.setString(i, from);
        });
  }

  /** Derives the status of these messages from their deliveries (suppressed ones stay). */
  public static int deriveStatus(SqlSession session, List<byte[]> messageIds, LocalDateTime now) {
    if (messageIds.isEmpty()) {
      return 0;
    }
    String sql = sql(DERIVE_STATUS_BY_SIZE, DERIVE_STATUS, messageIds.size());
    return execute(
        session,
        sql,
        ps -> {
          int i = 1;
          for (byte[] id : messageIds) {
            ps.setBytes(i++, id);
          }
          ps.setObject(i, now);
        });
  }

  private static String sql(Map<Integer, String> cache, String template, int size) {
    IntFunction<String> make =
        n -> template.formatted(caseById(n), "(" + "?, ".repeat(n - 1) + "?)").strip();
    return cache.computeIfAbsent(size, make::apply);
  }

  private static String caseById(int n) {
    return "CASE delivery_id " + "WHEN ? THEN ? ".repeat(n) + "END";
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private static int execute(SqlSession session, String sql, Binder binder) {
    try (PreparedStatement ps = session.getConnection().prepareStatement(sql)) {
      binder.bind(ps);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new BatchInserts.StoreException(
          sql.lines().findFirst().orElse(sql).strip() + " …: " + e, e);
    }
  }
}
