package org.msgcenter.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.msgcenter.api.publish.NotificationPublisher;
import org.msgcenter.api.publish.PublisherConfig;

/**
 * The latency: from publish to recorded SENT, at fixed rates. One message center runs (its own
 * process) with the drain's routes: in-app (a Kafka produce) and webhook (a POST to {@link
 * HttpSink}, answered at once). For each rate, one publisher sends on an open-loop schedule:
 * notification i is due at {@code start + i / rate} and carries that due time in its {@code data}
 * ({@value #PUBLISHED_AT}, microseconds since the epoch), so a publisher or a center that falls
 * behind adds to the latency instead of slowing the load. Before the first rate the center drains
 * {@code --warmup} notifications published as fast as they go, so that the JIT has compiled what it
 * runs; then, at each rate, a warm-up of a fifth of the measured time comes first. Neither is
 * counted.
 *
 * <p>After the run, each measured delivery's latency is read from the database: the stamp the
 * recorder wrote with SENT ({@code delivery.updated_at}, the time of the transaction that recorded
 * it) minus the due time in its message's data; the bench and the center read the same host clock.
 * The send's own end ({@code sent_at}) is reported beside it. A delivery not SENT by the end of the
 * wait counts as slower than any other.
 */
final class LatencyScenario {
  static final String DATABASE = "msgcenter";
  static final String GROUP = "bench-latency";
  static final String PUBLISHED_AT = "publishedAtMicros";

  private static final Pattern PUBLISHED = Pattern.compile("\"" + PUBLISHED_AT + "\":(\\d+)");
  private static final Pattern WARM_UP = Pattern.compile("\"warmUp\":true");

  private final Infrastructure infra;
  private final Processes processes;
  private final Results results;
  private final BenchOptions options;

  LatencyScenario(
      Infrastructure infra, Processes processes, Results results, BenchOptions options) {
    this.infra = infra;
    this.processes = processes;
    this.results = results;
    this.options = options;
  }

