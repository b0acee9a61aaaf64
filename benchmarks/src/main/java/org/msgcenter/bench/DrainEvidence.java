package org.msgcenter.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
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
    Map<String, Object> out = new LinkedHashMap<>();
    try (Statement s = db.createStatement()) {
      out.put("messages", SqlRoof.single(s, "SELECT COUNT(*) FROM message"));
      out.put(
          "deliveriesSent",
          SqlRoof.single(s, "SELECT COUNT(*) FROM delivery WHERE status = 'SENT'"));
      out.put(
          "messagesDelivered",
          SqlRoof.single(s, "SELECT COUNT(*) FROM message WHERE status = 'DELIVERED'"));
      out.put(
          "messagesByStatus",
          groupCount(s, "SELECT status, COUNT(*) FROM message GROUP BY status"));
      out.put(
          "deliveriesByChannelAndStatus",
          groupCount(
              s,
              "SELECT CONCAT(channel, ' ', status), COUNT(*) FROM delivery GROUP BY channel, status"));
      out.put("attempts", SqlRoof.single(s, "SELECT COUNT(*) FROM delivery_attempt"));
      out.put(
          "attemptsByOutcome",
          groupCount(s, "SELECT outcome, COUNT(*) FROM delivery_attempt GROUP BY outcome"));
      out.put("rejectedRecords", SqlRoof.single(s, "SELECT COUNT(*) FROM rejected_record"));
      out.put(
          "failedAttemptErrors",
          groupCount(
              s,
              "SELECT CONCAT(outcome, ': ', LEFT(COALESCE(error, ''), 160)), COUNT(*)"
                  + " FROM delivery_attempt WHERE outcome <> 'SENT' GROUP BY 1 ORDER BY 2 DESC"
                  + " LIMIT 10"));
      try (ResultSet r =
          s.executeQuery(
              "SELECT (SELECT MIN(created_at) FROM message),"
                  + " (SELECT MAX(updated_at) FROM delivery WHERE status = 'SENT')")) {
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

  private static Map<String, Long> groupCount(Statement s, String sql) throws SQLException {
    Map<String, Long> out = new TreeMap<>();
    try (ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        out.put(r.getString(1), r.getLong(2));
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
