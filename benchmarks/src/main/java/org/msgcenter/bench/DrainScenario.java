package org.msgcenter.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.msgcenter.testkit.FreePorts;

/**
 * The drain: N notifications are published first; then the message center starts, as its own
 * process, routes each to in-app (a Kafka produce to the realtime topic) and webhook (a signed POST
 * to {@link HttpSink}), and the bench watches it until every delivery is recorded SENT in the
 * database. The figure is N over the time from the first message stored to the last delivery
 * recorded SENT, both as the center stamped them in the database; the wall time from the process
 * start is reported too.
 */
final class DrainScenario {
  static final String DATABASE = "msgcenter";
  static final String GROUP = "bench-center";
  static final String TOPIC = "msgcenter.notifications";

  /** A drain in which nothing moves for this long is given up. */
  private static final Duration STALL_LIMIT = Duration.ofSeconds(120);

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  /** Seconds between two counts of the deliveries in the database while the drain runs. */
  private static final int DB_COUNT_EVERY = 10;

  private final Infrastructure infra;
  private final Processes processes;
  private final Results results;
  private final BenchOptions options;
  private final Path runDir;

  DrainScenario(
      Infrastructure infra,
      Processes processes,
      Results results,
      BenchOptions options,
      Path runDir) {
    this.infra = infra;
    this.processes = processes;
    this.results = results;
    this.options = options;
    this.runDir = runDir;
  }

