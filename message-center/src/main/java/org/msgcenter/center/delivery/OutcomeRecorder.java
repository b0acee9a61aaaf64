package org.msgcenter.center.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.msgcenter.api.AttemptOutcome;
import org.msgcenter.api.DeliveryStatus;
import org.msgcenter.api.Uuid7;
import org.msgcenter.center.channel.ChannelOutcome;
import org.msgcenter.center.store.AttemptRow;
import org.msgcenter.center.store.BatchInserts;
import org.msgcenter.center.store.Database;
import org.msgcenter.center.store.DeliveryOutcome;
import org.msgcenter.center.store.HotUpdates;
import org.msgcenter.center.store.Times;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the outcomes of sends in batches: a batch closes at {@code batchSize} outcomes or after
 * {@code flushInterval}, and is one transaction: the conditional updates that end the leases (SENT,
 * RETRYING with its due time, DEAD, or PENDING for a release), one {@code delivery_attempt} row per
 * attempt, and the derived status of the messages concerned. A batch that fails is kept and written
 * again after a backoff: an outcome is never dropped. Tests drive it with {@link #runOnce()}
 * instead of the thread.
 */
public final class OutcomeRecorder implements Outcomes, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutcomeRecorder.class);
  private static final int MAX_ERROR = 1000;
  private static final int MAX_RECEIPT = 255;

  /**
   * An attempt's result, or a lease given back without one ({@code finished == null}), due again at
   * {@code releaseDue} for {@code releaseReason}.
   */
  private record Entry(
      DispatchJob job, DispatchJob.Finished finished, Instant releaseDue, String releaseReason) {}

  private final Database db;
  private final Policies policies;
  private final Clock clock;
  private final RandomGenerator random;
  private final int batchSize;
  private final Duration flushInterval;
  private final LinkedBlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
  private final List<Entry> carried = new ArrayList<>();
  private final MeterRegistry metrics;
  private final DistributionSummary batchSizes;
  private final Counter leaseLost;
  private final Counter failures;
  private volatile boolean running;
  private volatile boolean behind;
  private Thread thread;

  public OutcomeRecorder(
      Database db,
      Policies policies,
      Clock clock,
      RandomGenerator random,
      int batchSize,
      Duration flushInterval,
      MeterRegistry metrics) {
    this.db = db;
    this.policies = policies;
    this.clock = clock;
    this.random = random;
    this.batchSize = batchSize;
    this.flushInterval = flushInterval;
    this.metrics = metrics;
    this.batchSizes =
        DistributionSummary.builder("msgcenter.recorder.batch.size").register(metrics);
    this.leaseLost =
        Counter.builder("msgcenter.recorder.lease.lost")
            .description("outcomes that arrived after their lease had passed to another claim")
            .register(metrics);
    this.failures = Counter.builder("msgcenter.recorder.failures").register(metrics);
  }

  /** Queues the outcome of an attempt. */
  @Override
  public void finished(DispatchJob.Finished finished) {
    DispatchJob job = finished.job();
    String outcome = outcomeOf(finished.outcome()).name();
    metrics
        .counter(
            "msgcenter.delivery.outcome", "channel", job.delivery().channel(), "outcome", outcome)
        .increment();
    Timer.builder("msgcenter.delivery.send.latency")
        .tag("channel", job.delivery().channel())
        .register(metrics)
        .record(Duration.between(finished.startedAt(), finished.finishedAt()));
    queue.add(new Entry(job, finished, null, null));
  }

  /**
   * Queues a lease given back unsent (shutdown, open circuit): PENDING again, due at {@code due},
   * no attempt spent.
   */
  @Override
  public void released(DispatchJob job, Instant due, String reason) {
    queue.add(new Entry(job, null, due, reason));
  }

  public synchronized void start() {
    running = true;
    thread = new Thread(this::loop, "outcome-recorder");
    thread.start();
  }

  private void loop() {
    long backoffMs = 0;
    while (running || !queue.isEmpty() || hasCarried()) {
      try {
        if (backoffMs > 0) {
          Thread.sleep(backoffMs);
        }
        if (!hasCarried()) {
          Entry first = queue.poll(flushInterval.toMillis(), TimeUnit.MILLISECONDS);
          if (first == null) {
            continue;
          }
          synchronized (this) {
            carried.add(first);
          }
        }
        runOnce();
        behind = false;
        backoffMs = 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Throwable t) {
        behind = true;
        failures.increment();
        backoffMs = Math.min(5_000, Math.max(100, backoffMs * 2));
        log.warn(
            "Recording outcomes failed; keeping the batch and trying again in {} ms", backoffMs, t);
      }
    }
  }

  private synchronized boolean hasCarried() {
    return !carried.isEmpty();
  }

  /**
   * Writes one batch: the one a failed try left, else up to {@code batchSize} queued outcomes.
   *
   * @return how many outcomes were written
   */
  public synchronized int runOnce() {
    if (carried.size() < batchSize) {
      queue.drainTo(carried, batchSize - carried.size());
    }
    if (carried.isEmpty()) {
      return 0;
    }
    List<Entry> batch = List.copyOf(carried);
    write(batch);
    carried.clear();
    batchSizes.record(batch.size());
    return batch.size();
  }

  private void write(List<Entry> batch) {
    Instant now = clock.instant();
    Map<String, Map<DeliveryStatus, List<DeliveryOutcome>>> byOwner = new LinkedHashMap<>();
    List<AttemptRow> attempts = new ArrayList<>();
    Set<String> messageIds = new LinkedHashSet<>();
    Set<String> changedStatus = new LinkedHashSet<>();
    for (Entry e : batch) {
      DispatchJob job = e.job();
      messageIds.add(job.delivery().messageId());
      DeliveryOutcome row = new DeliveryOutcome();
      row.deliveryId = Uuid7.toBytes(job.delivery().deliveryId());
      DeliveryStatus to;
      if (e.finished() == null) {
        to = DeliveryStatus.PENDING;
        row.attempts = job.delivery().attempt() - 1;
        row.lastError = e.releaseReason();
        row.nextAttemptAt = Times.utc(e.releaseDue());
      } else {
        to = nextStatus(e.finished(), row);
        attempts.add(attemptRow(e.finished()));
      }
      Transitions.require(DeliveryStatus.SENDING, to);
      if (to != DeliveryStatus.PENDING && to != DeliveryStatus.RETRYING) {
        // A delivery back to PENDING or RETRYING leaves its message DISPATCHING, as it was.
        changedStatus.add(job.delivery().messageId());
      }
      byOwner
          .computeIfAbsent(job.leaseOwner(), o -> new LinkedHashMap<>())
          .computeIfAbsent(to, s -> new ArrayList<>())
          .add(row);
    }
    int lost =
        db.inTransaction(
            s -> {
              List<byte[]> messages = messageIds.stream().map(Uuid7::toBytes).toList();
              HotUpdates.lockMessages(s, messages);
              int missing = 0;
              for (var owner : byOwner.entrySet()) {
                for (var group : owner.getValue().entrySet()) {
                  int changed =
                      HotUpdates.finishSending(
                          s,
                          group.getValue(),
                          group.getKey().name(),
                          owner.getKey(),
                          Times.utc(now));
                  missing += group.getValue().size() - changed;
                }
              }
              if (!attempts.isEmpty()) {
                BatchInserts.attempts(s, attempts);
              }
              HotUpdates.deriveStatus(
                  s, changedStatus.stream().map(Uuid7::toBytes).toList(), Times.utc(now));
              return missing;
            });
    if (lost > 0) {
      leaseLost.increment(lost);
      log.warn(
          "{} of {} outcomes found their delivery no longer leased to this instance; their attempts are recorded, the status left to the new lease holder",
          lost,
          batch.size());
    }
  }

  private DeliveryStatus nextStatus(DispatchJob.Finished f, DeliveryOutcome row) {
    DispatchJob job = f.job();
    int attempt = job.delivery().attempt();
    row.attempts = attempt;
    ChannelPolicy policy = policies.get(job.delivery().channel());
    if (f.outcome() instanceof ChannelOutcome.Sent sent) {
      row.sentAt = Times.utc(f.finishedAt());
      row.providerReceipt = truncate(sent.receipt(), MAX_RECEIPT);
      return DeliveryStatus.SENT;
    }
    if (f.outcome() instanceof ChannelOutcome.PermanentFailure failure) {
      row.lastError = truncate(failure.reason(), MAX_ERROR);
      return DeliveryStatus.DEAD;
    }
    ChannelOutcome.RetryableFailure failure = (ChannelOutcome.RetryableFailure) f.outcome();
    row.lastError = truncate(failure.reason(), MAX_ERROR);
    if (attempt >= policy.maxAttempts()) {
      row.lastError =
          truncate("attempts exhausted (" + attempt + "): " + failure.reason(), MAX_ERROR);
      return DeliveryStatus.DEAD;
    }
    Duration wait = policy.backoff(attempt, random);
    if (failure.retryAfter() != null && failure.retryAfter().compareTo(wait) > 0) {
      wait =
          failure.retryAfter().compareTo(policy.maxBackoff()) > 0
              ? policy.maxBackoff()
              : failure.retryAfter();
    }
    row.nextAttemptAt = Times.utc(f.finishedAt().plus(wait));
    return DeliveryStatus.RETRYING;
  }

  private static AttemptRow attemptRow(DispatchJob.Finished f) {
    AttemptRow a = new AttemptRow();
    a.deliveryId = Uuid7.toBytes(f.job().delivery().deliveryId());
    a.round = f.job().round();
    a.attempt = f.job().delivery().attempt();
    a.startedAt = Times.utc(f.startedAt());
    a.finishedAt = Times.utc(f.finishedAt());
    a.outcome = outcomeOf(f.outcome()).name();
    a.manual = f.job().manual();
    a.instanceId = f.job().leaseOwner();
    if (f.outcome() instanceof ChannelOutcome.Sent sent) {
      a.providerReceipt = truncate(sent.receipt(), MAX_RECEIPT);
    } else {
      a.error = truncate(reason(f.outcome()), MAX_ERROR);
    }
    return a;
  }

  static AttemptOutcome outcomeOf(ChannelOutcome outcome) {
    if (outcome instanceof ChannelOutcome.Sent) {
      return AttemptOutcome.SENT;
    }
    return outcome instanceof ChannelOutcome.RetryableFailure
        ? AttemptOutcome.RETRYABLE_FAILURE
        : AttemptOutcome.PERMANENT_FAILURE;
  }

  private static String reason(ChannelOutcome outcome) {
    if (outcome instanceof ChannelOutcome.RetryableFailure r) {
      return r.reason();
    }
    return outcome instanceof ChannelOutcome.PermanentFailure p ? p.reason() : null;
  }

  private static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  /**
   * Whether the last write failed and outcomes wait in memory for the database. While it is, the
   * leases of those deliveries may run out; the poller holds back so as not to take them over.
   */
  public boolean isBehind() {
    return behind;
  }

  /** Outcomes queued or carried and not yet written. */
  public synchronized int backlog() {
    return queue.size() + carried.size();
  }

  /** Stops the thread after it has written everything queued (retrying failures meanwhile). */
  @Override
  public void close() {
    running = false;
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
