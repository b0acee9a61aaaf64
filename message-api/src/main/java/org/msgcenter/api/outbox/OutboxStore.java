package org.msgcenter.api.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/** The relay's SQL on one outbox table; every statement written out. */
final class OutboxStore {
  /** Where a row that can never be published waits: it is never due again. */
  static final Instant PARKED = Instant.parse("9999-12-31T00:00:00Z");

  private static final int MAX_ERROR_CHARS = 1000;

  private final DataSource dataSource;
  private final String table;

  OutboxStore(DataSource dataSource, String table) {
    this.dataSource = dataSource;
    this.table = table;
  }

  /** A claimed row. */
  static final class Row {
    final long id;
    final String messageId;
    final String payload;

    /** The attempt this claim is, counting from 1. */
    final int attempt;

    Row(long id, String messageId, String payload, int attempt) {
      this.id = id;
      this.messageId = messageId;
      this.payload = payload;
      this.attempt = attempt;
    }
  }

  /**
   * Locks up to {@code limit} due rows (skipping rows another relay holds), counts the attempt and
   * writes the lease as their next due time, in one transaction.
   */
  List<Row> claim(Instant now, int limit, Instant leaseEnd) {
    String select =
        "SELECT id, message_id, payload, attempts FROM "
            + table
            + " WHERE sent_at IS NULL AND next_attempt_at <= ?"
            + " ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED";
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(select)) {
          ps.setObject(1, utc(now));
          ps.setInt(2, limit);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4) + 1));
            }
          }
        }
        if (!rows.isEmpty()) {
          String lease =
              "UPDATE "
                  + table
                  + " SET attempts = attempts + 1, next_attempt_at = ?"
                  + " WHERE sent_at IS NULL AND id IN ("
                  + ids(rows)
                  + ")";
          try (PreparedStatement ps = c.prepareStatement(lease)) {
            ps.setObject(1, utc(leaseEnd));
            int claimed = ps.executeUpdate();
            if (claimed != rows.size()) {
              throw new SQLException(
                  "claimed " + claimed + " of " + rows.size() + " locked rows; rolled back");
            }
          }
        }
        c.commit();
        return rows;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new OutboxException("cannot claim rows of " + table, e);
    }
  }

  void markSent(List<Row> rows, Instant now) {
    if (!rows.isEmpty()) {
      update(
          "UPDATE "
              + table
              + " SET sent_at = ?, last_error = NULL WHERE sent_at IS NULL AND id IN ("
              + ids(rows)
              + ")",
          "mark " + rows.size() + " rows sent",
          utc(now));
    }
  }

  /** Makes the row due again at {@code due}, with the reason it is not sent yet. */
  void reschedule(Row row, Instant due, String error) {
    update(
        "UPDATE "
            + table
            + " SET next_attempt_at = ?, last_error = ? WHERE id = ? AND sent_at IS NULL",
        "reschedule message " + row.messageId,
        utc(due),
        truncate(error),
        row.id);
  }

  /** How many rows are not sent yet, and when the oldest of them was written (null if none). */
  Backlog backlog() {
    String sql = "SELECT COUNT(*), MIN(created_at) FROM " + table + " WHERE sent_at IS NULL";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      LocalDateTime oldest = rs.getObject(2, LocalDateTime.class);
      return new Backlog(rs.getLong(1), oldest == null ? null : oldest.toInstant(ZoneOffset.UTC));
    } catch (SQLException e) {
      throw new OutboxException("cannot count the unsent rows of " + table, e);
    }
  }

  /** Deletes up to 1000 rows sent before {@code before}. */
  void purgeSentBefore(Instant before) {
    update(
        "DELETE FROM " + table + " WHERE sent_at < ? LIMIT 1000", "delete sent rows", utc(before));
  }

  private void update(String sql, String what, Object... args) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) {
          ps.setObject(i + 1, args[i]);
        }
        ps.executeUpdate();
      }
    } catch (SQLException e) {
      throw new OutboxException("cannot " + what + " in " + table, e);
    }
  }

  private static String ids(List<Row> rows) {
    return rows.stream().map(r -> Long.toString(r.id)).collect(Collectors.joining(","));
  }

  static LocalDateTime utc(Instant i) {
    return LocalDateTime.ofInstant(i, ZoneOffset.UTC);
  }

  private static String truncate(String s) {
    if (s == null || s.length() <= MAX_ERROR_CHARS) {
      return s;
    }
    return s.substring(0, MAX_ERROR_CHARS);
  }
}
