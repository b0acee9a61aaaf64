package org.msgcenter.center.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.msgcenter.api.Priority;
import org.msgcenter.center.channel.Channel;
import org.msgcenter.center.channel.ChannelOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends leased deliveries, each channel on its own bounded executor with its own capacity, and
 * hands every outcome to the {@link OutcomeRecorder}.
 *
 * <p>Capacity is reserved before a delivery is written SENDING ({@link #tryReserve}) and given back
 * when its outcome is known, so a channel never has more in flight than its capacity, and NORMAL
 * and LOW traffic can never take the share kept for HIGH. A delivery that finds no capacity is
 * written PENDING instead, for the poller.
 */
public final class Dispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final class Lane {
    final Channel channel;
    final ChannelPolicy policy;
    final ExecutorService executor;
    final AtomicInteger inFlight = new AtomicInteger();
    final Set<DispatchJob> running = ConcurrentHashMap.newKeySet();
    final ChannelGuards guards;
    final Map<ChannelPolicy.Endpoint, ChannelGuards> endpoints = new java.util.LinkedHashMap<>();

    Lane(Channel channel, ChannelPolicy policy, MeterRegistry metrics, Alerts alerts) {
      this.channel = channel;
      this.policy = policy;
      this.guards = new ChannelGuards(policy, metrics, alerts);
      for (ChannelPolicy.Endpoint e : policy.endpoints()) {
        endpoints.put(e, new ChannelGuards(policy, e, metrics, alerts));
      }
      AtomicInteger n = new AtomicInteger();
      // Capacity bounds what is queued, so the queue never refuses work.
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
    boolean admit(String address) {
      ChannelGuards g = guardsFor(address);
      if (g == guards) {
        return guards.admit();
      }
      // Look before taking: a permit taken from one limiter is lost when the other refuses, so
      // take the channel's only when the endpoint would admit, then the endpoint's.
      return g.permits() > 0 && guards.acquireRate() && g.admit();
    }

    boolean tryReserve(Priority priority, String address) {
      int limit =
          priority == Priority.HIGH
              ? policy.capacity()
              : policy.capacity() - policy.reservedForHigh();
      while (true) {
        int current = inFlight.get();
        if (current >= limit) {
          return false;
        }
        if (inFlight.compareAndSet(current, current + 1)) {
          if (admit(address)) {
            return true;
          }
          // The circuit is open or the rate is spent: the delivery waits in the database.
          inFlight.decrementAndGet();
          return false;
        }
      }
    }
  }

  private final Map<String, Lane> lanes = new TreeMap<>();
  private final OutcomeRecorder recorder;
  private final Clock clock;
  private volatile boolean closed;
  private volatile Runnable roomListener = () -> {};

  public Dispatcher(
      Map<String, Channel> channels,
      Map<String, ChannelPolicy> policies,
      OutcomeRecorder recorder,
      Clock clock,
      MeterRegistry metrics,
      Alerts alerts) {
    channels.forEach(
        (name, channel) -> lanes.put(name, new Lane(channel, policies.get(name), metrics, alerts)));
    this.recorder = recorder;
    this.clock = clock;
  }

  /**
   * Takes one unit of the channel's capacity for a delivery about to be written SENDING.
   *
   * @return false when the channel is full for this priority: write the delivery PENDING
   */
  public boolean tryReserve(String channel, String address, Priority priority) {
    return !closed && lane(channel).tryReserve(priority, address);
  }

  /**
   * After {@link #tryReserve} refused a delivery: how long it should wait in the database because
   * its endpoint's circuit is open or its endpoint's rate is spent, so that it leaves the poller's
   * window instead of taking it run after run; zero when the refusal was the channel's (its
   * capacity or its own limit, which the poller accounts for before it searches).
   */
  public Duration holdFor(String channel, String address) {
    Lane lane = lane(channel);
    ChannelGuards g = lane.guardsFor(address);
    if (g != lane.guards) {
      return g.holdFor();
    }
    // With endpoints configured, the poller searches a channel whose own circuit is open (its
    // endpoints may be healthy); the deliveries of no endpoint wait in the database meanwhile.
    return !lane.endpoints.isEmpty() && g.circuitOpen() ? g.openDuration() : Duration.ZERO;
  }

  /**
   * How long until a channel out of rate permits gets new ones, or null when its rate is not what
   * keeps it from taking more: the poller waiting for room looks again no later than this.
   */
  public Duration untilPermits(String channel) {
    Lane lane = lane(channel);
    return lane.guards.ratePermits() > 0 ? null : lane.guards.holdFor();
  }

  /**
   * How many more deliveries of this priority the channel would take now, without taking any: its
   * free capacity for the priority, no more than the rate limiter's permits left in this cycle, and
   * none while the circuit is open. The poller claims no more than this, so that a channel's
   * backlog waits in the database and never fills a claim that another channel could use.
   */
  public int room(String channel, Priority priority) {
    Lane lane = lane(channel);
    if (closed) {
      return 0;
    }
    int limit =
        priority == Priority.HIGH
            ? lane.policy.capacity()
            : lane.policy.capacity() - lane.policy.reservedForHigh();
    // With endpoints, the channel's circuit covers only the deliveries of no endpoint: it must not
    // keep the poller from the others.
    int permits = lane.endpoints.isEmpty() ? lane.guards.permits() : lane.guards.ratePermits();
    return Math.max(0, Math.min(limit - lane.inFlight.get(), permits));
  }

  /** Gives back a reservation whose delivery was not written after all. */
  public void cancelReservation(String channel) {
    lane(channel).inFlight.decrementAndGet();
  }

  /** Sends a delivery that holds a reservation and a lease; its outcome goes to the recorder. */
  public void dispatch(DispatchJob job) {
    Lane lane = lane(job.delivery().channel());
    lane.running.add(job);
    try {
      lane.executor.execute(() -> send(lane, job));
    } catch (RuntimeException e) {
      // The executor is shut down: give the lease back rather than lose the delivery.
      release(lane, job, clock.instant(), "released unsent (shutdown)");
    }
  }

  /**
   * Ends a reserved, leased delivery that cannot be sent at all (its template does not render): a
   * permanent failure, recorded as an attempt, without calling the channel.
   */
  public void failUnsent(DispatchJob job, String reason) {
    Lane lane = lane(job.delivery().channel());
    lane.running.add(job);
    Instant now = clock.instant();
    finish(
        lane,
        job,
        new DispatchJob.Finished(job, new ChannelOutcome.PermanentFailure(reason), now, now));
  }

  private void send(Lane lane, DispatchJob job) {
    if (closed) {
      release(lane, job, clock.instant(), "released unsent (shutdown)");
      return;
    }
    ChannelGuards guards = lane.guardsFor(job.delivery().address());
    if (!guards.tryStart()) {
      Instant due = clock.instant().plus(guards.openDuration());
      release(lane, job, due, "circuit open: " + guards.name() + " is failing");
      return;
    }
    Instant started = clock.instant();
    CompletableFuture<ChannelOutcome> outcome;
    try {
      outcome = lane.channel.send(job.delivery()).toCompletableFuture();
    } catch (RuntimeException e) {
      outcome = CompletableFuture.failedFuture(e);
    }
    outcome
        .orTimeout(lane.policy.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (result, error) -> {
              ChannelOutcome o = result;
              if (error != null) {
                Throwable cause =
                    error instanceof java.util.concurrent.CompletionException
                            && error.getCause() != null
                        ? error.getCause()
                        : error;
                o =
                    new ChannelOutcome.RetryableFailure(
                        cause instanceof TimeoutException
                            ? "no answer within " + lane.policy.timeout().toMillis() + " ms"
                            : cause.getClass().getSimpleName() + ": " + cause.getMessage());
              }
              Instant finished = clock.instant();
              guards.finished(o, Duration.between(started, finished));
              finish(lane, job, new DispatchJob.Finished(job, o, started, finished));
            });
  }

  private void finish(Lane lane, DispatchJob job, DispatchJob.Finished finished) {
    if (lane.running.remove(job)) {
      lane.inFlight.decrementAndGet();
      recorder.finished(finished);
      roomListener.run();
    }
  }

  private void release(Lane lane, DispatchJob job, Instant due, String reason) {
    if (lane.running.remove(job)) {
      lane.inFlight.decrementAndGet();
      recorder.released(job, due, reason);
      roomListener.run();
    }
  }

  private Lane lane(String channel) {
    Lane lane = lanes.get(channel);
    if (lane == null) {
      throw new IllegalArgumentException("no channel " + channel);
    }
    return lane;
  }

  /** Called each time a send ends and frees a unit of capacity (the poller waits for these). */
  public void onRoomFreed(Runnable listener) {
    this.roomListener = listener;
  }

  /** Applies changed rate limits (dynamic configuration). */
  public void updatePolicies(Policies policies) {
    lanes.forEach((name, lane) -> lane.guards.updateRate(policies.get(name).ratePerSecond()));
  }

  /** Deliveries in flight on {@code channel}. */
  public int inFlight(String channel) {
    return lane(channel).inFlight.get();
  }

  public Set<String> channels() {
    return lanes.keySet();
  }

  /**
   * Stops taking work, lets sends in flight finish within {@code grace}, and gives the leases of
   * the rest back (PENDING, due now, no attempt spent). Idempotent.
   */
  public void close(Duration grace) {
    if (closed) {
      return;
    }
    closed = true;
    long deadline = System.nanoTime() + grace.toNanos();
    for (Lane lane : lanes.values()) {
      lane.executor.shutdown();
    }
    for (Lane lane : lanes.values()) {
      while (!lane.running.isEmpty() && System.nanoTime() < deadline) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    int released = 0;
    for (Lane lane : lanes.values()) {
      lane.executor.shutdownNow();
      for (DispatchJob job : new ArrayList<>(lane.running)) {
        release(lane, job, clock.instant(), "released unsent (shutdown)");
        released++;
      }
      try {
        lane.channel.close();
      } catch (Exception e) {
        log.warn("Closing channel {} failed", lane.channel.name(), e);
      }
    }
    if (released > 0) {
      log.info(
          "Released {} deliveries still in flight after the {} grace period; they are PENDING again",
          released,
          grace);
    }
  }

  @Override
  public void close() {
    close(Duration.ZERO);
  }

  /** For shutdown order checks and health: whether every channel is idle. */
  public boolean idle() {
    return lanes.values().stream().allMatch(l -> l.running.isEmpty());
  }
}
