package org.msgcenter.center.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.function.ToIntFunction;
import org.apache.ibatis.session.SqlSession;

/**
 * The hot path's inserts, as plain JDBC on the transaction's connection, each in the shape MariaDB
 * runs cheapest (the {@code shapes} benchmark measures them: 500 rows, one connection): a plain
 * {@code INSERT} as a JDBC batch, which the driver sends with MariaDB's bulk protocol (7-8 µs of
 * the server's CPU a row, against 13-16 µs as one multi-row statement); an {@code INSERT … ON
 * DUPLICATE KEY UPDATE} as one {@code INSERT … VALUES (…), (…), …}, since the driver runs such a
 * batch row by row (28-33 µs a row, against 6-7 µs). Built through MyBatis' dynamic SQL, the
 * statements of one ingest batch cost more CPU than everything else ingest does, so the text is put
 * together here, with the values bound directly.
 */
public final class BatchInserts {

  /**
   * Rows one statement holds at most; a batch of more becomes several statements. With the next
   * limit, it keeps a statement well inside MariaDB's default {@code max_allowed_packet} (16 MiB).
   */
  static final int MAX_ROWS = 500;

  /** Characters of values one statement should stay under (a row may take it past, alone). */
  static final int MAX_STATEMENT_CHARS = 4 << 20;

  /** A stored id is skipped, not an error: ON DUPLICATE KEY rather than IGNORE (see below). */
  static final Insert INSERT_MESSAGE =
      new Insert(
          """
          INSERT INTO message (message_id, trace_id, biz_type, biz_id, user_id, source, priority,
            status, template, params, title, content, data, send_at, expire_at, dedup_key,
            ingest_token, source_topic, source_partition, source_offset, created_at, updated_at)
          VALUES""",
          22,
          "ON DUPLICATE KEY UPDATE message_id = message_id");

  static final Insert INSERT_DELIVERY =
      new Insert(
          """
          INSERT INTO delivery (delivery_id, message_id, channel, address, address_hash, status,
            priority, attempts, next_attempt_at, lease_owner, user_id, last_error, created_at,
            updated_at)
          VALUES""",
          14,
          "");

  /** Attempts are append-only; a second write of the same attempt (a retried batch) is skipped. */
  static final Insert INSERT_ATTEMPT =
      new Insert(
          """
          INSERT INTO delivery_attempt (delivery_id, resend_round, attempt, started_at,
            finished_at, outcome, manual, error, provider_receipt, instance_id)
          VALUES""",
          10,
          "ON DUPLICATE KEY UPDATE delivery_id = delivery_id");

  /**
   * An insert's text before the rows, how many values a row has, and the text after them: ON
   * DUPLICATE KEY, or nothing for a plain insert.
   */
  record Insert(String head, int columns, String tail) {
    /** The statement's first line, naming it in errors. */
    String firstLine() {
      return head.lines().findFirst().orElse("").strip();
    }

    /** A plain insert goes as a JDBC batch (the bulk protocol), any other as multi-row text. */
    boolean bulk() {
      return tail.isEmpty();
    }

