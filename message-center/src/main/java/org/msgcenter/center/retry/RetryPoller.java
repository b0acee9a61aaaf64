package org.msgcenter.center.retry;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.random.RandomGenerator;
import org.apache.ibatis.session.SqlSession;
import org.msgcenter.api.DeliveryStatus;
import org.msgcenter.api.Priority;
import org.msgcenter.api.Uuid7;
import org.msgcenter.center.channel.OutboundDelivery;
import org.msgcenter.center.delivery.DispatchJob;
import org.msgcenter.center.delivery.Dispatcher;
import org.msgcenter.center.delivery.Policies;
import org.msgcenter.center.delivery.Transitions;
import org.msgcenter.center.render.Renderer;
import org.msgcenter.center.store.ClaimReads;
import org.msgcenter.center.store.Database;
import org.msgcenter.center.store.DeliveryMapper;
import org.msgcenter.center.store.DueDelivery;
import org.msgcenter.center.store.HotUpdates;
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

  /**
   * The pause after a run that claimed something, and before claiming freed room. A channel gets no
   * more than its room a run: at 10 ms a webhook channel of capacity 64 took about 2,500
   * deliveries/s through the poller against a local receiver, which bounded the drain benchmark
   * (1,333-1,533 notifications/s; 1,653/s at 2 ms). Runs stay batched by the claim's own round
   * trips, and only happen while there is work.
   */
  private static final long SHORT_PAUSE_MS = 2;

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
  private final Counter held;
  private final Counter failures;
  private volatile boolean running;
  private volatile Thread thread;

  /** Counts the sends that freed room; the poller waiting for room waits for it to move. */
  private final java.util.concurrent.atomic.AtomicLong roomFreed =
      new java.util.concurrent.atomic.AtomicLong();

  private long roomSeen;
  private volatile long permitsNanos = -1;
  private volatile Pause pause = Pause.INTERVAL;
  private long runs;

  /** How long the loop waits before the next run. */
  private enum Pause {
    /** More is due now: look again after {@link #SHORT_PAUSE_MS}. */
    SHORT,
    /** Due work may wait for room in a channel: look again when a send frees some. */
    ROOM,
    /** Nothing was due: look again after the interval. */
    INTERVAL
  }

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
    this.held = metrics.counter("msgcenter.poller.held");
    this.failures = metrics.counter("msgcenter.poller.failures");
  }

  /**
   * Gives back the leases this instance's previous run left behind (PENDING, due now, no attempt
   * spent), so they are sent first. Call once at start, before polling.
   */
  public int releaseOwnLeases() {
    int released =
        // Another instance may be taking over some of these expired leases right now: the two
        // can deadlock, and the database's rollback of one is no reason not to start.
        db.inTransactionRetrying(
            5,
            s ->
                s.getMapper(DeliveryMapper.class)
                    .releaseOwnLeases(instanceId, policies.channels(), Times.utc(clock.instant())));
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
      pause = Pause.SHORT;
      return 0;
    }
    // Read before searching: room freed while this run looks is not slept through afterwards.
    roomSeen = roomFreed.get();
    Instant now = clock.instant();
    List<DueDelivery> toSend = new ArrayList<>();
    List<String> reserved = new ArrayList<>();
    Map<byte[], MessageRow> messages;
    Scan scan = new Scan();
    try {
      messages = db.inTransaction(s -> claimBatch(s, now, scan, toSend, reserved));
    } catch (RuntimeException e) {
      reserved.forEach(dispatcher::cancelReservation);
      pause = Pause.INTERVAL;
      throw e;
    }
    pause = !toSend.isEmpty() || scan.more ? Pause.SHORT : scan.full ? Pause.ROOM : Pause.INTERVAL;
    if (toSend.isEmpty()) {
      return 0;
    }
    claimed.increment(toSend.size());
    dispatchClaimed(toSend, messages);
    return toSend.size();
  }

  /** What a run's search for due deliveries saw, for deciding when to look again. */
  private static final class Scan {
    /** Some channel had no room: work it may have waits until capacity or permits free up. */
    boolean full;

    /** More may be due now: a search filled its room, or rows were left to other transactions. */
    boolean more;

    /** How many of the candidates fit the channels' room. */
    int wanted;

    /** The candidates that fit the room, in the order they should be claimed. */
    final List<DueDelivery> first = new ArrayList<>();

    /** Further candidates, taken only where others hold some of the first ones' messages. */
    final List<DueDelivery> spare = new ArrayList<>();

    /** The soonest a channel out of rate permits gets new ones, in nanoseconds; -1 if none. */
    long permitsNanos = -1;
  }

  /**
   * The lock-and-fetch in one transaction: due candidates per channel and priority, as many as the
   * channel has room for; their messages locked first (the lock order every writer of existing
   * deliveries keeps), skipping those another transaction holds; then the candidates still due
   * locked by id; then the claim. Returns the claimed deliveries' messages, keyed by row id.
   */
  private Map<byte[], MessageRow> claimBatch(
      SqlSession s, Instant now, Scan scan, List<DueDelivery> toSend, List<String> reserved) {
    DeliveryMapper deliveries = s.getMapper(DeliveryMapper.class);
    var nowUtc = Times.utc(now);
    candidates(s, nowUtc, scan);
    permitsNanos = scan.permitsNanos;
    if (scan.first.isEmpty()) {
      return Map.of();
    }
    // The messages of the candidates that fit, all of them: locking by a LIMIT would take the
    // lowest ids and undo the order the candidates were chosen in (HIGH first, channels in turn).
    Set<String> lockedMessages = new HashSet<>();
    lockMessages(s, scan.first, 0, lockedMessages);
    List<DueDelivery> candidates = new ArrayList<>();
    for (DueDelivery d : scan.first) {
      if (lockedMessages.contains(Uuid7.fromBytes(d.messageId))) {
        candidates.add(d);
      }
    }
    int shortfall = scan.wanted - candidates.size();
    if (shortfall > 0 && !scan.spare.isEmpty()) {
      // Others hold some of those messages: as many of the spare ones instead.
      List<DueDelivery> spare = new ArrayList<>();
      for (DueDelivery d : scan.spare) {
        if (!lockedMessages.contains(Uuid7.fromBytes(d.messageId))) {
          spare.add(d);
        }
      }
      lockMessages(s, spare, shortfall, lockedMessages);
      for (DueDelivery d : scan.spare) {
        if (lockedMessages.contains(Uuid7.fromBytes(d.messageId))) {
          candidates.add(d);
        }
      }
    }
    List<byte[]> ids = new ArrayList<>();
    for (DueDelivery d : candidates) {
      ids.add(d.deliveryId);
    }
    List<DueDelivery> locked = inOrderOf(candidates, ClaimReads.lockDue(s, ids, nowUtc));
    if (locked.size() < scan.wanted) {
      scan.more = true;
    }
    if (locked.isEmpty()) {
      return Map.of();
    }
    Map<byte[], MessageRow> messages = messages(s, locked);
    Map<DeliveryStatus, List<DueDelivery>> byStatus = new EnumMap<>(DeliveryStatus.class);
    List<byte[]> expiredIds = new ArrayList<>();
    List<DueDelivery> held = new ArrayList<>();
    Set<byte[]> touchedMessages = new LinkedHashSet<>();
    for (DueDelivery d : locked) {
      MessageRow m = messages.get(d.messageId);
      if (m != null && m.expireAt != null && !Times.instant(m.expireAt).isAfter(now)) {
        expiredIds.add(d.deliveryId);
        touchedMessages.add(d.messageId);
      } else if (policies.has(d.channel)
          && dispatcher.tryReserve(d.channel, d.address, Priority.valueOf(d.priority))) {
        reserved.add(d.channel);
        d.leaseExpiry = Times.utc(now.plus(policies.get(d.channel).timeout()).plus(leaseMargin));
        byStatus.computeIfAbsent(DeliveryStatus.valueOf(d.status), x -> new ArrayList<>()).add(d);
        if (DeliveryStatus.SCHEDULED.name().equals(d.status)) {
          // Only a scheduled message can change status by a claim (SCHEDULED to DISPATCHING): one
          // with a PENDING, RETRYING or SENDING delivery is DISPATCHING before and after.
          touchedMessages.add(d.messageId);
        }
      } else if (policies.has(d.channel)) {
        // Its endpoint's circuit is open or its endpoint's rate is spent: it waits in the database
        // until then, out of the way of the channel's other endpoints. A lease that expired there
        // goes back to PENDING, keeping the attempt its dead owner may have made.
        Duration hold = dispatcher.holdFor(d.channel, d.address);
        if (!hold.isZero()) {
          d.leaseExpiry = Times.utc(now.plus(hold)); // here: the new due time
          held.add(d);
        }
      }
    }
    if (!held.isEmpty()) {
      Transitions.require(DeliveryStatus.SENDING, DeliveryStatus.PENDING);
      int changed = deliveries.hold(held, nowUtc);
      if (changed != held.size()) {
        throw new IllegalStateException(
            "hold of " + held.size() + " deliveries changed " + changed + " rows");
      }
      this.held.increment(held.size());
      scan.more = true;
    }
    for (var entry : byStatus.entrySet()) {
      Transitions.require(entry.getKey(), DeliveryStatus.SENDING);
      List<DueDelivery> claim = entry.getValue();
      int changed = HotUpdates.claim(s, claim, entry.getKey().name(), instanceId, nowUtc);
      if (changed != claim.size()) {
        // The rows are locked by this transaction; a mismatch means the table changed under the
        // lock, which must never happen: undo rather than send anything twice.
        throw new IllegalStateException(
            "claim of " + claim.size() + " " + entry.getKey() + " deliveries changed " + changed);
      }
      toSend.addAll(claim);
    }
    if (!expiredIds.isEmpty()) {
      deliveries.expire(expiredIds, nowUtc);
      expired.increment(expiredIds.size());
    }
    if (!touchedMessages.isEmpty()) {
      HotUpdates.deriveStatus(s, new ArrayList<>(touchedMessages), nowUtc);
    }
    for (DueDelivery d : toSend) {
      d.attempts = d.attempts + 1; // the attempt number the claim assigned
    }
    return messages;
  }

  /** The rows of {@code locked} (as they are now) in the order of {@code candidates}. */
  private static List<DueDelivery> inOrderOf(
      List<DueDelivery> candidates, List<DueDelivery> locked) {
    Map<String, DueDelivery> byId = new HashMap<>();
    for (DueDelivery d : locked) {
      byId.put(Uuid7.fromBytes(d.deliveryId), d);
    }
    List<DueDelivery> out = new ArrayList<>(locked.size());
    for (DueDelivery c : candidates) {
      DueDelivery d = byId.remove(Uuid7.fromBytes(c.deliveryId));
      if (d != null) {
        out.add(d);
      }
    }
    return out;
  }

  /**
   * Locks the messages of {@code rows} that no other transaction holds, in id order (the lock order
   * every writer keeps), at most {@code limit} of them when {@code limit > 0}; adds their ids to
   * {@code locked}.
   */
  private static void lockMessages(
      SqlSession s, List<DueDelivery> rows, int limit, Set<String> locked) {
    Map<String, byte[]> ids = new TreeMap<>();
    for (DueDelivery d : rows) {
      ids.putIfAbsent(Uuid7.fromBytes(d.messageId), d.messageId);
    }
    if (ids.isEmpty()) {
      return;
    }
    for (byte[] id : ClaimReads.lockMessages(s, new ArrayList<>(ids.values()), limit)) {
      locked.add(Uuid7.fromBytes(id));
    }
  }

  /**
   * Due candidates, per channel and priority, no more than the channel has room for: HIGH first (it
   * may use the capacity kept for it), then NORMAL, then LOW. A channel held back by its rate
   * limit, an open circuit or full capacity is not searched at all, so its backlog never fills the
   * batch. Channels take turns at coming first, so the batch size is shared fairly.
   */
  private void candidates(SqlSession s, LocalDateTime now, Scan scan) {
    scan.wanted = 0;
    List<String> channels = new ArrayList<>(policies.channels());
    Collections.rotate(channels, -(int) (runs++ % Math.max(1, channels.size())));
    for (String channel : channels) {
      if (!dispatcher.channels().contains(channel)) {
        continue;
      }
      int high = dispatcher.room(channel, Priority.HIGH);
      int normal = dispatcher.room(channel, Priority.NORMAL);
      Duration untilPermits = dispatcher.untilPermits(channel);
      if (untilPermits != null
          && (scan.permitsNanos < 0 || untilPermits.toNanos() < scan.permitsNanos)) {
        scan.permitsNanos = untilPermits.toNanos();
      }
      for (Priority priority : Priority.values()) {
        int room = priority == Priority.HIGH ? high : Math.min(high, normal);
        int limit = Math.min(room, batchSize - scan.wanted);
        if (room <= 0) {
          scan.full = true;
        }
        if (limit <= 0) {
          continue;
        }
        // Twice what fits: other instances' pollers read the same head of the queue, and the
        // messages they lock first are skipped, so the rest must be there to take.
        List<DueDelivery> due = ClaimReads.due(s, channel, priority.name(), now, 2 * limit);
        int fits = Math.min(due.size(), limit);
        scan.first.addAll(due.subList(0, fits));
        scan.spare.addAll(due.subList(fits, due.size()));
        scan.wanted += fits;
        high -= fits;
        if (priority != Priority.HIGH) {
          normal -= fits;
        }
        if (due.size() >= limit) {
          scan.more = true;
        }
      }
    }
  }

  private Map<byte[], MessageRow> messages(SqlSession s, List<DueDelivery> locked) {
    List<byte[]> ids = locked.stream().map(d -> d.messageId).distinct().toList();
    Map<String, MessageRow> byHex = new HashMap<>();
    for (MessageRow m : ClaimReads.forSending(s, ids)) {
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
      try {
        dispatchClaimed(d, messages.get(d.messageId));
      } catch (RuntimeException e) {
        // The claim is committed and holds a reservation: end it as a recorded failure rather
        // than leave the channel's capacity taken until a restart.
        log.error(
            "Delivery {} could not be prepared for sending", Uuid7.fromBytes(d.deliveryId), e);
        failures.increment();
        dispatcher.failUnsent(
            job(d, null, null, Map.of()), "could not be prepared for sending: " + e);
      }
    }
  }

  private void dispatchClaimed(DueDelivery d, MessageRow m) {
    String renderError = null;
    Renderer.Rendered rendered = null;
    if (m == null) {
      renderError = "message " + Uuid7.fromBytes(d.messageId) + " not found";
    } else {
      try {
        rendered = renderer.render(m.template, d.channel, parse(m.params), m.title, m.content);
      } catch (Renderer.RenderException e) {
        renderError = e.getMessage();
      }
    }
    DispatchJob job = job(d, m, rendered, m == null ? Map.of() : parse(m.data));
    if (renderError != null) {
      dispatcher.failUnsent(job, renderError);
    } else {
      dispatcher.dispatch(job);
    }
  }

  /** The job for a claimed delivery; without its message or rendering when they are missing. */
  private DispatchJob job(
      DueDelivery d, MessageRow m, Renderer.Rendered rendered, Map<String, Object> data) {
    String messageId = Uuid7.fromBytes(d.messageId);
    OutboundDelivery out =
        new OutboundDelivery(
            Uuid7.fromBytes(d.deliveryId),
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
    return new DispatchJob(
        out, Priority.valueOf(d.priority), instanceId, Times.instant(d.leaseExpiry), d.resends);
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
        runOnce();
      } catch (Throwable t) {
        failures.increment();
        log.warn("Poller run failed; trying again after the interval", t);
      }
      try {
        switch (pause) {
          case SHORT -> Thread.sleep(SHORT_PAUSE_MS);
          case ROOM -> awaitRoom();
          default -> sleepInterval();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      }
    }
  }

  /**
   * Tells a poller that waits for room that a channel has some again (a send finished); called by
   * the dispatcher.
   */
  public void roomFreed() {
    roomFreed.incrementAndGet();
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  /**
   * Waits until a send frees room in some channel, or for the interval: due work of a full channel
   * is claimed as soon as it can be sent, not an interval later. A short pause first keeps the
   * claims from following every single send.
   */
  private void awaitRoom() throws InterruptedException {
    Thread.sleep(SHORT_PAUSE_MS);
    long wait = jittered().toNanos();
    if (permitsNanos >= 0) {
      // A rate limiter refills on its own, with no send to tell: look again when it has.
      wait = Math.min(wait, permitsNanos);
    }
    long until = System.nanoTime() + wait;
    while (running && roomFreed.get() == roomSeen && System.nanoTime() < until) {
      LockSupport.parkNanos(this, Math.min(until - System.nanoTime(), 50_000_000L));
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  /** The interval with up to 20% jitter either way, so instances do not poll in lockstep. */
  private Duration jittered() {
    long ms = interval.toMillis();
    return Duration.ofMillis(ms + (ms > 5 ? random.nextLong(-ms / 5, ms / 5 + 1) : 0));
  }

  private void sleepInterval() throws InterruptedException {
    long until = System.nanoTime() + jittered().toNanos();
    while (running && System.nanoTime() < until) {
      Thread.sleep(Math.max(1, Math.min(50, (until - System.nanoTime()) / 1_000_000)));
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
