package org.msgcenter.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The poller: how fast due deliveries are claimed, that is moved from PENDING to SENDING under a
 * lease by a claim transaction (the send itself is not counted). N PENDING in-app deliveries and
 * their messages are written straight into the center's schema ({@link DueSeeder}); then, for each
 * measurement, they are made due at once and claimed:
 *
 * <ol>
 *   <li>by the bare SKIP LOCKED loop ({@link ClaimLoop}) on 1, then 2 connections: the roof;
 *   <li>by the message center's own {@code RetryPoller}, with 1, then 2 center processes, whose
 *       in-app channel (a Kafka produce) has room for {@value #CAPACITY} deliveries in flight, so
 *       the claims rarely wait for sends.
 * </ol>
 *
 * The centers' window is read from their own counter of committed claims ({@code
 * msgcenter_poller_claimed_total}), sampled every {@value #SAMPLE_MILLIS} ms: from the first claim
 * to the last. The database is then checked: every delivery SENT, one attempt each.
 */
final class PollerScenario {
  static final String DATABASE = "msgcenter";

  /** The in-app channel's capacity in the centers of this scenario. */
  static final int CAPACITY = 5000;

  private static final long SAMPLE_MILLIS = 50;
  private static final Duration STALL_LIMIT = Duration.ofSeconds(60);
  private static final Duration SENT_WAIT = Duration.ofSeconds(120);

  private final Infrastructure infra;
  private final Processes processes;
  private final Results results;
  private final BenchOptions options;

  PollerScenario(Infrastructure infra, Processes processes, Results results, BenchOptions options) {
    this.infra = infra;
    this.processes = processes;
    this.results = results;
    this.options = options;
  }

  void run() throws Exception {
    int count = options.count();
    int batch = options.claimBatch();
    DueSeeder seeder = new DueSeeder(infra, DATABASE);
    seeder.createSchema();
    results.detail("poller", "count", count);
    results.detail("poller", "claimBatch", batch);
    double headline = 0;
    try (Connection root = infra.rootConnection(DATABASE)) {
      for (int k = 1; k <= 2; k++) {
        bare(seeder, root, k, count, batch);
      }
      for (int n = 1; n <= 2; n++) {
        double rate = centers(seeder, root, n, count, batch);
        if (n == 1) {
          headline = rate;
        }
      }
    } finally {
      infra.dropDatabase(DATABASE);
    }
    System.out.println("poller: " + Progress.plain(headline) + " claims/s");
  }

  @SuppressWarnings("try") // the progress printer runs beside the loop
  private void bare(DueSeeder seeder, Connection root, int connections, int count, int batch)
      throws Exception {
    String label = "poller bare x" + connections;
    seeder.seed(count, "poller seed");
    seeder.makeDue(Instant.now().minusSeconds(1));
    DbStatus before = DbStatus.read(root);
    ProcStats.Snapshot cpu = processes.snapshot();
    AtomicLong claimed = new AtomicLong();
    long nanos;
    try (Progress progress = Progress.every(label, count, claimed::get)) {
      nanos = new ClaimLoop(seeder, batch).run(connections, claimed);
    }
    Map<String, Object> usage = cpu.until();
    long leased;
    try (Statement s = root.createStatement()) {
      leased = SqlRoof.single(s, "SELECT COUNT(*) FROM delivery WHERE status = 'SENDING'");
    }
    if (leased != count) {
      throw new IllegalStateException(
          label + ": " + leased + " of " + count + " deliveries leased at the end");
    }
    double rate = Progress.rate(count, nanos);
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("seconds", nanos / 1e9);
    detail.put("cpu", usage);
    detail.put("databaseCounters", before.delta(DbStatus.read(root), count, "claim"));
    results.detail("poller", "bare" + connections, detail);
    results.add(
        new Results.Figure(
            "poller",
            "bare claim loop, " + connections + " connection" + (connections == 1 ? "" : "s"),
            rate,
            "claims/s",
            Progress.grouped(count)
                + " due deliveries claimed by transactions of SELECT … FOR UPDATE SKIP LOCKED"
                + " of "
                + batch
                + " + one UPDATE to SENDING, commit; "
                + connections
                + " connection"
                + (connections == 1 ? "" : "s")
                + "; no project code",
            usage));
    System.out.println(
        "poller.bare" + connections + ": " + Progress.plain(rate) + " claims/s (bare loop)");
  }

  private double centers(DueSeeder seeder, Connection root, int instances, int count, int batch)
      throws Exception {
    String label = "poller x" + instances;
    seeder.seed(count, "poller seed");
    Path dir = Files.createDirectories(options.runDir().resolve("poller-" + instances));
    List<Map<String, String>> settings = new ArrayList<>();
    for (int i = 1; i <= instances; i++) {
      Map<String, String> s =
          CenterFleet.settings(
              infra, dir, DATABASE, "bench-poller-" + instances, "bench-poller-" + i);
      s.put("dubbo.enabled", "false");
      s.put("channel.in-app.capacity", Integer.toString(CAPACITY));
      s.put("poller.batchSize", Integer.toString(batch));
      settings.add(s);
    }
    Map<String, Object> detail = new LinkedHashMap<>();
    Map<String, Object> usage;
    Window window;
    try (CenterFleet fleet = CenterFleet.start(dir, options, settings, processes, label)) {
      detail.put("centerSettings", settings.get(0));
      DbStatus before = DbStatus.read(root);
      ProcStats.Snapshot cpu = processes.snapshot();
      int due = seeder.makeDue(Instant.now().minusSeconds(1));
      System.out.printf("  %s: %s deliveries due now%n", label, Progress.grouped(due));
      window = watch(fleet, label, count);
      usage = cpu.until();
      detail.put("cpu", usage);
      detail.put("databaseCounters", before.delta(DbStatus.read(root), count, "claim"));
      detail.put(
          "claimedByInstance",
          fleet.each("msgcenter_poller_claimed_total").stream().map(Math::round).toList());
      detail.put("pollerFailures", fleet.sum("msgcenter_poller_failures_total"));
      awaitSent(fleet, root, count, label);
      detail.put("database", verify(root));
      detail.put("centers", fleet.stop());
    }
    detail.put("window", window.describe());
    results.detail("poller", "instances" + instances, detail);
    double rate = window.rate();
    String name = "message center, " + instances + " instance" + (instances == 1 ? "" : "s");
    String note =
        (window.complete() ? "" : "INCOMPLETE (" + window.ending + "): ")
            + Progress.grouped(window.claimed)
            + " of "
            + Progress.grouped(count)
            + " due in-app deliveries claimed by the center's RetryPoller (poller.batchSize="
            + batch
            + ", in-app capacity "
            + CAPACITY
            + "), "
            + instances
            + " process"
            + (instances == 1 ? "" : "es")
            + " on this host; from the first claim to the last, by the centers' claim counter"
            + " sampled every "
            + SAMPLE_MILLIS
            + " ms";
    results.add(new Results.Figure("poller", name, rate, "claims/s", note, usage));
    if (instances > 1) {
      System.out.println(
          "poller.instances" + instances + ": " + Progress.plain(rate) + " claims/s");
    }
    return rate;
  }

  /** The claim counter over time: where the first and the last claim fell. */
  private static final class Window {
    long lastZero;
    long firstClaim = -1;
    long lastBelow;
    long allClaimed = -1;
    long lastSample;
    long claimed;
    String ending = "";

    boolean complete() {
      return allClaimed >= 0;
    }

    /** From the first claim to the last, each placed midway between the samples around it. */
    double seconds() {
      if (firstClaim < 0) {
        return 0;
      }
      long start = (lastZero + firstClaim) / 2;
      long end = complete() ? (lastBelow + allClaimed) / 2 : lastSample;
      return (end - start) / 1e9;
    }

    double rate() {
      double s = seconds();
      return s > 0 ? claimed / s : 0;
    }

    Map<String, Object> describe() {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("ending", ending);
      out.put("claimed", claimed);
      out.put("seconds", seconds());
      out.put("sampleMillis", SAMPLE_MILLIS);
      return out;
    }
  }

  private Window watch(CenterFleet fleet, String label, int count) throws InterruptedException {
    Window w = new Window();
    long started = System.nanoTime();
    long deadline = started + TimeUnit.SECONDS.toNanos(options.drainTimeoutSeconds());
    w.lastZero = started;
    long lastChange = started;
    long nextPrint = started + TimeUnit.SECONDS.toNanos(1);
    long printed = 0;
    while (true) {
      Thread.sleep(SAMPLE_MILLIS);
      fleet.requireAlive(label);
      List<Double> each = fleet.each("msgcenter_poller_claimed_total");
      long now = System.nanoTime();
      long total = Math.round(each.stream().mapToDouble(Double::doubleValue).sum());
      w.lastSample = now;
      if (total != w.claimed) {
        lastChange = now;
      }
      w.claimed = total;
      if (total == 0) {
        w.lastZero = now;
      } else if (w.firstClaim < 0) {
        w.firstClaim = now;
      }
      if (total < count) {
        w.lastBelow = now;
      }
      if (now >= nextPrint) {
        System.out.printf(
            "  %s: %3ds  claimed %s/%s  (+%s/s)%s%n",
            label,
            TimeUnit.NANOSECONDS.toSeconds(now - started),
            Progress.grouped(total),
            Progress.grouped(count),
            Progress.grouped(total - printed),
            each.size() > 1
                ? "  by instance "
                    + String.join(" / ", each.stream().map(Progress::grouped).toList())
                : "");
        printed = total;
        nextPrint += TimeUnit.SECONDS.toNanos(1);
      }
      if (total >= count) {
        w.allClaimed = now;
        w.ending = "complete";
        return w;
      }
      if (now - lastChange > STALL_LIMIT.toNanos()) {
        w.ending = "stalled: no claim for " + STALL_LIMIT.toSeconds() + " s";
        return w;
      }
      if (now > deadline) {
        w.ending = "timed out after " + options.drainTimeoutSeconds() + " s";
        return w;
      }
    }
  }

  /** Waits until the database holds every delivery SENT, for the check that follows. */
  private static void awaitSent(CenterFleet fleet, Connection root, int count, String label)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + SENT_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      fleet.requireAlive(label);
      try (Statement s = root.createStatement()) {
        if (SqlRoof.single(s, "SELECT COUNT(*) FROM delivery WHERE status = 'SENT'") >= count) {
          return;
        }
      }
      Thread.sleep(500);
    }
    System.out.printf(
        "  %s: not every delivery SENT after %d s; see the counts%n", label, SENT_WAIT.toSeconds());
  }

  /** Deliveries by status, attempts (one per delivery when nothing was claimed twice). */
  private static Map<String, Object> verify(Connection root) throws SQLException {
    Map<String, Object> out = new LinkedHashMap<>();
    try (Statement s = root.createStatement()) {
      Map<String, Long> byStatus = new TreeMap<>();
      try (ResultSet r = s.executeQuery("SELECT status, COUNT(*) FROM delivery GROUP BY status")) {
        while (r.next()) {
          byStatus.put(r.getString(1), r.getLong(2));
        }
      }
      out.put("deliveriesByStatus", byStatus);
      out.put("attempts", SqlRoof.single(s, "SELECT COUNT(*) FROM delivery_attempt"));
      out.put(
          "deliveriesAttemptedTwice",
          SqlRoof.single(
              s,
              "SELECT COUNT(*) FROM (SELECT delivery_id FROM delivery_attempt"
                  + " GROUP BY delivery_id HAVING COUNT(*) > 1) twice"));
      try (ResultSet r =
          s.executeQuery("SELECT MIN(started_at), MAX(started_at) FROM delivery_attempt")) {
        r.next();
        Timestamp first = r.getTimestamp(1);
        Timestamp last = r.getTimestamp(2);
        if (first != null && last != null) {
          // Sends start after their claim, once the channel's executor takes them: a cross-check
          // of the claim window, a little later and longer than it.
          out.put(
              "sendsStartedWindowSeconds",
              String.format(Locale.ROOT, "%.3f", (last.getTime() - first.getTime()) / 1000.0));
        }
      }
    }
    System.out.println("    database: " + out);
    return out;
  }
}
