package org.msgcenter.center.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.msgcenter.api.Priority;
import org.msgcenter.center.channel.Channel;

/**
 * One channel in the {@link Dispatcher}: its executor and guards, and the leased deliveries it
 * holds.
 *
 * <p>A delivery is held from its reservation ({@link #tryReserve}) until its outcome is known:
 * first waiting for a send slot, then sending. At most {@code capacity} are sending, {@code
 * reservedForHigh} of them only for HIGH; waiting ones start HIGH first, then in the order they
 * came. How many may wait follows the channel's pace: as many as it starts within {@code queueWait}
 * at the mean send time of its recent sends, and no more than {@code queueLimit}. A batch of ingest
 * or a claim larger than the free capacity is so sent from memory under its lease, instead of being
 * written PENDING and read back by the poller; a channel that slows down holds fewer, and the rest
 * waits in the database, where any instance can take it.
 */
final class ChannelLane {
  /** Weight of the newest send in the mean send time. */
  private static final double PACE_WEIGHT = 0.05;

  final Channel channel;
  final ChannelPolicy policy;
  final ExecutorService executor;
  final ChannelGuards guards;
  final Map<ChannelPolicy.Endpoint, ChannelGuards> endpoints = new LinkedHashMap<>();

  /** The jobs dispatched here whose outcome is not known yet: waiting or sending. */
  final Set<DispatchJob> running = ConcurrentHashMap.newKeySet();

  /** Deliveries leased here: reserved for a write not yet dispatched, waiting, or sending. */
  private final AtomicInteger held = new AtomicInteger();

  private final Duration startSlack;
  private final ArrayDeque<DispatchJob> waitingHigh = new ArrayDeque<>();
  private final ArrayDeque<DispatchJob> waiting = new ArrayDeque<>();
  private int sending; // guarded by this
  private volatile double meanSendMillis = Double.NaN; // written under this

  /**
   * @param startSlack how long before the end of its lease a waiting job's send must end at the
   *     latest (its timeout after the start): a later start gives the lease back instead
   */
  ChannelLane(
      Channel channel,
      ChannelPolicy policy,
      Duration startSlack,
      MeterRegistry metrics,
      Alerts alerts) {
    this.channel = channel;
    this.policy = policy;
    this.startSlack = startSlack;
    this.guards = new ChannelGuards(policy, metrics, alerts);
    for (ChannelPolicy.Endpoint e : policy.endpoints()) {
      endpoints.put(e, new ChannelGuards(policy, e, metrics, alerts));
    }
    AtomicInteger n = new AtomicInteger();
    // What the executor runs has a send slot already, so its queue never grows past the capacity.
    this.executor =
        new ThreadPoolExecutor(
            policy.threads(),
            policy.threads(),
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "channel-" + channel.name() + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** The guards of the endpoint a delivery to {@code address} goes to, or the channel's. */
  ChannelGuards guardsFor(String address) {
    if (!endpoints.isEmpty()) {
      ChannelPolicy.Endpoint e = policy.endpointFor(address);
      if (e != null) {
        return endpoints.get(e);
      }
    }
    return guards;
  }

  /**
   * The endpoint's circuit and rate limit, then the channel's rate limit (which bounds all of the
   * channel's traffic together); the channel's circuit only for deliveries of no endpoint.
   */
  private boolean admit(String address) {
    ChannelGuards g = guardsFor(address);
    if (g == guards) {
      return guards.admit();
    }
    // Look before taking: a permit taken from one limiter is lost when the other refuses, so
    // take the channel's only when the endpoint would admit, then the endpoint's.
    return g.permits() > 0 && guards.acquireRate() && g.admit();
  }

  /** Most deliveries of this priority the lane may hold: its send slots, then its wait room. */
  private int limit(Priority priority) {
    int slots =
        priority == Priority.HIGH
            ? policy.capacity()
            : policy.capacity() - policy.reservedForHigh();
    return slots + waitRoom();
  }

  /** How many leased deliveries may wait for a send slot now. */
  int waitRoom() {
    long waitMillis = policy.queueWait().toMillis();
    if (waitMillis == 0 || policy.queueLimit() == 0) {
      return 0;
    }
    double mean = meanSendMillis;
    // Before the first send ends, the pace is unknown: one capacity's worth may wait.
    long room =
        Double.isNaN(mean)
            ? policy.capacity()
            : (long) (policy.capacity() * waitMillis / Math.max(mean, 0.01));
    return (int) Math.min(policy.queueLimit(), room);
  }

  boolean tryReserve(Priority priority, String address) {
    int limit = limit(priority);
    while (true) {
      int current = held.get();
      if (current >= limit) {
        return false;
      }
      if (held.compareAndSet(current, current + 1)) {
        if (admit(address)) {
          return true;
        }
        // The circuit is open or the rate is spent: the delivery waits in the database.
        held.decrementAndGet();
        return false;
      }
    }
  }

  /** How many more of this priority the lane would take now, no more than {@code permits}. */
  int room(Priority priority, int permits) {
    return Math.max(0, Math.min(limit(priority) - held.get(), permits));
  }

  /** Ends a hold: a reservation not written after all, or a job whose outcome is known. */
  void unhold() {
    held.decrementAndGet();
  }

  /** Queues a dispatched job for a send slot. */
  synchronized void enqueue(DispatchJob job) {
    (job.priority() == Priority.HIGH ? waitingHigh : waiting).add(job);
  }

  /**
   * Takes the waiting jobs that may start now, each counted as sending: HIGH while a slot is free,
   * the others while a slot outside the HIGH share is free. A job whose send could not end {@code
   * startSlack} before its lease does goes to {@code late} instead, to be given back.
   */
  synchronized List<DispatchJob> startable(Instant now, List<DispatchJob> late) {
    List<DispatchJob> start = new ArrayList<>();
    Instant latestLeaseEnd = now.plus(policy.timeout()).plus(startSlack);
    while (true) {
      DispatchJob next;
      if (!waitingHigh.isEmpty() && sending < policy.capacity()) {
        next = waitingHigh.poll();
      } else if (!waiting.isEmpty() && sending < policy.capacity() - policy.reservedForHigh()) {
        next = waiting.poll();
      } else {
        return start;
      }
      if (next.leaseExpiry().isBefore(latestLeaseEnd)) {
        late.add(next);
      } else {
        sending++;
        start.add(next);
      }
    }
  }

  /**
   * A started job's send slot is free again; {@code took} is how long its send took, or null when
   * it was given back unsent.
   */
  synchronized void sendEnded(Duration took) {
    sending--;
    if (took != null) {
      double ms = took.toNanos() / 1e6;
      double mean = meanSendMillis;
      meanSendMillis = Double.isNaN(mean) ? ms : mean + PACE_WEIGHT * (ms - mean);
    }
  }

  /** Removes and returns every waiting job (at shutdown). */
  synchronized List<DispatchJob> takeWaiting() {
    List<DispatchJob> out = new ArrayList<>(waitingHigh);
    out.addAll(waiting);
    waitingHigh.clear();
    waiting.clear();
    return out;
  }

  int held() {
    return held.get();
  }

  synchronized int sending() {
    return sending;
  }

  synchronized int waiting() {
    return waitingHigh.size() + waiting.size();
  }
}
