package org.msgcenter.bench;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * Growth: the drain again, with millions of messages already stored. First the loader ({@link
 * GrowthLoader}) brings the grown database, kept between runs in its own data directory, to {@code
 * --stored} messages (going on where an earlier load stopped). Then two drains of {@code --count}
 * notifications, one center each, measured as the drain is: one into an empty database, then one
 * into the grown one; the figure is the second and its ratio to the first. The drain's rows are
 * told from the stored ones by their UUIDv7 ids (made after the drain began), so every count of the
 * grown drain reads a primary-key range, never the stored millions; they are deleted afterwards, so
 * that the grown tables hold what the loader wrote.
 */
final class GrowthScenario {
  static final String EMPTY_DATABASE = "msgcenter";

  private static final Duration STALL_LIMIT = Duration.ofSeconds(120);
  private static final int DB_COUNT_EVERY = 10;

  private final Infrastructure infra;
  private final Processes processes;
  private final Results results;
  private final BenchOptions options;

  GrowthScenario(Infrastructure infra, Processes processes, Results results, BenchOptions options) {
    this.infra = infra;
    this.processes = processes;
    this.results = results;
    this.options = options;
  }

  void run() throws Exception {
    GrowthLoader.Outcome load = load();
    int count = options.count();
    results.detail("growth", "count", count);
    double empty = drain("empty", EMPTY_DATABASE, true, count, 0);
    infra.dropDatabase(EMPTY_DATABASE);
    double grown = drain("grown", GrowthLoader.DATABASE, false, count, load.storedAfter());
    double ratio = empty > 0 ? grown / empty : 0;
    String stored = Progress.grouped(load.storedAfter());
    results.add(
        new Results.Figure(
            "growth",
            "ratio, " + stored + " stored ÷ empty",
            ratio,
            "×",
            "the drain with "
                + stored
                + " messages stored ÷ the drain into empty tables, same run"
                + (load.storedAfter() < GrowthLoader.DEFAULT_PLANNED
                    ? "; NOT at the 10,000,000 of the target"
                    : ""),
            null));
    results.detail("growth", "ratioToEmpty", ratio);
    System.out.println(
        "growth: "
            + Progress.plain(grown)
            + " notifications/s with "
            + stored
            + " messages stored");
    System.out.println("growth ratio to empty: " + Progress.twoDecimals(ratio));
  }

  private GrowthLoader.Outcome load() throws Exception {
    GrowthLoader loader = new GrowthLoader(infra);
    ProcStats.Snapshot cpu = processes.snapshot();
    GrowthLoader.Outcome load =
        loader.load(options.stored(), options.loadConnections(), options.loadSeconds());
    Map<String, Object> usage = cpu.until();
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("plannedMessages", load.plan().planned());
    detail.put("planStart", Instant.ofEpochMilli(load.plan().startMillis()).toString());
    detail.put("planEnd", Instant.ofEpochMilli(load.plan().endMillis()).toString());
    detail.put("storedBefore", load.storedBefore());
    detail.put("storedAfter", load.storedAfter());
    detail.put("requested", load.requested());
    detail.put("loaded", load.loaded());
    detail.put("seconds", load.seconds());
    detail.put("connections", options.loadConnections());
    detail.put("budgetSpent", load.budgetSpent());
    detail.put("cpu", usage);
    detail.put("tables", tableSizes());
    results.detail("growth", "load", detail);
    String how =
        Progress.grouped(load.loaded())
            + " messages loaded in "
            + String.format(Locale.ROOT, "%.0f s", load.seconds())
            + " on "
            + options.loadConnections()
            + " connections (chunks of "
            + GrowthLoader.CHUNK
            + " messages with their in-app and webhook deliveries and attempts, one transaction"
            + " each); "
            + Progress.grouped(load.storedAfter())
            + " stored of the "
            + Progress.grouped(load.requested())
            + " asked for"
            + (load.budgetSpent() ? " (stopped by --load-seconds)" : "");
    if (load.loaded() > 0) {
      results.add(new Results.Figure("growth", "load", load.rate(), "messages/s", how, usage));
    }
    System.out.printf(
        "growth.load: %s messages/s (%s loaded); %s messages stored of %s asked for%n",
        Progress.plain(load.rate()),
        Progress.grouped(load.loaded()),
        Progress.grouped(load.storedAfter()),
        Progress.grouped(load.requested()));
    return load;
  }