  /** Runs the drain and reports it against {@code sqlRoof} notifications/s. */
  void run(double sqlRoof) throws Exception {
    int count = options.count();
    int warmup = options.warmup();
    int total = count + warmup;
    infra.freshDatabase(DATABASE);
    Path templates = Files.createDirectories(runDir.resolve("templates"));
    Files.writeString(templates.resolve(Payloads.TEMPLATE + ".properties"), Payloads.TEMPLATE_TEXT);

    System.out.println(
        "  drain: publishing "
            + Progress.grouped(total)
            + " notifications first"
            + (warmup > 0
                ? ", the first " + Progress.grouped(warmup) + " of them to warm up"
                : ""));
    Publishing.Outcome published =
        Publishing.publish(
            infra.bootstrapServers(),
            TOPIC,
            "msgcenter.notifications.high",
            "bench-drain-publisher",
            total,
            "drain publish",
            false);
    results.detail("drain", "prePublishRate", Math.round(published.rate()));

    try (HttpSink sink = HttpSink.start(8);
        Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()));
        Connection db = infra.rootConnection(DATABASE)) {
      Map<String, String> settings = centerSettings(templates, sink.url());
      List<String> jvm =
          new ArrayList<>(Arrays.asList(options.centerJavaOptions().trim().split("\\s+")));
      Path recording = runDir.resolve("center.jfr").toAbsolutePath();
      if (options.profile()) {
        jvm.add(
            "-XX:StartFlightRecording=filename=" + recording + ",settings=profile,dumponexit=true");
      }
      results.detail("drain", "centerJvmOptions", String.join(" ", jvm));
      results.detail("drain", "centerSettings", settings);
      long launched = System.nanoTime();
      System.out.println(
          "  drain: starting the message center (log: " + runDir.resolve("center.log") + ")");
      CenterProcess center =
          CenterProcess.start(
              runDir,
              options.centerClasspath(),
              jvm,
              settings,
              Integer.parseInt(settings.get("http.port")),
              START_TIMEOUT);
      Map<String, Object> outcome;
      Map<String, Object> usage;
      try {
        processes.add("message center", center.pid());
        processes.add("MariaDB", infra.mariaDbPid());
        long healthy = System.nanoTime();
        System.out.printf(
            "  drain: message center pid %d healthy after %.1f s; draining%n",
            center.pid(), (healthy - launched) / 1e9);
        // CPU and the database's counters cover the measured part only: from the end of the
        // warm-up (as the center's metrics report it, within a second) to the end.
        Measured measured = new Measured(db);
        if (warmup == 0) {
          measured.start();
        }
        outcome = watch(center, db, admin, total, 2L * warmup, measured::start);
        long finished = System.nanoTime();
        usage = measured.cpu.until();
        results.detail("drain", "cpu", usage);
        results.detail(
            "drain",
            "databaseCounters",
            measured.db.delta(DbStatus.read(db), count, "notification"));
        results.detail("drain", "wallSecondsFromLaunch", (finished - launched) / 1e9);
        results.detail("drain", "centerStartSeconds", (healthy - launched) / 1e9);
        results.detail("drain", "centerMetrics", DrainEvidence.metricsOf(center.metrics()));
        results.detail("drain", "sinkRequests", sink.requests());
        results.detail("drain", "sinkUnsignedRequests", sink.unsigned());
      } finally {
        int exit = center.stop();
        processes.remove("message center");
        results.detail("drain", "centerExitCode", exit);
        results.detail("drain", "centerWarnings", center.warnings(10));
      }
      outcome.putAll(DrainEvidence.verify(db, total));
      if (warmup > 0) {
        outcome.putAll(DrainEvidence.warmWindow(db, 2L * warmup, outcome));
      }
      Path deadlock = DrainEvidence.saveLatestDeadlock(db, runDir);
      if (deadlock != null) {
        results.detail("drain", "latestDeadlock", deadlock.toString());
        System.out.println("  drain: InnoDB reported a deadlock; its account is in " + deadlock);
      }
      results.detail("drain", "result", outcome);
      DrainEvidence.printCounts(
          "  drain: failed attempts by error", outcome.get("failedAttemptErrors"));
      DrainEvidence.printCounts(
          "  drain: the center's warnings", results.details().get("drain").get("centerWarnings"));
      report(outcome, count, warmup, sqlRoof, usage);
      if (options.profile()) {
        summariseRecording(recording);
      }
    }
  }

  private Map<String, String> centerSettings(Path templates, String sinkUrl) throws IOException {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("profile", "local");
    s.put("instance.id", "bench-center-1");
    s.put(
        "data.dir",
        Files.createDirectories(runDir.resolve("center-data")).toAbsolutePath().toString());
    s.put("kafka.bootstrapServers", infra.bootstrapServers());
    s.put("kafka.groupId", GROUP);
    s.put("db.url", infra.jdbcUrl(DATABASE));
    s.put("db.user", Infrastructure.USER);
    s.put("db.password", Infrastructure.PASSWORD);
    s.put("zookeeper.connect", infra.zooKeeperConnect());
    s.put("http.port", Integer.toString(FreePorts.next()));
    // The query services start with the center: free ports, so that a local stack may run too.
    s.put("dubbo.port", Integer.toString(FreePorts.next()));
    s.put("dubbo.tri.port", Integer.toString(FreePorts.next()));
    s.put("templates.dir", templates.toAbsolutePath().toString());
    // Channels as conf/message-center.properties ships them.
    s.put("channel.in-app.topic", "msgcenter.realtime");
    s.put("channel.in-app.capacity", "256");
    s.put("channel.webhook.secret", "local-dev-webhook-secret");
    s.put("channel.webhook.allowPrivateTargets", "true");
    s.put("channel.webhook.timeout", "5s");
    s.put("route.default.channels", "in-app");
    s.put("route." + Payloads.BIZ_TYPE + ".channels", "in-app,webhook");
    s.put("route." + Payloads.BIZ_TYPE + ".target.webhook", sinkUrl);
    s.putAll(options.centerSettings());
    return s;
  }

  /**
   * Watches the drain until every delivery is terminal, the center dies, or time runs out. Every
   * second it prints what the center stored (its committed offsets) and the outcomes it reported
   * (its metrics): both cost the database nothing. The database itself is counted every {@value
   * #DB_COUNT_EVERY} seconds, and every second once the center reports all outcomes, because a
   * count of the deliveries by status reads the whole status index (some 80 ms of a core at 400,000
   * deliveries), which would take from the center the machine it is measured on.
   */
  private Map<String, Object> watch(
      CenterProcess center,
      Connection db,
      Admin admin,
      int count,
      long warmDeliveries,
      ThrowingRunnable warmed)
      throws SQLException, InterruptedException {
    long expected = 2L * count;
    boolean warm = warmDeliveries == 0;
    long started = System.nanoTime();
    long deadline = started + TimeUnit.SECONDS.toNanos(options.drainTimeoutSeconds());
    long lastChange = started;
    long lastReported = 0;
    long lastStored = 0;
    long queryNanos = 0;
    int queries = 0;
    long dbSent = 0;
    String dbText = "";
    String ending;
    for (int second = 1; ; second++) {
      Thread.sleep(1000);
      if (!center.isAlive()) {
        throw new IllegalStateException(
            "the message center died during the drain:\n" + center.tail(40));
      }
      long stored = storedRecords(admin);
      Map<String, Double> metrics = center.metrics();
      long reported =
          Math.round(
              CenterProcess.sum(metrics, "msgcenter_delivery_outcome_total", "outcome=\"SENT\""));
      if (!warm && reported >= warmDeliveries) {
        warm = true;
        warmed.run();
        System.out.println("  drain: warm-up done; measuring from here");
      }
      boolean countNow = second % DB_COUNT_EVERY == 0 || reported >= expected;
      Map<String, Long> byStatus = null;
      if (countNow) {
        long q = System.nanoTime();
        byStatus = deliveriesByStatus(db);
        queryNanos += System.nanoTime() - q;
        queries++;
        dbSent = byStatus.getOrDefault("SENT", 0L);
        StringBuilder text = new StringBuilder("  database: SENT " + Progress.grouped(dbSent));
        byStatus.forEach(
            (status, n) -> {
              if (!status.equals("SENT")) {
                text.append(", ").append(status).append(' ').append(Progress.grouped(n));
              }
            });
        dbText = text.toString();
      }
      System.out.printf(
          "  drain: %3ds  stored %s/%s  outcomes SENT %s/%s (+%s/s)%s%n",
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started),
          Progress.grouped(stored),
          Progress.grouped(count),
          Progress.grouped(reported),
          Progress.grouped(expected),
          Progress.grouped(reported - lastReported),
          countNow ? dbText : "");
      if (reported != lastReported || stored != lastStored) {
        lastChange = System.nanoTime();
      }
      lastReported = reported;
      lastStored = stored;
      if (byStatus != null) {
        long total = byStatus.values().stream().mapToLong(Long::longValue).sum();
        long open = 0;
        for (String s : List.of("PENDING", "SENDING", "RETRYING", "SCHEDULED")) {
          open += byStatus.getOrDefault(s, 0L);
        }
        if (dbSent == expected) {
          ending = "complete";
          break;
        }
        if (stored >= count && total == expected && open == 0) {
          ending = "ended with " + Progress.grouped(total - dbSent) + " deliveries not SENT";
          break;
        }
      }
      if (System.nanoTime() - lastChange > STALL_LIMIT.toNanos()) {
        ending = "stalled: nothing changed for " + STALL_LIMIT.toSeconds() + " s";
        break;
      }
      if (System.nanoTime() > deadline) {
        ending = "timed out after " + options.drainTimeoutSeconds() + " s";
        break;
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("ending", ending);
    out.put("databaseCountQueries", queries);
    out.put("databaseCountMillisAverage", queries == 0 ? 0 : queryNanos / 1e6 / queries);
    return out;
  }

  static Map<String, Long> deliveriesByStatus(Connection db) throws SQLException {
    Map<String, Long> out = new TreeMap<>();
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery("SELECT status, COUNT(*) FROM delivery GROUP BY status")) {
      while (r.next()) {
        out.put(r.getString(1), r.getLong(2));
      }
    }
    return out;
  }

  /** Deliveries by status among those whose id is at least {@code since}: a primary-key range. */
  static Map<String, Long> deliveriesByStatus(Connection db, byte[] since) throws SQLException {
    Map<String, Long> out = new TreeMap<>();
    try (java.sql.PreparedStatement p =
        db.prepareStatement(
            "SELECT status, COUNT(*) FROM delivery WHERE delivery_id >= ? GROUP BY status")) {
      p.setBytes(1, since);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.put(r.getString(1), r.getLong(2));
        }
      }
    }
    return out;
  }

  /** Records of the drain's topic the center committed, that is: stored. */
  private static long storedRecords(Admin admin) throws InterruptedException {
    try {
      Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(GROUP)
              .partitionsToOffsetAndMetadata()
              .get(5, TimeUnit.SECONDS);
      long sum = 0;
      for (var e : offsets.entrySet()) {
        if (e.getKey().topic().equals(TOPIC) && e.getValue() != null) {
          sum += e.getValue().offset();
        }
      }
      return sum;
    } catch (ExecutionException | TimeoutException e) {
      return -1;
    }
  }

  /** The start of the measured part: CPU and database counters from there. */
  private final class Measured {
    final Connection connection;
    ProcStats.Snapshot cpu;
    DbStatus db;

    Measured(Connection connection) {
      this.connection = connection;
    }

    void start() throws SQLException {
      cpu = processes.snapshot();
      db = DbStatus.read(connection);
    }
  }

  /** A step of the watch that may fail as a database read does. */
  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws SQLException;
  }

  private void report(
      Map<String, Object> outcome,
      int count,
      int warmup,
      double sqlRoof,
      Map<String, Object> usage) {
    Object windowSeconds = outcome.get("windowSeconds");
    long sent = (Long) outcome.get("deliveriesSent") - 2L * warmup;
    long delivered = (Long) outcome.get("messagesDelivered") - warmup;
    boolean complete = "complete".equals(outcome.get("ending")) && delivered == count;
    double seconds = windowSeconds instanceof Double d ? d : 0;
    // Incomplete: the notifications delivered in full, per second, until the last SENT; the
    // table says so.
    double rate = seconds > 0 ? delivered / seconds : 0;
    String from =
        warmup > 0
            ? " from the end of the warm-up (the first "
                + Progress.grouped(warmup)
                + " pre-published notifications' worth, "
                + Progress.grouped(2L * warmup)
                + " deliveries SENT, drained first and not counted) to the last delivery SENT"
            : " from the first message stored to the last delivery SENT";
    double ratio = sqlRoof > 0 ? rate / sqlRoof : 0;
    String window = String.format(java.util.Locale.ROOT, "%.1f s", seconds);
    String note =
        complete
            ? Progress.grouped(count)
                + " pre-published notifications, routed to in-app + webhook; all "
                + Progress.grouped(2L * count)
                + " deliveries recorded SENT in "
                + window
                + from
            : "INCOMPLETE ("
                + outcome.get("ending")
                + "): "
                + Progress.grouped(delivered)
                + " of "
                + Progress.grouped(count)
                + " pre-published notifications delivered ("
                + Progress.grouped(sent)
                + " deliveries SENT) in "
                + window
                + from
                + "; the rate is theirs";
    results.add(
        new Results.Figure("drain", "notifications to SENT", rate, "notifications/s", note, usage));
    results.add(
        new Results.Figure(
            "drain",
            "ratio to roof",
            ratio,
            "×",
            "drain ÷ the single-connection SQL roof of this run",
            null));
    results.detail("drain", "count", count);
    results.detail("drain", "warmup", warmup);
    results.detail("drain", "ratioToRoof", ratio);
    if (outcome.get("coldWindowSeconds") instanceof Double cold && cold > 0) {
      // The whole run, warm-up and the center's first compilations included, as a cold start
      // would see it.
      double coldRate = (delivered + warmup) / cold;
      results.detail("drain", "coldRate", coldRate);
      System.out.println(
          "  drain: whole run, warm-up included: " + Progress.plain(coldRate) + " notifications/s");
    }
    System.out.println(
        "drain: "
            + Progress.plain(rate)
            + " notifications/s"
            + (complete ? "" : " (INCOMPLETE: " + outcome.get("ending") + ")"));
    System.out.println("ratio to roof: " + Progress.twoDecimals(ratio));
  }

  private void summariseRecording(Path recording) throws IOException {
    if (!Files.exists(recording)) {
      System.out.println("  drain: no recording at " + recording);
      return;
    }
    String summary = JfrSummary.summarise(recording, 25);
    Path text = runDir.resolve("center-profile.txt");
    Files.writeString(text, summary);
    System.out.println(summary);
    System.out.println(
        "  drain: profile of the center in " + text + " (recording " + recording + ")");
    results.detail("drain", "profile", text.toString());
  }
}
