package org.msgcenter.center.retry;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.msgcenter.api.DeliveryStatus;
import org.msgcenter.api.Priority;
import org.msgcenter.api.Uuid7;
import org.msgcenter.center.channel.OutboundDelivery;
import org.msgcenter.center.delivery.DispatchJob;
import org.msgcenter.center.delivery.Dispatcher;
import org.msgcenter.center.delivery.Policies;
import org.msgcenter.center.delivery.Transitions;
import org.msgcenter.center.render.Renderer;
import org.msgcenter.center.store.Database;
import org.msgcenter.center.store.DeliveryMapper;
import org.msgcenter.center.store.DueDelivery;
import org.msgcenter.center.store.MessageMapper;
import org.msgcenter.center.store.MessageRow;
import org.msgcenter.center.store.Times;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timed poller: every instance claims due deliveries and feeds them to their channels. Due
 * means {@code PENDING}, {@code SCHEDULED} or {@code RETRYING} with {@code next_attempt_at <= now},
 * or {@code SENDING} whose lease expired (its owner died). A claim is db-scheduler's
 * lock-and-fetch: in one transaction, {@code SELECT … FOR UPDATE SKIP LOCKED} the due rows, then a
 * conditional update that gives them a lease and the next attempt number, with the update counts
 * checked, so any number of instances can poll the same tables and no delivery is claimed twice. A
 * delivery is claimed only when its channel has free capacity; the rest stay due in the database,
 * not in memory. A delivery whose message's {@code expireAt} has passed is recorded EXPIRED
 * instead. Time comes from the injected clock; tests call {@link #runOnce()}.
 */
public final class RetryPoller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RetryPoller.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final List<DeliveryStatus> DUE =
      List.of(
          DeliveryStatus.SENDING,
          DeliveryStatus.RETRYING,
          DeliveryStatus.PENDING,
          DeliveryStatus.SCHEDULED);

  private final Database db;
  private final Dispatcher dispatcher;
  private final Renderer renderer;
  private final Policies policies;
  private final Clock clock;
  private final String instanceId;
  private final Duration leaseMargin;
  private final Duration interval;
  private final int batchSize;
  private final RandomGenerator random;
  private final java.util.function.BooleanSupplier holdBack;
  private final Counter claimed;
  private final Counter expired;
  private final Counter failures;
  private volatile boolean running;
  private Thread thread;

  public RetryPoller(
      Database db,
      Dispatcher dispatcher,
      Renderer renderer,
      Policies policies,
      Clock clock,
      String instanceId,
      Duration leaseMargin,
      Duration interval,
      int batchSize,
      RandomGenerator random,
      java.util.function.BooleanSupplier holdBack,
      MeterRegistry metrics) {
    this.db = db;
    this.dispatcher = dispatcher;
    this.renderer = renderer;
    this.policies = policies;
    this.clock = clock;
    this.instanceId = instanceId;
    this.leaseMargin = leaseMargin;
    this.interval = interval;
    this.batchSize = batchSize;
    this.random = random;
    this.holdBack = holdBack;
    this.claimed = metrics.counter("msgcenter.poller.claimed");
    this.expired = metrics.counter("msgcenter.poller.expired");
    this.failures = metrics.counter("msgcenter.poller.failures");
  }

  /**
   * Gives back the leases this instance's previous run left behind (PENDING, due now, no attempt
   * spent), so they are sent first. Call once at start, before polling.
   */
  public int releaseOwnLeases() {
    int released =
        db.inTransaction(
            s ->
                s.getMapper(DeliveryMapper.class)
                    .releaseOwnLeases(instanceId, Times.utc(clock.instant())));
    if (released > 0) {
      log.info(
          "Released {} deliveries this instance ({}) left SENDING when it last stopped",
          released,
          instanceId);
    }
    return released;
  }

  /**
   * Claims one batch of due deliveries and dispatches it.
   *
   * @return how many deliveries were claimed (expired ones not counted)
   */
  public int runOnce() {
    if (holdBack.getAsBoolean()) {
      // Outcomes of this instance wait in memory for the database: write them before claiming,
      // or their expired leases would be taken over and sent a second time.
      return 0;
    }
    Instant now = clock.instant();
    List<DueDelivery> toSend = new ArrayList<>();
    List<String> reserved = new ArrayList<>();
    Map<byte[], MessageRow> messages;
    try {
      messages = db.inTransaction(s -> claimBatch(s, now, toSend, reserved));
    } catch (RuntimeException e) {
      reserved.forEach(dispatcher::cancelReservation);
      throw e;
    }
    if (toSend.isEmpty()) {
      return 0;
    }
    claimed.increment(toSend.size());
    dispatchClaimed(toSend, messages);
    return toSend.size();
  }

  /** Claims in one transaction; returns the claimed deliveries' messages, keyed by row id. */
  private Map<byte[], MessageRow> claimBatch(
      org.apache.ibatis.session.SqlSession s,
      Instant now,
      List<DueDelivery> toSend,
      List<String> reserved) {
    DeliveryMapper deliveries = s.getMapper(DeliveryMapper.class);
    var nowUtc = Times.utc(now);
    Set<String> full = new TreeSet<>();
    for (String channel : policies.channels()) {
      if (!dispatcher.hasCapacity(channel, Priority.HIGH)) {
        full.add(channel);
      }
    }
    Map<DeliveryStatus, List<DueDelivery>> byStatus = new HashMap<>();
    List<DueDelivery> locked = new ArrayList<>();
    for (DeliveryStatus status : DUE) {
      int room = batchSize - locked.size();
      if (room <= 0 || full.size() == policies.channels().size()) {
        break;
      }
      for (DueDelivery d : deliveries.selectDueForUpdate(status.name(), nowUtc, full, room)) {
        locked.add(d);
        byStatus.computeIfAbsent(status, x -> new ArrayList<>()).add(d);
      }
    }
    if (locked.isEmpty()) {
      return Map.of();
    }
    Map<byte[], MessageRow> messages = messages(s, locked);
    List<byte[]> expiredIds = new ArrayList<>();
    Set<byte[]> touchedMessages = new LinkedHashSet<>();
    for (var entry : byStatus.entrySet()) {
      Transitions.require(entry.getKey(), DeliveryStatus.SENDING);
      List<DueDelivery> claim = new ArrayList<>();
      for (DueDelivery d : entry.getValue()) {
        MessageRow m = messages.get(d.messageId);
        if (m != null && m.expireAt != null && !Times.instant(m.expireAt).isAfter(now)) {
          expiredIds.add(d.deliveryId);
          touchedMessages.add(d.messageId);
        } else if (policies.has(d.channel)
            && dispatcher.tryReserve(d.channel, Priority.valueOf(d.priority))) {
          reserved.add(d.channel);
          d.leaseExpiry = Times.utc(now.plus(policies.get(d.channel).timeout()).plus(leaseMargin));
          claim.add(d);
          touchedMessages.add(d.messageId);
        }
      }
      if (!claim.isEmpty()) {
        int changed = deliveries.claim(claim, entry.getKey().name(), instanceId, nowUtc);
        if (changed != claim.size()) {
          // The rows are locked by this transaction; a mismatch means the table changed under the
          // lock, which must never happen: undo rather than send anything twice.
          throw new IllegalStateException(
              "claim of "
                  + claim.size()
                  + " "
                  + entry.getKey()
                  + " deliveries changed "
                  + changed
                  + " rows");
        }
        toSend.addAll(claim);
      }
    }
    if (!expiredIds.isEmpty()) {
      deliveries.expire(expiredIds, nowUtc);
      expired.increment(expiredIds.size());
    }
    if (!touchedMessages.isEmpty()) {
      List<byte[]> ids = new ArrayList<>(touchedMessages);
      s.getMapper(MessageMapper.class).lockForUpdate(ids);
      s.getMapper(MessageMapper.class).deriveStatus(ids, nowUtc);
    }
    for (DueDelivery d : toSend) {
      d.attempts = d.attempts + 1; // the attempt number the claim assigned
    }
    return messages;
  }

  private Map<byte[], MessageRow> messages(
      org.apache.ibatis.session.SqlSession s, List<DueDelivery> locked) {
    List<byte[]> ids = locked.stream().map(d -> d.messageId).distinct().toList();
    Map<String, MessageRow> byHex = new HashMap<>();
    for (MessageRow m : s.getMapper(MessageMapper.class).selectForSending(ids)) {
      byHex.put(Uuid7.fromBytes(m.messageId), m);
    }
    Map<byte[], MessageRow> out = new java.util.IdentityHashMap<>();
    for (DueDelivery d : locked) {
      out.put(d.messageId, byHex.get(Uuid7.fromBytes(d.messageId)));
    }
    return out;
  }

  private void dispatchClaimed(List<DueDelivery> claimedRows, Map<byte[], MessageRow> messages) {
    for (DueDelivery d : claimedRows) {
      MessageRow m = messages.get(d.messageId);
      String deliveryId = Uuid7.fromBytes(d.deliveryId);
      String messageId = Uuid7.fromBytes(d.messageId);
      Map<String, Object> params = parse(m == null ? null : m.params);
      Map<String, Object> data = parse(m == null ? null : m.data);
      String renderError = null;
      Renderer.Rendered rendered = null;
      if (m == null) {
        renderError = "message " + messageId + " not found";
      } else {
        try {
          rendered = renderer.render(m.template, d.channel, params, m.title, m.content);
        } catch (Renderer.RenderException e) {
          renderError = e.getMessage();
        }
      }
      OutboundDelivery out =
          new OutboundDelivery(
              deliveryId,
              messageId,
              m == null ? messageId : m.traceId,
              m == null ? null : m.bizType,
              m == null ? null : m.bizId,
              m == null ? null : m.userId,
              d.channel,
              d.address,
              rendered == null ? null : rendered.title(),
              rendered == null ? "" : rendered.content(),
              rendered == null ? null : rendered.html(),
              data,
              m == null ? null : Times.instant(m.createdAt),
              d.attempts);
      DispatchJob job = new DispatchJob(out, Priority.valueOf(d.priority), instanceId, false);
      if (renderError != null) {
        dispatcher.failUnsent(job, renderError);
      } else {
        dispatcher.dispatch(job);
      }
    }
  }

  private static Map<String, Object> parse(String json) {
    if (json == null) {
      return Map.of();
    }
    try {
      return JSON.readValue(json, MAP);
    } catch (IOException e) {
      throw new IllegalStateException("stored JSON cannot be read: " + e.getMessage(), e);
    }
  }

  public synchronized void start() {
    running = true;
    thread = new Thread(this::loop, "retry-poller");
    thread.start();
  }

  private void loop() {
    while (running) {
      try {
        int n = runOnce();
        if (n == 0) {
          sleepInterval();
        } else {
          // Claims are bounded by free capacity: look again as soon as sends have freed some.
          Thread.sleep(10);
        }
      } catch (Throwable t) {
        failures.increment();
        log.warn("Poller run failed; trying again after the interval", t);
        sleepInterval();
      }
    }
  }

  /** The interval with up to 20% jitter either way, so instances do not poll in lockstep. */
  private void sleepInterval() {
    long ms = interval.toMillis();
    long jittered = ms + (ms > 5 ? random.nextLong(-ms / 5, ms / 5 + 1) : 0);
    long until = System.nanoTime() + Duration.ofMillis(jittered).toNanos();
    try {
      while (running && System.nanoTime() < until) {
        Thread.sleep(Math.min(50, Math.max(1, jittered)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** Stops polling; claims already dispatched finish through the dispatcher. Idempotent. */
  @Override
  public void close() {
    running = false;
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