  /** Data and index sizes of the grown tables, in MiB, as InnoDB estimates them. */
  private Map<String, Object> tableSizes() throws SQLException {
    Map<String, Object> out = new LinkedHashMap<>();
    try (Connection c = infra.rootConnection(null);
        PreparedStatement p =
            c.prepareStatement(
                "SELECT table_name, table_rows, data_length, index_length"
                    + " FROM information_schema.tables WHERE table_schema = ?"
                    + " AND table_name IN ('message', 'delivery', 'delivery_attempt')")) {
      p.setString(1, GrowthLoader.DATABASE);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          Map<String, Object> t = new LinkedHashMap<>();
          t.put("rowsEstimated", r.getLong(2));
          t.put("dataMiB", r.getLong(3) >> 20);
          t.put("indexMiB", r.getLong(4) >> 20);
          out.put(r.getString(1), t);
        }
      }
    }
    return out;
  }

  /** One drain of {@code count} into {@code database}; returns its notifications/s. */
  private double drain(String name, String database, boolean fresh, int count, long stored)
      throws Exception {
    String label = "growth " + name;
    String group = "bench-growth-" + name;
    Path dir = Files.createDirectories(options.runDir().resolve("growth-" + name));
    if (fresh) {
      infra.freshDatabase(database);
    }
    byte[] since = idBound(Instant.now().minusSeconds(1));
    Map<String, Object> detail = new LinkedHashMap<>();
    Map<String, Object> usage;
    Map<String, Object> outcome;
    try (Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()));
        HttpSink sink = HttpSink.start(8);
        Connection db = infra.rootConnection(database)) {
      Map<TopicPartition, Long> base =
          CenterFleet.startGroupAtEnd(admin, group, DrainScenario.TOPIC);
      System.out.println("  " + label + ": publishing " + Progress.grouped(count) + " first");
      Publishing.publish(
          infra.bootstrapServers(),
          DrainScenario.TOPIC,
          "msgcenter.notifications.high",
          "bench-growth-publisher",
          count,
          label + " publish",
          false);
      Map<String, String> settings =
          CenterFleet.settings(infra, dir, database, group, "bench-growth-" + name);
      settings.put("route." + Payloads.BIZ_TYPE + ".channels", "in-app,webhook");
      settings.put("route." + Payloads.BIZ_TYPE + ".target.webhook", sink.url());
      detail.put("centerSettings", settings);
      long launched = System.nanoTime();
      try (CenterFleet fleet =
          CenterFleet.start(dir, options, List.of(settings), processes, label)) {
        detail.put("centerStartSeconds", (System.nanoTime() - launched) / 1e9);
        DbStatus before = DbStatus.read(db);
        ProcStats.Snapshot cpu = processes.snapshot();
        String ending = watch(fleet, admin, group, base, db, since, count, label);
        usage = cpu.until();
        detail.put("cpu", usage);
        detail.put("databaseCounters", before.delta(DbStatus.read(db), count, "notification"));
        detail.put("centerMetrics", DrainEvidence.metricsOf(fleet.centers().get(0).metrics()));
        detail.put("sinkRequests", sink.requests());
        detail.put("centers", fleet.stop());
        outcome = new LinkedHashMap<>();
        outcome.put("ending", ending);
      }
      outcome.putAll(DrainEvidence.verify(db, count, since));
      if (!fresh) {
        detail.put("deletedAfterwards", deleteSince(db, since));
      }
    }
    detail.put("result", outcome);
    results.detail("growth", "drain-" + name, detail);
    double seconds = outcome.get("windowSeconds") instanceof Double d ? d : 0;
    long delivered = (Long) outcome.get("messagesDelivered");
    boolean complete = "complete".equals(outcome.get("ending")) && delivered == count;
    double rate = seconds > 0 ? delivered / seconds : 0;
    String into =
        fresh
            ? "into empty tables"
            : "into tables holding "
                + Progress.grouped(stored)
                + " stored messages with their deliveries and attempts";
    String note =
        (complete ? "" : "INCOMPLETE (" + outcome.get("ending") + "): ")
            + Progress.grouped(delivered)
            + " of "
            + Progress.grouped(count)
            + " pre-published notifications delivered to in-app + webhook by one center "
            + into
            + ", in "
            + String.format(Locale.ROOT, "%.1f s", seconds)
            + " from the first message stored to the last delivery SENT";
    String figure =
        fresh ? "drain, empty tables" : "drain, " + Progress.grouped(stored) + " stored";
    results.add(new Results.Figure("growth", figure, rate, "notifications/s", note, usage));
    System.out.println(
        "growth."
            + name
            + ": "
            + Progress.plain(rate)
            + " notifications/s"
            + (complete ? "" : " (INCOMPLETE)"));
    return rate;
  }

  /**
   * Watches a drain as {@link DrainScenario} does, counting in the database only the deliveries
   * made since the drain began.
   */
  private String watch(
      CenterFleet fleet,
      Admin admin,
      String group,
      Map<TopicPartition, Long> base,
      Connection db,
      byte[] since,
      int count,
      String label)
      throws Exception {
    long expected = 2L * count;
    long started = System.nanoTime();
    long deadline = started + TimeUnit.SECONDS.toNanos(options.drainTimeoutSeconds());
    long lastChange = started;
    long lastReported = 0;
    long lastStored = 0;
    for (int second = 1; ; second++) {
      Thread.sleep(1000);
      fleet.requireAlive(label);
      long stored = CenterFleet.committedSince(admin, group, DrainScenario.TOPIC, base);
      long reported = Math.round(fleet.sum("msgcenter_delivery_outcome_total", "outcome=\"SENT\""));
      boolean countNow = second % DB_COUNT_EVERY == 0 || reported >= expected;
      String dbText = "";
      long dbSent = -1;
      if (countNow) {
        Map<String, Long> byStatus = DrainScenario.deliveriesByStatus(db, since);
        dbSent = byStatus.getOrDefault("SENT", 0L);
        dbText = "  database " + byStatus;
      }
      System.out.printf(
          "  %s: %3ds  stored %s/%s  outcomes SENT %s/%s (+%s/s)%s%n",
          label,
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started),
          Progress.grouped(stored),
          Progress.grouped(count),
          Progress.grouped(reported),
          Progress.grouped(expected),
          Progress.grouped(reported - lastReported),
          dbText);
      if (reported != lastReported || stored != lastStored) {
        lastChange = System.nanoTime();
      }
      lastReported = reported;
      lastStored = stored;
      if (dbSent == expected) {
        return "complete";
      }
      if (System.nanoTime() - lastChange > STALL_LIMIT.toNanos()) {
        return "stalled: nothing changed for " + STALL_LIMIT.toSeconds() + " s";
      }
      if (System.nanoTime() > deadline) {
        return "timed out after " + options.drainTimeoutSeconds() + " s";
      }
    }
  }

  /** Deletes what the drain added to the grown tables; returns the rows deleted per table. */
  private static Map<String, Object> deleteSince(Connection db, byte[] since) throws SQLException {
    Map<String, Object> out = new LinkedHashMap<>();
    String[][] tables = {
      {"delivery_attempt", "delivery_id"}, {"delivery", "delivery_id"}, {"message", "message_id"}
    };
    for (String[] t : tables) {
      try (PreparedStatement p =
          db.prepareStatement("DELETE FROM " + t[0] + " WHERE " + t[1] + " >= ?")) {
        p.setBytes(1, since);
        out.put(t[0], p.executeUpdate());
      }
    }
    try (Statement s = db.createStatement()) {
      out.put("rejected_record", s.executeUpdate("DELETE FROM rejected_record"));
    }
    return out;
  }

  /** The smallest UUIDv7 of {@code at}'s millisecond, as stored. */
  static byte[] idBound(Instant at) {
    return ByteBuffer.allocate(16).putLong(at.toEpochMilli() << 16).putLong(0).array();
  }
}
