package org.msgcenter.center.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.apache.ibatis.session.SqlSession;

/**
 * The hot path's multi-row conditional updates, as plain JDBC on the transaction's connection: the
 * recorder's end of leases, the poller's claim, the derived message status, and the lock of
 * messages the recorder takes before them. Updates go by {@code WHERE id IN (…)}: unlike a JDBC
 * batch, such a statement reports the rows it changed, which the callers check; a value that
 * differs per row is a {@code CASE} on the id, and a value the rows share is bound once. Built
 * through MyBatis' dynamic SQL, expanding these {@code <foreach>} lists took most of the recorder's
 * CPU; here the text is made once per size (per batch for the end of leases) and the values are
 * bound directly.
 */
public final class HotUpdates {

  /**
   * The recorder's end of leases. {@code %1$s}: the per-row columns, each {@code name = ?} when
   * every row of the batch has the same value (a SENT batch has no error and no next attempt) or
   * else {@code name = CASE delivery_id WHEN ? THEN ? … END}; {@code %2$s}: {@code (?, …)}. A
   * {@code CASE} is evaluated branch by branch for every row: a 500-row update with five of them
   * ran at about a quarter of the rate of one with none (MariaDB 10.11 here), so only the columns
   * that differ pay for one. Updates by id force the primary key: on a small table the optimizer
   * may pick a secondary index (ix_delivery_claim) and lock a range that concurrent inserts of
   * SENDING rows wait on.
   */
  private static final String FINISH_SENDING =
      """
      UPDATE delivery FORCE INDEX (PRIMARY)
      SET status = ?,
          %1$s,
          lease_owner = NULL,
          updated_at = ?
      WHERE delivery_id IN %2$s
        AND status = 'SENDING'
        AND lease_owner = ?
      """;

  /** The columns {@link #finishSending} sets per row, with how each row's value is read. */
  private static final List<Map.Entry<String, Function<DeliveryOutcome, Object>>> FINISH_COLUMNS =
      List.of(
          Map.entry("attempts", r -> r.attempts),
          Map.entry("last_error", r -> r.lastError),
          Map.entry("provider_receipt", r -> r.providerReceipt),
          Map.entry("sent_at", r -> r.sentAt),
          Map.entry("next_attempt_at", r -> r.nextAttemptAt));

  /**
   * The claim: a lease for the poller's instance and the next attempt number. One lease expiry per
   * statement (a claim's rows of one channel share it): a {@code CASE} of a few hundred branches is
   * evaluated for every row, which made the claim's update cost several times the bare loop's.
   */
  private static final String CLAIM =
      """
      UPDATE delivery FORCE INDEX (PRIMARY)
      SET status = 'SENDING',
          attempts = attempts + 1,
          lease_owner = ?,
          next_attempt_at = ?,
          updated_at = ?
      WHERE delivery_id IN %2$s
        AND status = ?
      """;

  /**
   * Messages' status from their deliveries (docs/states.md), computed in the transaction that
   * changed them. Terminal: SENT ACKED READ SKIPPED DEAD EXPIRED CANCELLED; delivered: SENT ACKED
   * READ. A plain read, without locks: every writer of a message's deliveries holds the message's
   * row lock, taken first (the lock order), so no other transaction changes these deliveries
   * meanwhile, and READ COMMITTED shows the committed ones with this transaction's own changes.
   * Written as part of an UPDATE, the same read locked each range of {@code uk_delivery_address}
   * and the entry after it; ingest and the recorder, each scanning into the other's uncommitted
   * rows, then deadlocked hundreds of times in a minute at 5,000 notifications/s.
   */
  private static final String DERIVED_STATUS =
      """
      SELECT d.message_id,
        CASE
          WHEN SUM(d.status = 'SCHEDULED') = COUNT(*) THEN 'SCHEDULED'
          WHEN SUM(d.status NOT IN ('SENT','ACKED','READ','SKIPPED','DEAD','EXPIRED','CANCELLED'))
            > 0 THEN 'DISPATCHING'
          WHEN SUM(d.status IN ('SENT','ACKED','READ')) > 0
            AND SUM(d.status IN ('SENT','ACKED','READ','SKIPPED')) = COUNT(*) THEN 'DELIVERED'
          WHEN SUM(d.status IN ('SENT','ACKED','READ')) > 0 THEN 'PARTIALLY_DELIVERED'
          WHEN SUM(d.status = 'CANCELLED') > 0 THEN 'CANCELLED'
          ELSE 'FAILED'
        END,
        MIN(m.status)
      FROM delivery d FORCE INDEX (uk_delivery_address)
      JOIN message m ON m.message_id = d.message_id
      WHERE d.message_id IN %2$s
      GROUP BY d.message_id""";

