package org.msgcenter.api.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.msgcenter.api.InvalidNotificationException;
import org.msgcenter.api.Notification;
import org.msgcenter.api.NotificationCodec;
import org.msgcenter.api.outbox.OutboxStore.Row;
import org.msgcenter.api.publish.NotificationPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves committed outbox rows to Kafka. Each {@link #runOnce()} claims due rows ({@code SELECT ...
 * FOR UPDATE SKIP LOCKED}, then a lease written into {@code next_attempt_at}, committed), publishes
 * them with the given {@link NotificationPublisher}, waits for the broker's acknowledgements, and
 * marks the acknowledged rows sent. A failed publish is retried after an exponential backoff.
 *
 * <p>At-least-once: a relay that dies after the broker acknowledged but before the mark leaves the
 * row claimed; when its lease expires any relay publishes it again, with the same {@code
 * messageId}, which the message center records once. Any number of relays may share one table.
 *
 * <p>{@link #start()} runs {@code runOnce} on a thread of its own every {@code interval}, or at
 * once after {@link #wakeUp()}; the loop logs and counts every failure and goes on.
 */
public final class OutboxRelay implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
  private final OutboxStore store;
  private final NotificationPublisher publisher;
  private final String table;
  private final int batchSize;
  private final Duration interval;
  private final Duration lease;
  private final Duration backoff;
  private final Duration maxBackoff;
  private final Duration retention;
  private final Clock clock;
  private final Semaphore wake = new Semaphore(0);
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean running;
  private Thread thread;

  private OutboxRelay(Builder b) {
    this.store = new OutboxStore(b.dataSource, b.table);
    this.publisher = b.publisher;
    this.table = b.table;
    this.batchSize = b.batchSize;
    this.interval = b.interval;
    this.lease = b.lease;
    this.backoff = b.backoff;
    this.maxBackoff = b.maxBackoff;
    this.retention = b.retention;
    this.clock = b.clock;
  }

  public static Builder builder(DataSource dataSource, NotificationPublisher publisher) {
    return new Builder(dataSource, publisher);
  }

  /** Rows published and marked sent since this relay was built. */
  public long published() {
    return published.get();
  }

  /** Failed publishes and failed loop iterations since this relay was built. */
  public long failures() {
    return failures.get();
  }

  /**
   * The rows of the table not sent yet: for health checks and metrics (one query on an index).
   *
   * @throws OutboxException when the database cannot be asked
   */
  public Backlog backlog() {
    return store.backlog();
  }

  /**
   * Claims up to {@code batchSize} due rows, publishes them, marks the acknowledged ones sent and
   * schedules the others for a retry; then deletes sent rows older than the retention.
   *
   * @return how many rows were published and marked sent
   * @throws OutboxException when the database fails (rows already claimed are taken again when
   *     their lease expires)
   */
  public int runOnce() {
    Instant now = clock.instant();
    List<Row> rows = store.claim(now, batchSize, now.plus(lease));
    if (rows.isEmpty()) {
      store.purgeSentBefore(now.minus(retention));
      return 0;
    }
    Map<Row, String> failed = new ConcurrentHashMap<>();
    List<Row> sent = Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<?>> acks = new ArrayList<>();
    for (Row row : rows) {
      Notification n;
      try {
        n = NotificationCodec.decode(row.payload.getBytes(StandardCharsets.UTF_8));
      } catch (InvalidNotificationException e) {
        // Edited by hand into something invalid: it would fail the same way forever.
        log.error(
            "Outbox {}: row {} (message {}) is not a valid notification; parked: {}",
            table,
            row.id,
            row.messageId,
            e.getMessage());
        failures.incrementAndGet();
        store.reschedule(row, OutboxStore.PARKED, "parked: " + e.getMessage());
        continue;
      }
      acks.add(
          publisher
              .publish(n)
              .whenComplete(
                  (result, error) -> {
                    if (error == null) {
                      sent.add(row);
                    } else {
                      failed.put(row, String.valueOf(error.getMessage()));
                    }
                  }));
    }
    awaitAll(acks);
    List<Row> acknowledged;
    synchronized (sent) {
      acknowledged = List.copyOf(sent);
    }
    store.markSent(acknowledged, clock.instant());
    published.addAndGet(acknowledged.size());
    failed.forEach(
        (row, error) -> {
          Duration wait = backoff(row.attempt);
          log.warn(
              "Outbox {}: publish of message {} failed (attempt {}), next try in {}: {}",
              table,
              row.messageId,
              row.attempt,
              wait,
              error);
          failures.incrementAndGet();
          store.reschedule(row, now.plus(wait), error);
        });
    return acknowledged.size();
  }

  private void awaitAll(List<CompletableFuture<?>> acks) {
    try {
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
          .handle((ok, error) -> null)
          .get(lease.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Rows without an answer stay claimed; their lease expires and they are taken again.
      log.warn("Outbox {}: not every publish answered within the lease {}", table, lease);
    }
  }

  /** Exponential: {@code backoff * 2^(attempt-1)}, at most {@code maxBackoff}. */
  Duration backoff(int attempt) {
    int doublings = Math.min(Math.max(attempt - 1, 0), 30);
    Duration d = backoff.multipliedBy(1L << doublings);
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }

  /** Runs {@link #runOnce()} in a loop on a thread of its own until {@link #close()}. */
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    thread = new Thread(this::loop, "outbox-relay-" + table);
    thread.setDaemon(true);
    thread.start();
    log.info(
        "Outbox relay started on {} (batch {}, interval {}, lease {})",
        table,
        batchSize,
        interval,
        lease);
  }

  /** Asks the loop to look for rows now instead of after its interval (after a commit, say). */
  public void wakeUp() {
    wake.release();
  }

  private void loop() {
    while (running) {
      int n = 0;
      try {
        n = runOnce();
      } catch (Throwable t) {
        failures.incrementAndGet();
        log.warn("Outbox relay on {}: iteration failed, going on", table, t);
      }
      if (n < batchSize && running) {
        try {
          if (wake.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS)) {
            wake.drainPermits();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Stops the loop after its current iteration. Idempotent; does not close the publisher. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      if (!running) {
        return;
      }
      running = false;
      t = thread;
    }
    wake.release();
    try {
      t.join(lease.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("Outbox relay on {} stopped ({} published)", table, published.get());
  }

  /**
   * Builds an {@link OutboxRelay}. Every setter states its default; {@link #build()} fails fast
   * naming the bad setting.
   */
  public static final class Builder {
    private final DataSource dataSource;
    private final NotificationPublisher publisher;
    private String table = OutboxPublisher.DEFAULT_TABLE;
    private int batchSize = 100;
    private Duration interval = Duration.ofMillis(200);
    private Duration lease = Duration.ofSeconds(60);
    private Duration backoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofMinutes(5);
    private Duration retention = Duration.ofDays(7);
    private Clock clock = Clock.systemUTC();

    private Builder(DataSource dataSource, NotificationPublisher publisher) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      this.publisher = Objects.requireNonNull(publisher, "publisher");
    }

    /** Default {@value OutboxPublisher#DEFAULT_TABLE}. */
    public Builder table(String table) {
      this.table = table;
      return this;
    }

    /** Rows claimed per {@code runOnce}. Default 100. */
    public Builder batchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    /** How long the loop waits when there was nothing (more) to do. Default 200 ms. */
    public Builder interval(Duration interval) {
      this.interval = interval;
      return this;
    }

    /**
     * How long a claimed row belongs to this relay; then any relay may publish it again. Longer
     * than the publisher's delivery timeout. Default 60 s.
     */
    public Builder lease(Duration lease) {
      this.lease = lease;
      return this;
    }

    /** The wait after a first failed publish, doubled after each further one. Default 1 s. */
    public Builder backoff(Duration backoff) {
      this.backoff = backoff;
      return this;
    }

    /** The longest wait between two publishes of one row. Default 5 min. */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
      return this;
    }

    /** How long sent rows are kept (to answer "was it published?") before deletion. Default 7 d. */
    public Builder retention(Duration retention) {
      this.retention = retention;
      return this;
    }

    /** Default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first bad setting
     */
    public OutboxRelay build() {
      OutboxTable.checkName(table);
      if (batchSize < 1 || batchSize > 10_000) {
        throw new IllegalArgumentException("batchSize must be 1 to 10000 (was " + batchSize + ")");
      }
      positive("interval", interval);
      positive("lease", lease);
      positive("backoff", backoff);
      positive("maxBackoff", maxBackoff);
      positive("retention", retention);
      Objects.requireNonNull(clock, "clock");
      if (maxBackoff.compareTo(backoff) < 0) {
        throw new IllegalArgumentException(
            "maxBackoff (" + maxBackoff + ") must not be shorter than backoff (" + backoff + ")");
      }
      return new OutboxRelay(this);
    }

    private static void positive(String name, Duration d) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive (was " + d + ")");
      }
    }
  }
}
