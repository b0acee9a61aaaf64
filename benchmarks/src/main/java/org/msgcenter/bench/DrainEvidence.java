package org.msgcenter.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a drain leaves to explain its figure: the database's final counts and the drain's window as
 * the center stamped it, InnoDB's account of the latest deadlock, and the center's own metrics.
 */
final class DrainEvidence {
  private DrainEvidence() {}

  /** What the database holds at the end, and the drain's window as the center stamped it. */
  static Map<String, Object> verify(Connection db, int count) throws SQLException {
    return verify(db, count, new byte[16]);
  }

  /**
   * As {@link #verify(Connection, int)}, over the messages and deliveries whose UUIDv7 ids are at
   * least {@code since} only (ids made from the time a drain began): what a drain added to tables
   * that held rows before it, read by primary-key ranges.
   */
  static Map<String, Object> verify(Connection db, int count, byte[] since) throws SQLException {
    String m = " FROM message WHERE message_id >= ?";
    String d = " FROM delivery WHERE delivery_id >= ?";
    String a = " FROM delivery_attempt WHERE delivery_id >= ?";
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("messages", single(db, "SELECT COUNT(*)" + m, since));
    out.put("deliveriesSent", single(db, "SELECT COUNT(*)" + d + " AND status = 'SENT'", since));
    out.put(
        "messagesDelivered",
        single(db, "SELECT COUNT(*)" + m + " AND status = 'DELIVERED'", since));
    out.put(
        "messagesByStatus", groupCount(db, "SELECT status, COUNT(*)" + m + " GROUP BY 1", since));
    out.put(
        "deliveriesByChannelAndStatus",
        groupCount(db, "SELECT CONCAT(channel, ' ', status), COUNT(*)" + d + " GROUP BY 1", since));
    out.put("attempts", single(db, "SELECT COUNT(*)" + a, since));
    out.put(
        "attemptsByOutcome", groupCount(db, "SELECT outcome, COUNT(*)" + a + " GROUP BY 1", since));
    try (Statement s = db.createStatement()) {
      out.put("rejectedRecords", SqlRoof.single(s, "SELECT COUNT(*) FROM rejected_record"));
    }
    out.put(
        "failedAttemptErrors",
        groupCount(
            db,
            "SELECT CONCAT(outcome, ': ', LEFT(COALESCE(error, ''), 160)), COUNT(*)"
                + a
                + " AND outcome <> 'SENT' GROUP BY 1 ORDER BY 2 DESC LIMIT 10",
            since));
    try (PreparedStatement p =
        db.prepareStatement(
            "SELECT (SELECT MIN(created_at)"
                + m
                + "), (SELECT MAX(updated_at)"
                + d
                + " AND status = 'SENT')")) {
      p.setBytes(1, since);
      p.setBytes(2, since);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        Timestamp first = r.getTimestamp(1);
        Timestamp last = r.getTimestamp(2);
        if (first != null && last != null) {
          out.put("firstStoredAt", first.toLocalDateTime().toString());
          out.put("lastSentAt", last.toLocalDateTime().toString());
          out.put("windowSeconds", (last.getTime() - first.getTime()) / 1000.0);
        }
      }
    }
    return out;
  }

  /**
   * The measured window of a drain that warmed up first: from the moment its first {@code
   * warmDeliveries} deliveries were SENT (the center's own time stamps, in the order it wrote them)
   * to the last SENT that {@link #verify} found ({@code verified}: its result). Replaces {@code
   * windowSeconds}; the whole run's window stays as {@code coldWindowSeconds}.
   */
  static Map<String, Object> warmWindow(
      Connection db, long warmDeliveries, Map<String, Object> verified) throws SQLException {
    Map<String, Object> out = new LinkedHashMap<>();
    if (!(verified.get("lastSentAt") instanceof String lastSent)) {
      return out;
    }
    try (PreparedStatement p =
        db.prepareStatement(
            "SELECT updated_at FROM delivery WHERE status = 'SENT'"
                + " ORDER BY updated_at LIMIT 1 OFFSET ?")) {
      p.setLong(1, warmDeliveries - 1);
      try (ResultSet warm = p.executeQuery()) {
        if (!warm.next()) {
          return out;
        }
        LocalDateTime warmed = warm.getTimestamp(1).toLocalDateTime();
        out.put("warmedAt", warmed.toString());
        out.put(
            "windowSeconds",
            Duration.between(warmed, LocalDateTime.parse(lastSent)).toMillis() / 1000.0);
        out.put("coldWindowSeconds", verified.get("windowSeconds"));
      }
    }
    return out;
  }

  private static long single(Connection db, String sql, byte[] since) throws SQLException {
    try (PreparedStatement p = db.prepareStatement(sql)) {
      p.setBytes(1, since);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  private static Map<String, Long> groupCount(Connection db, String sql, byte[] since)
      throws SQLException {
    Map<String, Long> out = new TreeMap<>();
    try (PreparedStatement p = db.prepareStatement(sql)) {
      p.setBytes(1, since);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.put(r.getString(1), r.getLong(2));
        }
      }
    }
    return out;
  }

  /**
   * Keeps InnoDB's account of the latest deadlock, if the drain had one: the two transactions, the
   * statements and the locks they held and waited for.
   */
  static Path saveLatestDeadlock(Connection db, Path runDir) throws SQLException, IOException {
    String status;
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery("SHOW ENGINE INNODB STATUS")) {
      status = r.next() ? r.getString("Status") : "";
    }
    int begin = status.indexOf("LATEST DETECTED DEADLOCK");
    if (begin < 0) {
      return null;
    }
    int end = status.indexOf("\nTRANSACTIONS\n", begin);
    Path file = runDir.resolve("innodb-latest-deadlock.txt");
    Files.writeString(file, status.substring(begin, end < 0 ? status.length() : end));
    return file;
  }

  static void printCounts(String title, Object counts) {
    if (counts instanceof Map<?, ?> m && !m.isEmpty()) {
      System.out.println(title + ":");
      m.forEach((text, n) -> System.out.println("    " + n + " × " + text));
    }
  }

  static Map<String, Object> metricsOf(Map<String, Double> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("consumed", CenterProcess.sum(m, "msgcenter_ingest_consumed_total"));
    out.put("rejected", CenterProcess.sum(m, "msgcenter_ingest_rejected_total"));
    out.put("ingestFailures", CenterProcess.sum(m, "msgcenter_ingest_failures_total"));
    for (String channel : List.of("in-app", "webhook")) {
      for (String o : List.of("SENT", "RETRYABLE_FAILURE", "PERMANENT_FAILURE")) {
        out.put(
            channel + " " + o,
            CenterProcess.sum(
                m,
                "msgcenter_delivery_outcome_total",
                "channel=\"" + channel + "\"",
                "outcome=\"" + o + "\""));
      }
      double n =
          CenterProcess.sum(
              m, "msgcenter_delivery_send_latency_seconds_count", "channel=\"" + channel + "\"");
      double total =
          CenterProcess.sum(
              m, "msgcenter_delivery_send_latency_seconds_sum", "channel=\"" + channel + "\"");
      out.put(channel + " mean send ms", n > 0 ? Math.round(total / n * 1e5) / 100.0 : null);
    }
    double batches = CenterProcess.sum(m, "msgcenter_recorder_batch_size_count");
    out.put("recorderBatches", batches);
    out.put(
        "recorderMeanBatch",
        batches > 0
            ? Math.round(CenterProcess.sum(m, "msgcenter_recorder_batch_size_sum") / batches)
            : null);
    out.put("recorderFailures", CenterProcess.sum(m, "msgcenter_recorder_failures_total"));
    out.put("recorderLeaseLost", CenterProcess.sum(m, "msgcenter_recorder_lease_lost_total"));
    out.put("pollerClaimed", CenterProcess.sum(m, "msgcenter_poller_claimed_total"));
    out.put("pollerFailures", CenterProcess.sum(m, "msgcenter_poller_failures_total"));
    return out;
  }
}
