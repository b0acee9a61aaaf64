package org.msgcenter.center.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.msgcenter.api.Priority;
import org.msgcenter.center.channel.Channel;
import org.msgcenter.center.channel.ChannelOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends leased deliveries, each channel on its own bounded executor with its own capacity, and
 * hands every outcome to the {@link Outcomes} (the recorder).
 *
 * <p>A channel's room is reserved before a delivery is written SENDING ({@link #tryReserve}) and
 * given back when its outcome is known. A channel never has more sends in flight than its capacity,
 * NORMAL and LOW traffic never take the share kept for HIGH, and the leased deliveries beyond the
 * free capacity wait in memory for a slot, as many as the channel starts within its {@code
 * queueWait} ({@link ChannelLane}). A delivery that finds no room is written PENDING instead, for
 * the poller.
 */
public final class Dispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final Map<String, ChannelLane> lanes = new TreeMap<>();
  private final Outcomes recorder;
  private final Clock clock;
  private volatile boolean closed;
  private volatile Runnable roomListener = () -> {};

  /**
   * @param leaseMargin what a lease gives beyond the channel's timeout: a delivery waiting for a
   *     send slot starts only while its send would end half of it before its lease does
   */
  public Dispatcher(
      Map<String, Channel> channels,
      Map<String, ChannelPolicy> policies,
      Outcomes recorder,
      Duration leaseMargin,
      Clock clock,
      MeterRegistry metrics,
      Alerts alerts) {
    Duration startSlack = leaseMargin.dividedBy(2);
    channels.forEach(
        (name, channel) ->
            lanes.put(
                name, new ChannelLane(channel, policies.get(name), startSlack, metrics, alerts)));
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
    ChannelLane lane = lane(channel);
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
    ChannelLane lane = lane(channel);
    return lane.guards.ratePermits() > 0 ? null : lane.guards.holdFor();
  }

  /**
   * How many more deliveries of this priority the channel would take now, without taking any: its
   * free capacity and wait room for the priority, no more than the rate limiter's permits left in
   * this cycle, and none while the circuit is open. The poller claims no more than this, so that a
   * channel's backlog waits in the database and never fills a claim that another channel could use.
   */
  public int room(String channel, Priority priority) {
    ChannelLane lane = lane(channel);
    if (closed) {
      return 0;
    }
    // With endpoints, the channel's circuit covers only the deliveries of no endpoint: it must not
    // keep the poller from the others.
    int permits = lane.endpoints.isEmpty() ? lane.guards.permits() : lane.guards.ratePermits();
    return lane.room(priority, permits);
  }

  /** Gives back a reservation whose delivery was not written after all. */
  public void cancelReservation(String channel) {
    lane(channel).unhold();
  }

  /**
   * Sends a delivery that holds a reservation and a lease, now or when a send slot frees; its
   * outcome goes to the recorder.
   */
  public void dispatch(DispatchJob job) {
    ChannelLane lane = lane(job.delivery().channel());
    lane.running.add(job);
    lane.enqueue(job);
    startWaiting(lane);
  }

  /** Starts the lane's waiting jobs that have a send slot; gives back those too late to start. */
  private void startWaiting(ChannelLane lane) {
    if (closed) {
      return; // close() gives the waiting jobs back
    }
    List<DispatchJob> late = new ArrayList<>(0);
    Instant now = clock.instant();
    for (DispatchJob job : lane.startable(now, late)) {
      try {
        lane.executor.execute(() -> send(lane, job));
      } catch (RuntimeException e) {
        // The executor is shut down: give the lease back rather than lose the delivery.
        lane.sendEnded(null);
        release(lane, job, clock.instant(), "released unsent (shutdown)");
      }
    }
    for (DispatchJob job : late) {
      release(lane, job, now, "released unsent: waited for a send slot until near its lease's end");
    }
  }

  /**
   * Ends a reserved, leased delivery that cannot be sent at all (its template does not render): a
   * permanent failure, recorded as an attempt, without calling the channel.
   */
  public void failUnsent(DispatchJob job, String reason) {
    ChannelLane lane = lane(job.delivery().channel());
    lane.running.add(job);
    Instant now = clock.instant();
    finish(
        lane,
        job,
        new DispatchJob.Finished(job, new ChannelOutcome.PermanentFailure(reason), now, now));
  }

  private void send(ChannelLane lane, DispatchJob job) {
    if (closed) {
      lane.sendEnded(null);
      release(lane, job, clock.instant(), "released unsent (shutdown)");
      return;
    }
    ChannelGuards guards = lane.guardsFor(job.delivery().address());
    if (!guards.tryStart()) {
      Instant due = clock.instant().plus(guards.openDuration());
      lane.sendEnded(null);
      release(lane, job, due, "circuit open: " + guards.name() + " is failing");
      startWaiting(lane);
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
              Duration took = Duration.between(started, finished);
              guards.finished(o, took);
              lane.sendEnded(took);
              finish(lane, job, new DispatchJob.Finished(job, o, started, finished));
              startWaiting(lane);
            });
  }

  private void finish(ChannelLane lane, DispatchJob job, DispatchJob.Finished finished) {
    if (lane.running.remove(job)) {
      lane.unhold();
      recorder.finished(finished);
      roomListener.run();
    }
  }

  private void release(ChannelLane lane, DispatchJob job, Instant due, String reason) {
    if (lane.running.remove(job)) {
      lane.unhold();
      recorder.released(job, due, reason);
      roomListener.run();
    }
  }

  private ChannelLane lane(String channel) {
    ChannelLane lane = lanes.get(channel);
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

  /** Deliveries of {@code channel} being sent now. */
  public int inFlight(String channel) {
    return lane(channel).sending();
  }

  /** Leased deliveries of {@code channel} waiting here for a send slot. */
  public int waiting(String channel) {
    return lane(channel).waiting();
  }

  public Set<String> channels() {
    return lanes.keySet();
  }

  /**
   * Stops taking work, gives the leases of the deliveries waiting for a send slot back, lets sends
   * in flight finish within {@code grace}, and gives the leases of the rest back (PENDING, due now,
   * no attempt spent). Idempotent.
   */
  public void close(Duration grace) {
    if (closed) {
      return;
    }
    closed = true;
    int unstarted = 0;
    for (ChannelLane lane : lanes.values()) {
      for (DispatchJob job : lane.takeWaiting()) {
        release(lane, job, clock.instant(), "released unsent (shutdown)");
        unstarted++;
      }
    }
    long deadline = System.nanoTime() + grace.toNanos();
    for (ChannelLane lane : lanes.values()) {
      lane.executor.shutdown();
    }
    for (ChannelLane lane : lanes.values()) {
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
    for (ChannelLane lane : lanes.values()) {
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
    if (released + unstarted > 0) {
      log.info(
          "Released {} deliveries waiting for a send slot and {} still in flight after the {} grace"
              + " period; they are PENDING again",
          unstarted,
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
