package org.msgcenter.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * The scale-out: the drain with 1, 2 and 3 message-center processes in one consumer group on the
 * topic's {@value Infrastructure#PARTITIONS} partitions, all on this host; then the same with a
 * webhook receiver that answers in {@value #SLOW_SINK_MILLIS} ms, where each instance's webhook
 * capacity (deliveries in flight), not the host, bounds what it sends. Each drain starts from an
 * empty database and a consumer group set to the topic's end before its N notifications are
 * published, and is measured like the drain: notifications over the time from the first message
 * stored to the last delivery recorded SENT, as the centers stamped them.
 */
final class ScaleScenario {
  static final String DATABASE = "msgcenter";
  static final int MAX_INSTANCES = 3;
  static final long SLOW_SINK_MILLIS = 50;

  /** Enough for every instance's webhook requests in flight, so the sink is never the limit. */
  private static final int SLOW_SINK_THREADS = 512;

  private static final Duration STALL_LIMIT = Duration.ofSeconds(120);
  private static final int DB_COUNT_EVERY = 10;

  private final Infrastructure infra;
  private final Processes processes;
  private final Results results;
  private final BenchOptions options;

  ScaleScenario(Infrastructure infra, Processes processes, Results results, BenchOptions options) {
    this.infra = infra;
    this.processes = processes;
    this.results = results;
    this.options = options;
  }

  void run() throws Exception {
    int count = options.count();
    results.detail("scale", "count", count);
    double headline = 0;
    for (long delay : new long[] {0, SLOW_SINK_MILLIS}) {
      double one = 0;
      for (int n = 1; n <= MAX_INSTANCES; n++) {
        double rate = drain(n, delay, count);
        if (n == 1) {
          one = rate;
        } else {
          double ratio = one > 0 ? rate / one : 0;
          results.add(
              new Results.Figure(
                  "scale",
                  n + " ÷ 1 instances" + sinkLabel(delay),
                  ratio,
                  "×",
                  "the drain with " + n + " instances ÷ with one, same sink",
                  null));
          System.out.println(
              "scale."
                  + n
                  + "x"
                  + (delay > 0 ? "-sink" + delay + "ms" : "")
                  + ".ratio: "
                  + Progress.twoDecimals(ratio)
                  + "× one instance");
          if (n == MAX_INSTANCES && delay > 0) {
            headline = ratio;
          }
        }
      }
    }
    System.out.println(
        "scale: "
            + Progress.twoDecimals(headline)
            + " × ("
            + MAX_INSTANCES
            + " instances ÷ 1, webhook sink "
            + SLOW_SINK_MILLIS
            + " ms)");
  }

  private static String sinkLabel(long delay) {
    return delay > 0 ? ", webhook sink " + delay + " ms" : "";
  }

  /** One drain with {@code instances} centers; returns its notifications/s. */
  private double drain(int instances, long delayMillis, int count) throws Exception {
    String name = instances + "x" + (delayMillis > 0 ? "-sink" + delayMillis + "ms" : "");
    String label = "scale " + instances + " instance" + (instances == 1 ? "" : "s");
    label += sinkLabel(delayMillis);
    String group = "bench-scale-" + name;
    Path dir = Files.createDirectories(options.runDir().resolve("scale-" + name));
    infra.freshDatabase(DATABASE);
    Map<String, Object> detail = new LinkedHashMap<>();
    Map<String, Object> usage;
    Map<String, Object> outcome;
    try (Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()));
        HttpSink sink =
            delayMillis > 0
                ? HttpSink.start(SLOW_SINK_THREADS, Duration.ofMillis(delayMillis))
                : HttpSink.start(8);
        Connection db = infra.rootConnection(DATABASE)) {
      Map<TopicPartition, Long> base =
          CenterFleet.startGroupAtEnd(admin, group, DrainScenario.TOPIC);
      System.out.println("  " + label + ": publishing " + Progress.grouped(count) + " first");
      Publishing.publish(
          infra.bootstrapServers(),
          DrainScenario.TOPIC,
          "msgcenter.notifications.high",
          "bench-scale-publisher",
          count,
          "scale publish",
          false);
      List<Map<String, String>> settings = new ArrayList<>();
      for (int i = 1; i <= instances; i++) {
        Map<String, String> s =
            CenterFleet.settings(infra, dir, DATABASE, group, "bench-scale-" + name + "-" + i);
        s.put("route." + Payloads.BIZ_TYPE + ".channels", "in-app,webhook");
        s.put("route." + Payloads.BIZ_TYPE + ".target.webhook", sink.url());
        settings.add(s);
      }
      detail.put("centerSettings", settings.get(0));
      try (CenterFleet fleet = CenterFleet.start(dir, options, settings, processes, label)) {
        DbStatus before = DbStatus.read(db);
        ProcStats.Snapshot cpu = processes.snapshot();
        String ending = watch(fleet, admin, group, base, db, count, label);
        usage = cpu.until();
        detail.put("cpu", usage);
        detail.put("databaseCounters", before.delta(DbStatus.read(db), count, "notification"));
        detail.put(
            "sentByInstance",
            fleet.each("msgcenter_delivery_outcome_total", "outcome=\"SENT\"").stream()
                .map(Math::round)
                .toList());
        detail.put("sinkRequests", sink.requests());
        detail.put("centers", fleet.stop());
        outcome = new LinkedHashMap<>();
        outcome.put("ending", ending);
      }
      outcome.putAll(DrainEvidence.verify(db, count));
    }
    detail.put("result", outcome);
    results.detail("scale", name, detail);
    double seconds = outcome.get("windowSeconds") instanceof Double d ? d : 0;
    long delivered = (Long) outcome.get("messagesDelivered");
    boolean complete = "complete".equals(outcome.get("ending")) && delivered == count;
    double rate = seconds > 0 ? delivered / seconds : 0;
    String note =
        (complete ? "" : "INCOMPLETE (" + outcome.get("ending") + "): ")
            + Progress.grouped(delivered)
            + " of "
            + Progress.grouped(count)
            + " pre-published notifications delivered to in-app + webhook"
            + (delayMillis > 0 ? " (the sink answering in " + delayMillis + " ms)" : "")
            + " by "
            + instances
            + " center process"
            + (instances == 1 ? "" : "es")
            + " on this host, in "
            + String.format(java.util.Locale.ROOT, "%.1f s", seconds)
            + " from the first message stored to the last delivery SENT";
    results.add(
        new Results.Figure(
            "scale",
            instances + " instance" + (instances == 1 ? "" : "s") + sinkLabel(delayMillis),
            rate,
            "notifications/s",
            note,
            usage));
    System.out.println(
        "scale."
            + name
            + ": "
            + Progress.plain(rate)
            + " notifications/s"
            + (complete ? "" : " (INCOMPLETE)"));
    return rate;
  }

  /**
   * Watches a drain as {@link DrainScenario} does: every second what the group stored and the
   * outcomes the centers reported; the database counted every {@value #DB_COUNT_EVERY} seconds and
   * every second once the centers report all outcomes.
   */
  private String watch(
      CenterFleet fleet,
      Admin admin,
      String group,
      Map<TopicPartition, Long> base,
      Connection db,
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
        Map<String, Long> byStatus = DrainScenario.deliveriesByStatus(db);
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
}
