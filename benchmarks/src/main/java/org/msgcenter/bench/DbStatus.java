package org.msgcenter.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MariaDB's global status counters before and after a scenario: how many statements, commits, log
 * syncs, row operations and lock waits the work cost, in total and per notification.
 */
final class DbStatus {
  private static final List<String> COUNTERS =
      List.of(
          "Questions",
          "Com_commit",
          "Com_rollback",
          "Com_select",
          "Com_insert",
          "Com_update",
          "Handler_commit",
          "Handler_write",
          "Handler_update",
          "Handler_read_key",
          "Handler_read_next",
          "Handler_read_rnd_next",
          "Innodb_os_log_fsyncs",
          "Innodb_data_fsyncs",
          "Innodb_log_waits",
          "Innodb_row_lock_waits",
          "Innodb_row_lock_time",
          "Innodb_deadlocks",
          "Innodb_buffer_pool_reads",
          "Innodb_buffer_pool_wait_free",
          "Bytes_received",
          "Bytes_sent");

  private final Map<String, Long> values;

  private DbStatus(Map<String, Long> values) {
    this.values = values;
  }

  static DbStatus read(Connection c) throws SQLException {
    Map<String, Long> values = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SHOW GLOBAL STATUS")) {
      while (r.next()) {
        String name = r.getString(1);
        if (COUNTERS.stream().anyMatch(name::equalsIgnoreCase)) {
          try {
            values.put(name.toLowerCase(java.util.Locale.ROOT), Long.parseLong(r.getString(2)));
          } catch (NumberFormatException ignored) {
            // Not a counter on this server version.
          }
        }
      }
    }
    return new DbStatus(values);
  }

  /**
   * Waits until InnoDB has finished loading the buffer pool dump of the server's previous run (it
   * does so in the background after every start, reading pages a measurement would otherwise
   * compete with), for at most {@code timeoutSeconds}; returns what the server said at the end and
   * how full the pool is.
   */
  static Map<String, Object> awaitBufferPoolLoad(Connection c, int timeoutSeconds)
      throws SQLException, InterruptedException {
    long start = System.nanoTime();
    long deadline = start + timeoutSeconds * 1_000_000_000L;
    String load = status(c, "Innodb_buffer_pool_load_status");
    // "Loading buffer pool(s) from …", then "Loaded 1234/56789 pages"; done: "Buffer pool(s) load
    // completed at …" (or aborted, or no dump to load).
    while (load.startsWith("Load")) {
      if (System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(1_000);
      load = status(c, "Innodb_buffer_pool_load_status");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("loadStatus", load);
    out.put("waitedSeconds", Math.round((System.nanoTime() - start) / 1e7) / 100.0);
    putPoolFill(c, out);
    return out;
  }

  /**
   * Reads each of {@code indexes} ({@code table.index}, PRIMARY for the rows themselves) from end
   * to end so that its pages are in the buffer pool, as they are in a server that has been
   * answering for a while; those read last stay when they do not all fit. InnoDB normally keeps
   * pages a scan reads in the old part of its LRU list, where the next scan evicts them: for the
   * reads here they go to the young part ({@code innodb_old_blocks_time = 0}), and the setting is
   * put back after. Returns how long each took and how full the pool is.
   */
  static Map<String, Object> warmBufferPool(Connection c, String database, List<String> indexes)
      throws SQLException {
    Map<String, Object> out = new LinkedHashMap<>();
    String oldBlocksTime;
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT @@GLOBAL.innodb_old_blocks_time")) {
      r.next();
      oldBlocksTime = r.getString(1);
    }
    try (Statement s = c.createStatement()) {
      s.execute("SET GLOBAL innodb_old_blocks_time = 0");
      try {
        for (String index : indexes) {
          String[] part = index.split("\\.");
          long start = System.nanoTime();
          try (ResultSet r =
              s.executeQuery(
                  "SELECT COUNT(*) FROM "
                      + database
                      + "."
                      + part[0]
                      + " FORCE INDEX ("
                      + part[1]
                      + ")")) {
            r.next();
          }
          double seconds = Math.round((System.nanoTime() - start) / 1e7) / 100.0;
          out.put(index + " seconds", seconds);
          System.out.printf("  query: read %s into the buffer pool in %.1f s%n", index, seconds);
        }
      } finally {
        s.execute("SET GLOBAL innodb_old_blocks_time = " + Long.parseLong(oldBlocksTime));
      }
    }
    putPoolFill(c, out);
    return out;
  }

  /** How many of the buffer pool's pages hold data, and how many it has. */
  private static void putPoolFill(Connection c, Map<String, Object> out) throws SQLException {
    out.put("pagesData", Long.parseLong(status(c, "Innodb_buffer_pool_pages_data")));
    out.put("pagesTotal", Long.parseLong(status(c, "Innodb_buffer_pool_pages_total")));
  }

  private static String status(Connection c, String name) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SHOW GLOBAL STATUS LIKE '" + name + "'")) {
      return r.next() ? r.getString(2) : "";
    }
  }

  /** The counters' growth from {@code this} to {@code later}, in total and per {@code unit}. */
  Map<String, Object> delta(DbStatus later, long units, String unitName) {
    Map<String, Object> total = new LinkedHashMap<>();
    Map<String, Object> per = new LinkedHashMap<>();
    for (String name : COUNTERS) {
      String key = name.toLowerCase(java.util.Locale.ROOT);
      Long before = values.get(key);
      Long after = later.values.get(key);
      if (before == null || after == null) {
        continue;
      }
      long d = after - before;
      total.put(name, d);
      per.put(name, units > 0 ? Math.round(d * 1000.0 / units) / 1000.0 : null);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("total", total);
    out.put("per " + unitName, per);
    return out;
  }
}