    /** The statement for {@code rows} rows. */
    String sql(int rows) {
      String row = Placeholders.list(columns);
      StringBuilder sql = new StringBuilder(head.length() + rows * (row.length() + 2) + 64);
      sql.append(head).append(' ').append(row);
      for (int i = 1; i < rows; i++) {
        sql.append(", ").append(row);
      }
      return sql.append(' ').append(tail).toString().strip();
    }
  }

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
        r -> chars(r.params, r.content, r.data, r.title, r.traceId, r.bizId, r.dedupKey),
        (ps, i, r) -> {
          ps.setBytes(i++, r.messageId);
          ps.setString(i++, r.traceId);
          ps.setString(i++, r.bizType);
          ps.setString(i++, r.bizId);
          ps.setString(i++, r.userId);
          ps.setString(i++, r.source);
          ps.setString(i++, r.priority);
          ps.setString(i++, r.status);
          ps.setString(i++, r.template);
          ps.setString(i++, r.params);
          ps.setString(i++, r.title);
          ps.setString(i++, r.content);
          ps.setString(i++, r.data);
          ps.setObject(i++, r.sendAt);
          ps.setObject(i++, r.expireAt);
          ps.setString(i++, r.dedupKey);
          ps.setBytes(i++, r.ingestToken);
          ps.setString(i++, r.sourceTopic);
          ps.setInt(i++, r.sourcePartition);
          ps.setLong(i++, r.sourceOffset);
          ps.setObject(i++, r.createdAt);
          ps.setObject(i, r.updatedAt);
        });
  }

  public static void deliveries(SqlSession session, List<DeliveryRow> rows) {
    run(
        session,
        INSERT_DELIVERY,
        rows,
        r -> chars(r.address, r.lastError),
        (ps, i, r) -> {
          ps.setBytes(i++, r.deliveryId);
          ps.setBytes(i++, r.messageId);
          ps.setString(i++, r.channel);
          ps.setString(i++, r.address);
          ps.setBytes(i++, r.addressHash);
          ps.setString(i++, r.status);
          ps.setString(i++, r.priority);
          ps.setInt(i++, r.attempts);
          ps.setObject(i++, r.nextAttemptAt);
          ps.setString(i++, r.leaseOwner);
          ps.setString(i++, r.userId);
          ps.setString(i++, r.lastError);
          ps.setObject(i++, r.createdAt);
          ps.setObject(i, r.updatedAt);
        });
  }

  public static void attempts(SqlSession session, List<AttemptRow> rows) {
    run(
        session,
        INSERT_ATTEMPT,
        rows,
        r -> chars(r.error, r.providerReceipt),
        (ps, i, r) -> {
          ps.setBytes(i++, r.deliveryId);
          ps.setInt(i++, r.round);
          ps.setInt(i++, r.attempt);
          ps.setObject(i++, r.startedAt);
          ps.setObject(i++, r.finishedAt);
          ps.setString(i++, r.outcome);
          ps.setBoolean(i++, r.manual);
          ps.setString(i++, r.error);
          ps.setString(i++, r.providerReceipt);
          ps.setString(i, r.instanceId);
        });
  }

  @FunctionalInterface
  private interface Binder<T> {
    /** Binds {@code row}'s values from parameter {@code first} on. */
    void bind(PreparedStatement ps, int first, T row) throws SQLException;
  }

  /**
   * Inserts {@code rows}: as one JDBC batch, or in as few multi-row statements as {@link #MAX_ROWS}
   * and {@link #MAX_STATEMENT_CHARS} allow; {@code size} tells the characters of a row's longest
   * values.
   */
  private static <T> void run(
      SqlSession session, Insert insert, List<T> rows, ToIntFunction<T> size, Binder<T> binder) {
    if (insert.bulk()) {
      batch(session.getConnection(), insert, rows, binder); // the driver sizes the packets
      return;
    }
    int from = 0;
    while (from < rows.size()) {
      int to = from;
      long chars = 0;
      while (to < rows.size() && to - from < MAX_ROWS) {
        chars += ROW_CHARS + 3L * size.applyAsInt(rows.get(to)); // UTF-8 and escapes, at worst
        if (to > from && chars > MAX_STATEMENT_CHARS) {
          break;
        }
        to++;
      }
      insert(session.getConnection(), insert, rows.subList(from, to), binder);
      from = to;
    }
  }

  /** The fixed-size values of a row (ids, times, names), in characters, generously. */
  private static final int ROW_CHARS = 400;

  private static <T> void insert(Connection c, Insert insert, List<T> rows, Binder<T> binder) {
    String sql = insert.sql(rows.size());
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int first = 1;
      for (T row : rows) {
        binder.bind(ps, first, row);
        first += insert.columns();
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException(insert.firstLine() + " …: " + e, e);
    }
  }

  private static <T> void batch(Connection c, Insert insert, List<T> rows, Binder<T> binder) {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(insert.sql(1))) {
      for (T row : rows) {
        binder.bind(ps, 1, row);
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw new StoreException(insert.firstLine() + " …: " + e, e);
    }
  }

  /** The characters of {@code values}, nulls counting none. */
  private static int chars(String... values) {
    int n = 0;
    for (String v : values) {
      n += v == null ? 0 : v.length();
    }
    return n;
  }

  /** A failed statement; the {@link SQLException} is the cause, for the callers to classify. */
  public static final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoreException(String message, SQLException cause) {
      super(message, cause);
    }
  }
}
