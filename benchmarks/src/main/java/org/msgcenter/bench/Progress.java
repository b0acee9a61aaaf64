package org.msgcenter.bench;

import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Prints a progress line every second while a loop runs: what is done, of how many, and the rate
 * over the last second. Also the number formatting of every line the benchmarks print.
 */
final class Progress implements AutoCloseable {
  private final ScheduledExecutorService timer;
  private final long startedAt = System.nanoTime();

  private Progress(String label, long total, LongSupplier done) {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "progress-" + label);
              t.setDaemon(true);
              return t;
            });
    long[] last = {0};
    timer.scheduleAtFixedRate(
        () -> {
          long now = done.getAsLong();
          System.out.printf(
              "  %s: %3ds  %s/%s  (%s/s)%n",
              label, seconds(), grouped(now), grouped(total), grouped(now - last[0]));
          last[0] = now;
        },
        1,
        1,
        TimeUnit.SECONDS);
  }

  /** Starts printing {@code label: <s> <done>/<total> (<rate>/s)} every second. */
  static Progress every(String label, long total, LongSupplier done) {
    return new Progress(label, total, done);
  }

  private long seconds() {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedAt);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** {@code 123,456}. */
  static String grouped(double n) {
    return String.format(Locale.ROOT, "%,d", Math.round(n));
  }

  /** A headline value: a whole number without separators, so that scripts can read it. */
  static String plain(double n) {
    return Long.toString(Math.round(n));
  }

  static String twoDecimals(double n) {
    return String.format(Locale.ROOT, "%.2f", n);
  }

  /** Records per second over {@code nanos}. */
  static double rate(long records, long nanos) {
    return nanos <= 0 ? 0 : records * 1e9 / nanos;
  }
}