  /** Sets one derived status on messages this transaction holds (suppressed ones stay). */
  private static final String SET_STATUS =
      """
      UPDATE message FORCE INDEX (PRIMARY)
      SET status = ?, updated_at = ?
      WHERE message_id IN %2$s
        AND status <> 'SUPPRESSED'""";

  private static final Map<Integer, String> CLAIM_BY_SIZE = new ConcurrentHashMap<>();
  private static final Map<Integer, String> DERIVED_STATUS_BY_SIZE = new ConcurrentHashMap<>();
  private static final Map<Integer, String> SET_STATUS_BY_SIZE = new ConcurrentHashMap<>();
  private static final Map<Integer, String> LOCK_MESSAGES_BY_SIZE = new ConcurrentHashMap<>();

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
    int shared = 0; // bit c set: every row has the first row's value in column c
    for (int c = 0; c < FINISH_COLUMNS.size(); c++) {
      Function<DeliveryOutcome, Object> value = FINISH_COLUMNS.get(c).getValue();
      Object first = value.apply(rows.get(0));
      if (rows.stream().allMatch(r -> Objects.equals(value.apply(r), first))) {
        shared |= 1 << c;
      }
    }
    int constant = shared;
    // Made for each batch, not kept: sizes times shapes would keep too many long texts.
    return execute(
        session,
        finishSendingSql(rows.size(), constant),
        ps -> {
          int i = 1;
          ps.setString(i++, status);
          for (int c = 0; c < FINISH_COLUMNS.size(); c++) {
            Function<DeliveryOutcome, Object> value = FINISH_COLUMNS.get(c).getValue();
            if ((constant & 1 << c) != 0) {
              ps.setObject(i++, value.apply(rows.get(0)));
              continue;
            }
            for (DeliveryOutcome r : rows) {
              ps.setBytes(i++, r.deliveryId);
              ps.setObject(i++, value.apply(r));
            }
          }
          ps.setObject(i++, now);
          for (DeliveryOutcome r : rows) {
            ps.setBytes(i++, r.deliveryId);
          }
          ps.setString(i, owner);
        });
  }

  /** {@link #FINISH_SENDING} for {@code n} rows; bit c of {@code constant}: column c is shared. */
  private static String finishSendingSql(int n, int constant) {
    StringJoiner columns = new StringJoiner(",\n    ");
    for (int c = 0; c < FINISH_COLUMNS.size(); c++) {
      String value = (constant & 1 << c) != 0 ? "?" : caseById(n);
      columns.add(FINISH_COLUMNS.get(c).getKey() + " = " + value);
    }
    return FINISH_SENDING.formatted(columns, Placeholders.list(n)).strip();
  }

  /**
   * Leases these locked deliveries in status {@code from} to {@code owner} until each one's {@code
   * leaseExpiry}, with the next attempt number: one statement per distinct expiry; returns how many
   * rows changed.
   */
  public static int claim(
      SqlSession session, List<DueDelivery> rows, String from, String owner, LocalDateTime now) {
    Map<LocalDateTime, List<byte[]>> byExpiry = new LinkedHashMap<>();
    for (DueDelivery r : rows) {
      byExpiry.computeIfAbsent(r.leaseExpiry, x -> new ArrayList<>()).add(r.deliveryId);
    }
    int changed = 0;
    for (var group : byExpiry.entrySet()) {
      List<byte[]> ids = group.getValue();
      changed +=
          execute(
              session,
              sql(CLAIM_BY_SIZE, CLAIM, ids.size()),
              ps -> {
                int i = 1;
                ps.setString(i++, owner);
                ps.setObject(i++, group.getKey());
                ps.setObject(i++, now);
                ps.setString(Placeholders.bind(ps, i, ids), from);
              });
    }
    return changed;
  }

  /**
   * Locks these messages in id order before their deliveries change: the one lock order of the
   * center. Every transaction that changes existing deliveries (the recorder, receipts, commands)
   * takes it first, so two writers of one message's deliveries take turns, and each derives the
   * status from what the other committed (READ COMMITTED reads afresh per statement). The poller
   * takes the same order but skips what others hold ({@link ClaimReads#lockMessages}). Returns how
   * many of them exist. Public for the test that EXPLAINs every statement: {@link #lockSql}.
   */
  public static int lockMessages(SqlSession session, List<byte[]> messageIds) {
    if (messageIds.isEmpty()) {
      return 0;
    }
    String sql = LOCK_MESSAGES_BY_SIZE.computeIfAbsent(messageIds.size(), HotUpdates::lockSql);
    try (PreparedStatement ps = session.getConnection().prepareStatement(sql)) {
      Placeholders.bind(ps, 1, messageIds);
      int locked = 0;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          locked++;
        }
      }
      return locked;
    } catch (SQLException e) {
      throw new BatchInserts.StoreException("lock of messages: " + e, e);
    }
  }

  /** The statement of {@link #lockMessages} for {@code n} ids. */
  public static String lockSql(int n) {
    return "SELECT message_id FROM message WHERE message_id IN "
        + Placeholders.list(n)
        + " ORDER BY message_id FOR UPDATE";
  }

  /**
   * Derives the status of these messages from their deliveries and writes it where it changed
   * (suppressed ones stay), one update per status; the caller holds their row locks. A message
   * whose status stays is not written: most outcomes leave their message DISPATCHING, and the write
   * of an unchanged row costs the database as much as any other. Returns how many rows changed.
   */
  public static int deriveStatus(SqlSession session, List<byte[]> messageIds, LocalDateTime now) {
    if (messageIds.isEmpty()) {
      return 0;
    }
    Map<String, List<byte[]>> byStatus = new LinkedHashMap<>();
    String sql = sql(DERIVED_STATUS_BY_SIZE, DERIVED_STATUS, messageIds.size());
    try (PreparedStatement ps = session.getConnection().prepareStatement(sql)) {
      Placeholders.bind(ps, 1, messageIds);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String derived = rs.getString(2);
          String current = rs.getString(3);
          if (!derived.equals(current) && !"SUPPRESSED".equals(current)) {
            byStatus.computeIfAbsent(derived, x -> new ArrayList<>()).add(rs.getBytes(1));
          }
        }
      }
    } catch (SQLException e) {
      throw new BatchInserts.StoreException("derived status: " + e, e);
    }
    int changed = 0;
    for (var group : byStatus.entrySet()) {
      List<byte[]> ids = group.getValue();
      changed +=
          execute(
              session,
              sql(SET_STATUS_BY_SIZE, SET_STATUS, ids.size()),
              ps -> {
                int i = 1;
                ps.setString(i++, group.getKey());
                ps.setObject(i++, now);
                Placeholders.bind(ps, i, ids);
              });
    }
    return changed;
  }

  /** {@code template} with {@code %2$s} the list of {@code size} parameters, made once a size. */
  private static String sql(Map<Integer, String> cache, String template, int size) {
    IntFunction<String> make = n -> template.formatted("", Placeholders.list(n)).strip();
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
