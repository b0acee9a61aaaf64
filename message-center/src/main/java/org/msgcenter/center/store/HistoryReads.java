package org.msgcenter.center.store;

import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.ibatis.session.SqlSession;

/**
 * The query service's reads of what became of messages, each in one statement: a message with its
 * deliveries and their attempts ({@code getMessage}), or the deliveries and attempts of a page of
 * messages. Plain JDBC with the columns read by position: through MyBatis' nested result maps these
 * two reads took about two fifths of the service handlers' samples in a profile (each row's column
 * names looked up and upper-cased once per nested map), and the services share the host with
 * delivery.
 *
 * <p>No ORDER BY: deliveries (by id) and attempts (by round and attempt) are put in order here,
 * which spares the database a temporary table and a sort per call.
 */
public final class HistoryReads {
  /** Columns 1-19, the same in both statements. */
  private static final String HISTORY_COLUMNS =
      """
      d.delivery_id, d.message_id, d.channel, d.address, d.status, d.attempts, d.next_attempt_at,
        d.last_error, d.sent_at, d.acked_at, d.read_at, d.resends,
        a.resend_round, a.attempt, a.started_at, a.finished_at, a.outcome, a.manual, a.error""";

  /**
   * The message by its primary key, its deliveries by {@code uk_delivery_address} (message_id
   * first), their attempts by the primary key of {@code delivery_attempt}. Message columns 20-30.
   * Public for the test that EXPLAINs every statement of the services.
   */
  public static final String MESSAGE =
      "SELECT "
          + HISTORY_COLUMNS
          + """
          ,
            m.message_id, m.trace_id, m.biz_type, m.biz_id, m.user_id, m.status, m.title,
            m.content, m.data, m.created_at, m.updated_at
          FROM message m
          LEFT JOIN delivery d ON d.message_id = m.message_id
          LEFT JOIN delivery_attempt a ON a.delivery_id = d.delivery_id
          WHERE m.message_id = ?""";

  private static final Comparator<DeliveryRow> BY_ID =
      (x, y) -> Arrays.compareUnsigned(x.deliveryId, y.deliveryId);

  private static final Comparator<AttemptRow> IN_ORDER =
      Comparator.<AttemptRow>comparingInt(a -> a.round).thenComparingInt(a -> a.attempt);

  private HistoryReads() {}

  /**
   * The deliveries of {@code messages} messages with their attempts: by the same indexes as {@link
   * #MESSAGE}. Public for the test that EXPLAINs every statement of the services.
   */
  public static String pageHistory(int messages) {
    return "SELECT "
        + HISTORY_COLUMNS
        + """

        FROM delivery d
        LEFT JOIN delivery_attempt a ON a.delivery_id = d.delivery_id
        WHERE d.message_id IN """
        + Placeholders.list(messages);
  }

  /**
   * The message with its deliveries ({@link MessageRow#deliveries}, oldest first) and their
   * attempts ({@link DeliveryRow#history}), or null when no message has that id.
   */
  public static MessageRow message(SqlSession session, byte[] messageId) {
    try (PreparedStatement ps = session.getConnection().prepareStatement(MESSAGE)) {
      ps.setBytes(1, messageId);
      try (ResultSet rs = ps.executeQuery()) {
        MessageRow m = null;
        Histories histories = new Histories();
        while (rs.next()) {
          if (m == null) {
            m = message(rs);
          }
          histories.add(rs);
        }
        if (m != null) {
          m.deliveries = histories.inOrder();
        }
        return m;
      }
    } catch (SQLException e) {
      throw new BatchInserts.StoreException("getMessage's read: " + e, e);
    }
  }

  /** The deliveries of these messages, oldest first, each with its attempts. */
  public static List<DeliveryRow> deliveries(SqlSession session, List<byte[]> messageIds) {
    if (messageIds.isEmpty()) {
      return new ArrayList<>();
    }
    try (PreparedStatement ps =
        session.getConnection().prepareStatement(pageHistory(messageIds.size()))) {
      Placeholders.bind(ps, 1, messageIds);
      try (ResultSet rs = ps.executeQuery()) {
        Histories histories = new Histories();
        while (rs.next()) {
          histories.add(rs);
        }
        return histories.inOrder();
      }
    } catch (SQLException e) {
      throw new BatchInserts.StoreException("a page's history read: " + e, e);
    }
  }

  private static MessageRow message(ResultSet rs) throws SQLException {
    MessageRow m = new MessageRow();
    m.messageId = rs.getBytes(20);
    m.traceId = rs.getString(21);
    m.bizType = rs.getString(22);
    m.bizId = rs.getString(23);
    m.userId = rs.getString(24);
    m.status = rs.getString(25);
    m.title = rs.getString(26);
    m.content = rs.getString(27);
    m.data = rs.getString(28);
    m.createdAt = time(rs, 29);
    m.updatedAt = time(rs, 30);
    return m;
  }

  private static LocalDateTime time(ResultSet rs, int column) throws SQLException {
    return rs.getObject(column, LocalDateTime.class);
  }

  /** Joined rows gathered into deliveries with their attempts. */
  private static final class Histories {
    private final Map<ByteBuffer, DeliveryRow> byId = new LinkedHashMap<>();

    void add(ResultSet rs) throws SQLException {
      byte[] deliveryId = rs.getBytes(1);
      if (deliveryId == null) {
        return; // a message without deliveries
      }
      DeliveryRow d = byId.get(ByteBuffer.wrap(deliveryId));
      if (d == null) {
        d = new DeliveryRow();
        d.deliveryId = deliveryId;
        d.messageId = rs.getBytes(2);
        d.channel = rs.getString(3);
        d.address = rs.getString(4);
        d.status = rs.getString(5);
        d.attempts = rs.getInt(6);
        d.nextAttemptAt = time(rs, 7);
        d.lastError = rs.getString(8);
        d.sentAt = time(rs, 9);
        d.ackedAt = time(rs, 10);
        d.readAt = time(rs, 11);
        d.resends = rs.getInt(12);
        d.history = new ArrayList<>(2);
        byId.put(ByteBuffer.wrap(deliveryId), d);
      }
      int attempt = rs.getInt(14);
      if (rs.wasNull()) {
        return; // a delivery without attempts
      }
      AttemptRow a = new AttemptRow();
      a.deliveryId = deliveryId;
      a.round = rs.getInt(13);
      a.attempt = attempt;
      a.startedAt = time(rs, 15);
      a.finishedAt = time(rs, 16);
      a.outcome = rs.getString(17);
      a.manual = rs.getBoolean(18);
      a.error = rs.getString(19);
      d.history.add(a);
    }

    List<DeliveryRow> inOrder() {
      List<DeliveryRow> deliveries = new ArrayList<>(byId.values());
      deliveries.sort(BY_ID);
      for (DeliveryRow d : deliveries) {
        d.history.sort(IN_ORDER);
      }
      return deliveries;
    }
  }
}