  void run() throws Exception {
    infra.freshDatabase(DATABASE);
    Path dir = Files.createDirectories(options.runDir().resolve("latency"));
    double headline = Double.NaN;
    try (HttpSink sink = HttpSink.start(8);
        Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()));
        Connection db = infra.rootConnection(DATABASE)) {
      CenterFleet.startGroupAtEnd(admin, GROUP, DrainScenario.TOPIC);
      Map<String, String> settings =
          CenterFleet.settings(infra, dir, DATABASE, GROUP, "bench-latency-1");
      settings.put("route." + Payloads.BIZ_TYPE + ".channels", "in-app,webhook");
      settings.put("route." + Payloads.BIZ_TYPE + ".target.webhook", sink.url());
      results.detail("latency", "centerSettings", settings);
      try (CenterFleet fleet =
          CenterFleet.start(dir, options, List.of(settings), processes, "latency")) {
        long deliveriesBefore = warmUp(fleet);
        for (int rate : options.rates()) {
          ProcStats.Snapshot cpu = processes.snapshot();
          long published = publish(rate, fleet);
          long expected = deliveriesBefore + 2 * published;
          boolean allSent = awaitSent(fleet, expected, label(rate));
          Map<String, Object> usage = cpu.until();
          deliveriesBefore = expected;
          double p99 = measure(db, rate, usage, allSent);
          if (Double.isNaN(headline)) {
            headline = p99;
          }
        }
        results.detail("latency", "centers", fleet.stop());
        results.detail("latency", "sinkRequests", sink.requests());
      }
    }
    int first = options.rates().get(0);
    System.out.println(
        "latency: "
            + (Double.isInfinite(headline) ? "not reached" : Progress.plain(headline))
            + " ms (p99 at "
            + Progress.grouped(first)
            + "/s)");
  }

  /**
   * Publishes {@code --warmup} notifications as fast as they go and waits until the center sent
   * their deliveries; returns how many deliveries that was.
   */
  private long warmUp(CenterFleet fleet) throws InterruptedException {
    int count = options.warmup();
    results.detail("latency", "centerWarmUp", count);
    if (count == 0) {
      return 0;
    }
    System.out.printf(
        "  latency: warming the center up with %s notifications first (--warmup)%n",
        Progress.grouped(count));
    Publishing.publish(
        infra.bootstrapServers(),
        DrainScenario.TOPIC,
        "msgcenter.notifications.high",
        "bench-latency-warm-up",
        count,
        "latency warm-up",
        false);
    if (!awaitSent(fleet, 2L * count, "latency warm-up")) {
      throw new IllegalStateException(
          "the center did not send the warm-up's deliveries within --drain-timeout");
    }
    return 2L * count;
  }

  /** How the console names one rate's run. */
  private static String label(int rate) {
    return "latency " + Progress.grouped(rate) + "/s";
  }

  private static String source(int rate) {
    return "bench-latency-" + rate;
  }

  /**
   * Publishes at {@code rate} per second on an open-loop schedule for the warm-up and the measured
   * time; returns how many were published.
   */
  private long publish(int rate, CenterFleet fleet) throws InterruptedException {
    int measured = options.latencySeconds();
    int warmUp = Math.max(1, measured / 5);
    long total = (long) rate * (warmUp + measured);
    long warmUpCount = (long) rate * warmUp;
    String label = label(rate);
    System.out.printf(
        "  %s: %d s warm-up, then %d s measured (%s notifications)%n",
        label, warmUp, measured, Progress.grouped(total));
    PublisherConfig config =
        PublisherConfig.builder()
            .bootstrapServers(infra.bootstrapServers())
            .topic(DrainScenario.TOPIC)
            .highTopic("msgcenter.notifications.high")
            .clientId("bench-latency-publisher")
            .build();
    AtomicLong acked = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long maxLagNanos = 0;
    String source = source(rate);
    try (NotificationPublisher publisher = NotificationPublisher.kafka(config)) {
      // One not counted: the client's first metadata fetch is not part of the schedule.
      publisher.publish(Payloads.notification(0, "bench-latency-warm", Map.of())).join();
      long startNanos = System.nanoTime();
      Instant startWall = Instant.now();
      long startMicros = startWall.getEpochSecond() * 1_000_000 + startWall.getNano() / 1000;
      long nextPrint = startNanos + TimeUnit.SECONDS.toNanos(1);
      long printedAcked = 0;
      for (long i = 0; i < total && failure.get() == null; i++) {
        long offset = i * 1_000_000_000L / rate;
        long due = startNanos + offset;
        long now = System.nanoTime();
        while (now < due) {
          LockSupport.parkNanos(due - now);
          now = System.nanoTime();
        }
        maxLagNanos = Math.max(maxLagNanos, now - due);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put(PUBLISHED_AT, startMicros + offset / 1000);
        if (i < warmUpCount) {
          extra.put("warmUp", true);
        }
        publisher
            .publish(Payloads.notification(i, source, extra))
            .whenComplete(
                (r, e) -> {
                  if (e != null) {
                    failure.compareAndSet(null, e);
                  } else {
                    acked.incrementAndGet();
                  }
                });
        if (now >= nextPrint) {
          fleet.requireAlive(label);
          long a = acked.get();
          System.out.printf(
              "  %s: %3ds  published %s/%s (+%s/s)  outcomes SENT %s  behind schedule %d ms%n",
              label,
              TimeUnit.NANOSECONDS.toSeconds(now - startNanos),
              Progress.grouped(a),
              Progress.grouped(total),
              Progress.grouped(a - printedAcked),
              Progress.grouped(fleet.sum("msgcenter_delivery_outcome_total", "outcome=\"SENT\"")),
              TimeUnit.NANOSECONDS.toMillis(now - due));
          printedAcked = a;
          nextPrint += TimeUnit.SECONDS.toNanos(1);
        }
      }
    }
    if (failure.get() != null) {
      throw new IllegalStateException(label + ": a publish failed", failure.get());
    }
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("warmUpSeconds", warmUp);
    detail.put("measuredSeconds", measured);
    detail.put("published", total);
    detail.put("publisherMaxLagMillis", maxLagNanos / 1e6);
    results.detail("latency", "publish" + rate, detail);
    return total;
  }

  /** Waits until the center reports {@code expected} deliveries SENT in all, or the timeout. */
  private boolean awaitSent(CenterFleet fleet, long expected, String label)
      throws InterruptedException {
    long started = System.nanoTime();
    long deadline = started + TimeUnit.SECONDS.toNanos(options.drainTimeoutSeconds());
    while (true) {
      fleet.requireAlive("latency");
      double sent = fleet.sum("msgcenter_delivery_outcome_total", "outcome=\"SENT\"");
      if (sent >= expected) {
        // The outcome is counted when the send ends; the recorder writes it a moment later.
        Thread.sleep(1000);
        return true;
      }
      if (System.nanoTime() > deadline) {
        System.out.printf(
            "  %s: %s of %s deliveries SENT after %d s; the rest count as too slow%n",
            label,
            Progress.grouped(sent),
            Progress.grouped(expected),
            options.drainTimeoutSeconds());
        return false;
      }
      System.out.printf(
          "  %s: waiting: outcomes SENT %s/%s%n",
          label, Progress.grouped(sent), Progress.grouped(expected));
      Thread.sleep(1000);
    }
  }

  /** Reads the measured deliveries of one rate and reports their percentiles; returns the p99. */
  private double measure(Connection db, int rate, Map<String, Object> usage, boolean allSent)
      throws SQLException {
    List<Long> recorded = new ArrayList<>();
    List<Long> sent = new ArrayList<>();
    long notSent = 0;
    try (PreparedStatement s =
        db.prepareStatement(
            "SELECT d.status, d.updated_at, d.sent_at, m.data FROM message m"
                + " JOIN delivery d ON d.message_id = m.message_id WHERE m.source = ?")) {
      s.setString(1, source(rate));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          String data = r.getString(4);
          if (data == null || WARM_UP.matcher(data).find()) {
            continue;
          }
          Matcher m = PUBLISHED.matcher(data);
          if (!m.find()) {
            continue;
          }
          long publishedMicros = Long.parseLong(m.group(1));
          if (!"SENT".equals(r.getString(1))) {
            notSent++;
            continue;
          }
          recorded.add(micros(r.getObject(2, LocalDateTime.class)) - publishedMicros);
          sent.add(micros(r.getObject(3, LocalDateTime.class)) - publishedMicros);
        }
      }
    }
    long published = 2L * rate * options.latencySeconds();
    long found = recorded.size() + notSent;
    // Deliveries not even stored yet are as late as those stored and not SENT.
    notSent += Math.max(0, published - found);
    double[] rec = percentiles(recorded, notSent);
    double[] snt = percentiles(sent, notSent);
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("deliveriesMeasured", recorded.size() + notSent);
    detail.put("deliveriesNotSent", notSent);
    detail.put("allSentBeforeTimeout", allSent);
    detail.put("recordedSentMillis", describe(rec));
    detail.put("sendEndedMillis", describe(snt));
    detail.put("cpu", usage);
    results.detail("latency", "rate" + rate, detail);
    String[] names = {"p50", "p99", "p999"};
    for (int i = 0; i < names.length; i++) {
      results.add(
          new Results.Figure(
              "latency",
              names[i] + " at " + Progress.grouped(rate) + "/s",
              rec[i],
              "ms",
              "publish (open-loop schedule) to SENT recorded in the database, over "
                  + Progress.grouped(recorded.size() + notSent)
                  + " in-app + webhook deliveries of "
                  + options.latencySeconds()
                  + " s after a warm-up; the send itself ended at "
                  + format(snt[i])
                  + " ms"
                  + (notSent > 0 ? "; " + Progress.grouped(notSent) + " not SENT in time" : ""),
              i == 0 ? usage : null));
    }
    System.out.printf(
        "latency.%d: p50 %s ms, p99 %s ms, p999 %s ms (recorded SENT; %s deliveries%s)%n",
        rate,
        format(rec[0]),
        format(rec[1]),
        format(rec[2]),
        Progress.grouped(recorded.size() + notSent),
        notSent > 0 ? ", " + Progress.grouped(notSent) + " not SENT" : "");
    return rec[1];
  }

  private static long micros(LocalDateTime t) {
    Instant i = t.toInstant(ZoneOffset.UTC);
    return ChronoUnit.MICROS.between(Instant.EPOCH, i);
  }

  /** p50, p99 and p999 in milliseconds (nearest rank); infinite where the slowest were unsent. */
  private static double[] percentiles(List<Long> micros, long missing) {
    long[] sorted = micros.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    long n = sorted.length + missing;
    double[] out = new double[3];
    double[] qs = {0.50, 0.99, 0.999};
    for (int i = 0; i < qs.length; i++) {
      long rank = (long) Math.ceil(qs[i] * n) - 1;
      out[i] =
          n == 0 || rank >= sorted.length
              ? Double.POSITIVE_INFINITY
              : sorted[(int) Math.max(0, rank)] / 1000.0;
    }
    return out;
  }

  private static Map<String, Object> describe(double[] p) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("p50", format(p[0]));
    out.put("p99", format(p[1]));
    out.put("p999", format(p[2]));
    return out;
  }

  private static String format(double ms) {
    return Double.isInfinite(ms) ? "∞" : String.format(Locale.ROOT, "%.1f", ms);
  }
}
