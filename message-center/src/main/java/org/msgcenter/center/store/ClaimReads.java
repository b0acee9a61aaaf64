package org.msgcenter.center.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.ibatis.session.SqlSession;

/**
 * The retry poller's reads, in the order its claim makes them: the due candidates of a channel and
 * priority, their messages locked, the candidates locked by id, and what the sends need of their
 * messages. Plain JDBC with the columns read by position, as {@link HistoryReads} and {@link
 * HotUpdates}: mapped by MyBatis these four reads took about three fifths of the poller thread's
 * samples in a profile of the poller benchmark, on a host whose two cores the database shares. The
 * statement texts are public for the test that EXPLAINs every statement against a grown table.
 */
public final class ClaimReads {
  /** Columns 1-9 of {@link #DUE} and {@link #lockDue(int)}, in {@link #dueDelivery} order. */
  private static final String DUE_COLUMNS =
      "delivery_id, message_id, channel, address, status, attempts, priority, lease_owner, resends";

  /**
   * One channel's due deliveries of one priority, oldest due first, read without locks. Every row
   * with a due time is claimable when due (terminal states have none; a SENDING row's due time is
   * its lease expiry), so the range of ix_delivery_claim up to now holds exactly the due rows; the
   * status test only guards that rule. Parameters: channel, priority, now, limit.
   */
  public static final String DUE =
      "SELECT "
          + DUE_COLUMNS
          + """

          FROM delivery FORCE INDEX (ix_delivery_claim)
          WHERE channel = ?
            AND priority = ?
            AND next_attempt_at <= ?
            AND status IN ('PENDING','SCHEDULED','RETRYING','SENDING')
          ORDER BY next_attempt_at
          LIMIT ?""";

  private ClaimReads() {}

  /**
   * The lock of {@code ids} candidates, after their messages are locked: those still due, as they
   * are now. SKIP LOCKED: a row another transaction holds is passed over for this run, never waited
   * for. Parameters: the ids, then now.
   */
  public static String lockDue(int ids) {
    return "SELECT "
        + DUE_COLUMNS
        + """

        FROM delivery FORCE INDEX (PRIMARY)
        WHERE delivery_id IN """
        + Placeholders.list(ids)
        + """

          AND next_attempt_at <= ?
          AND status IN ('PENDING','SCHEDULED','RETRYING','SENDING')
        FOR UPDATE SKIP LOCKED""";
  }

  /**
   * The claim's lock of {@code ids} messages, in id order (the lock order every writer of existing
   * deliveries keeps), skipping a message another transaction holds (a recorder writing an outcome
   * of the same message, or another instance's poller): its deliveries wait for the next run
   * instead of the claim waiting for the lock. With {@code limited}, the last parameter is a LIMIT:
   * no more than the claim can use, so that another instance's poller finds the rest free.
   */
  public static String lockMessages(int ids, boolean limited) {
    return "SELECT message_id FROM message WHERE message_id IN "
        + Placeholders.list(ids)
        + " ORDER BY message_id"
        + (limited ? " LIMIT ?" : "")
        + " FOR UPDATE SKIP LOCKED";
  }

  /** What a channel needs to render and send the deliveries of {@code ids} messages. */
  public static String forSending(int ids) {
    return """
        SELECT message_id, trace_id, biz_type, biz_id, user_id, template, params, title, content,
               data, expire_at, created_at
        FROM message
        WHERE message_id IN """
        + Placeholders.list(ids);
  }

  /** {@link #DUE}: at most {@code limit} due deliveries of one channel and priority. */
  public static List<DueDelivery> due(
      SqlSession session, String channel, String priority, LocalDateTime now, int limit) {
    try (PreparedStatement ps = session.getConnection().prepareStatement(DUE)) {
      ps.setString(1, channel);
      ps.setString(2, priority);
      ps.setObject(3, now);
      ps.setInt(4, limit);
      return dueDeliveries(ps);
    } catch (SQLException e) {
      throw new BatchInserts.StoreException("the poller's search for due deliveries: " + e, e);
    }
  }

  /** {@link #lockDue(int)}: those of {@code ids} still due, locked; none skipped is waited for. */
  public static List<DueDelivery> lockDue(SqlSession session, List<byte[]> ids, LocalDateTime now) {
    if (ids.isEmpty()) {
      return new ArrayList<>();
    }
    try (PreparedStatement ps = session.getConnection().prepareStatement(lockDue(ids.size()))) {
      int i = Placeholders.bind(ps, 1, ids);
      ps.setObject(i, now);
      return dueDeliveries(ps);
    } catch (SQLException e) {
      throw new BatchInserts.StoreException("the poller's lock of due deliveries: " + e, e);
    }
  }

  /**
   * {@link #lockMessages(int, boolean)}: the ids of those of {@code ids} messages it locked, at
   * most {@code limit} when {@code limit > 0}.
   */
  public static List<byte[]> lockMessages(SqlSession session, List<byte[]> ids, int limit) {
    List<byte[]> locked = new ArrayList<>(ids.size());
    if (ids.isEmpty()) {
      return locked;
    }
    try (PreparedStatement ps =
        session.getConnection().prepareStatement(lockMessages(ids.size(), limit > 0))) {
      int i = Placeholders.bind(ps, 1, ids);
      if (limit > 0) {
        ps.setInt(i, limit);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          locked.add(rs.getBytes(1));
        }
      }
      return locked;
    } catch (SQLException e) {
      throw new BatchInserts.StoreException("the poller's lock of messages: " + e, e);
    }
  }

  /** {@link #forSending(int)}: the messages of {@code ids} that exist, in no particular order. */
  public static List<MessageRow> forSending(SqlSession session, List<byte[]> ids) {
    List<MessageRow> rows = new ArrayList<>(ids.size());
    if (ids.isEmpty()) {
      return rows;
    }
    try (PreparedStatement ps = session.getConnection().prepareStatement(forSending(ids.size()))) {
      Placeholders.bind(ps, 1, ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          MessageRow m = new MessageRow();
          m.messageId = rs.getBytes(1);
          m.traceId = rs.getString(2);
          m.bizType = rs.getString(3);
          m.bizId = rs.getString(4);
          m.userId = rs.getString(5);
          m.template = rs.getString(6);
          m.params = rs.getString(7);
          m.title = rs.getString(8);
          m.content = rs.getString(9);
          m.data = rs.getString(10);
          m.expireAt = rs.getObject(11, LocalDateTime.class);
          m.createdAt = rs.getObject(12, LocalDateTime.class);
          rows.add(m);
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new BatchInserts.StoreException("the poller's read of messages to send: " + e, e);
    }
  }

  private static List<DueDelivery> dueDeliveries(PreparedStatement ps) throws SQLException {
    List<DueDelivery> rows = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        DueDelivery d = new DueDelivery();
        d.deliveryId = rs.getBytes(1);
        d.messageId = rs.getBytes(2);
        d.channel = rs.getString(3);
        d.address = rs.getString(4);
        d.status = rs.getString(5);
        d.attempts = rs.getInt(6);
        d.priority = rs.getString(7);
        d.leaseOwner = rs.getString(8);
        d.resends = rs.getInt(9);
        rows.add(d);
      }
    }
    return rows;
  }
}
