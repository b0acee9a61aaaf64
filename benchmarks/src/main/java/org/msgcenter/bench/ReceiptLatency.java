package org.msgcenter.bench;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One latency run of the notifier scenario: sends on an open-loop schedule (item i due at {@code
 * start + i / rate}, whatever happened before), each carrying its due time; the {@link SocketLoad}
 * clients time each receipt against it. A warm-up of a fifth of the measured time is not counted.
 */
final class ReceiptLatency {
  /** Sends item {@code i}, due at {@code dueMicros}; the future fails when the send did. */
  interface Sender {
    CompletableFuture<?> send(long i, long dueMicros);
  }

  private final Results results;
  private final BenchOptions options;
  private final Processes processes;

  ReceiptLatency(Results results, BenchOptions options, Processes processes) {
    this.results = results;
    this.options = options;
    this.processes = processes;
  }

  void measure(String path, String figure, CenterFleet fleet, SocketLoad load, Sender sender)
      throws Exception {
    int rate = options.notifierRate();
    int measured = options.latencySeconds();
    int warmUp = Math.max(1, measured / 5);
    long total = (long) rate * (warmUp + measured);
    long warmUpCount = (long) rate * warmUp;
    System.out.printf(
        "  %s at %s/s: %d s warm-up, then %d s measured%n",
        path, Progress.grouped(rate), warmUp, measured);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong acked = new AtomicLong();
    long receivedBefore = load.received();
    ProcStats.Snapshot cpu = processes.snapshot();
    long maxLagNanos = 0;
    long startNanos = System.nanoTime();
    Instant startWall = Instant.now();
    long startMicros = startWall.getEpochSecond() * 1_000_000 + startWall.getNano() / 1000;
    long nextPrint = startNanos + TimeUnit.SECONDS.toNanos(1);
    for (long i = 0; i < total && failure.get() == null; i++) {
      if (i == warmUpCount) {
        // Users with two connections receive twice.
        load.record(
            (int) Math.min(Integer.MAX_VALUE - 8, (total - warmUpCount) * 2),
            startMicros + warmUpCount * 1_000_000L / rate);
      }
      long offset = i * 1_000_000_000L / rate;
      long due = startNanos + offset;
      long now = System.nanoTime();
      while (now < due) {
        LockSupport.parkNanos(due - now);
        now = System.nanoTime();
      }
      maxLagNanos = Math.max(maxLagNanos, now - due);
      sender
          .send(i, startMicros + offset / 1000)
          .whenComplete(
              (r, e) -> {
                if (e != null) {
                  failure.compareAndSet(null, e);
                } else {
                  acked.incrementAndGet();
                }
              });
      if (now >= nextPrint) {
        fleet.requireAlive("notifier " + path);
        System.out.printf(
            "  %3ds  sent %s  received by clients %s%n",
            TimeUnit.NANOSECONDS.toSeconds(now - startNanos),
            Progress.grouped(acked.get()),
            Progress.grouped(load.received() - receivedBefore));
        nextPrint += TimeUnit.SECONDS.toNanos(1);
      }
    }
    if (failure.get() != null) {
      throw new IllegalStateException("notifier " + path + ": a send failed", failure.get());
    }
    // Let the last ones arrive: until nothing came for 5 s, or --drain-timeout.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.drainTimeoutSeconds());
    long last = -1;
    while (System.nanoTime() < deadline && load.received() != last) {
      last = load.received();
      Thread.sleep(5_000);
    }
    long[] sorted = load.stopRecording();
    Map<String, Object> usage = cpu.until();
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("rate", rate);
    detail.put("sent", total);
    detail.put("senderMaxLagMillis", maxLagNanos / 1e6);
    detail.put("measuredReceipts", sorted.length);
    detail.put("measuredReceiptsOverCapacity", load.recordedCount() > sorted.length);
    detail.put("receivedAll", load.received() - receivedBefore);
    double p50 = percentile(sorted, 0.50) / 1000.0;
    double p99 = percentile(sorted, 0.99) / 1000.0;
    double p999 = percentile(sorted, 0.999) / 1000.0;
    detail.put("p50Millis", p50);
    detail.put("p99Millis", p99);
    detail.put("p999Millis", p999);
    detail.put("maxMillis", sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1000.0);
    detail.put("cpu", usage);
    results.detail("notifier", path, detail);
    String note =
        Progress.grouped(rate)
            + "/s for "
            + measured
            + " s, "
            + Progress.grouped(sorted.length)
            + " receipts measured";
    results.add(new Results.Figure("notifier", figure + " p50", p50, "ms", note, usage));
    results.add(new Results.Figure("notifier", figure + " p99", p99, "ms", note, usage));
    System.out.printf(
        "notifier: %s p50 %s ms, p99 %s ms, p99.9 %s ms at %s/s%n",
        path,
        Progress.plain(p50),
        Progress.plain(p99),
        Progress.plain(p999),
        Progress.grouped(rate));
  }

  static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
  }
}
