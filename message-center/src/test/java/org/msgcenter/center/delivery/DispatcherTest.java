package org.msgcenter.center.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.msgcenter.api.Priority;
import org.msgcenter.center.channel.Channel;
import org.msgcenter.center.channel.ChannelOutcome;
import org.msgcenter.center.channel.OutboundDelivery;
import org.msgcenter.center.channel.TestDeliveries;
import org.msgcenter.testkit.HandClock;

/** The dispatcher's send slots and the wait for them, driven by hand: no database, no network. */
class DispatcherTest {
  private static final String CHANNEL = "probe";
  private static final Duration LEASE_MARGIN = Duration.ofSeconds(30);
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** A channel whose sends stay open until the test answers them. */
  static final class HeldChannel implements Channel {
    final Map<String, CompletableFuture<ChannelOutcome>> open = new ConcurrentHashMap<>();
    final List<String> started = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return CHANNEL;
    }

    @Override
    public CompletionStage<ChannelOutcome> send(OutboundDelivery delivery) {
      CompletableFuture<ChannelOutcome> f = new CompletableFuture<>();
      open.put(delivery.deliveryId(), f);
      started.add(delivery.deliveryId());
      return f;
    }

    void answer(String deliveryId) {
      open.remove(deliveryId).complete(new ChannelOutcome.Sent("ok"));
    }
  }

  /** What the dispatcher handed on, by delivery id. */
  static final class Recorded implements Outcomes {
    final List<String> finished = new CopyOnWriteArrayList<>();
    final Map<String, String> released = new ConcurrentHashMap<>();

    @Override
    public void finished(DispatchJob.Finished f) {
      finished.add(f.job().delivery().deliveryId());
    }

    @Override
    public void released(DispatchJob job, Instant due, String reason) {
      released.put(job.delivery().deliveryId(), reason);
    }
  }

  private final HandClock clock = new HandClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final HeldChannel channel = new HeldChannel();
  private final Recorded recorded = new Recorded();
  private final AtomicInteger ids = new AtomicInteger();
  private Dispatcher dispatcher;

  private Dispatcher dispatcher(Map<String, String> settings) {
    Map<String, String> s = new HashMap<>(Map.of("reservedForHigh", "0", "timeout", "5s"));
    s.putAll(settings);
    dispatcher =
        new Dispatcher(
            Map.of(CHANNEL, channel),
            Map.of(CHANNEL, ChannelPolicy.from(CHANNEL, s)),
            recorded,
            LEASE_MARGIN,
            clock,
            new SimpleMeterRegistry(),
            new org.msgcenter.center.ops.AlertNotifier(null, "test", clock));
    return dispatcher;
  }

  @AfterEach
  void close() {
    if (dispatcher != null) {
      dispatcher.close(Duration.ZERO);
    }
  }

  /** Reserves and dispatches one delivery leased now, as ingest or the poller does. */
  private String lease(Priority priority) {
    assertThat(dispatcher.tryReserve(CHANNEL, "addr", priority)).as("room for a lease").isTrue();
    String id = "d-" + ids.incrementAndGet();
    OutboundDelivery d = TestDeliveries.withId(TestDeliveries.aDelivery(CHANNEL, "addr"), id);
    Instant leaseExpiry = clock.instant().plus(TIMEOUT).plus(LEASE_MARGIN);
    dispatcher.dispatch(new DispatchJob(d, priority, "test", leaseExpiry, 0));
    return id;
  }

  private void awaitStarted(int n) {
    await().atMost(Duration.ofSeconds(5)).until(() -> channel.started.size() == n);
  }

  @Test
  void deliveries_beyond_the_capacity_wait_and_start_as_slots_free() {
    dispatcher(Map.of("capacity", "2"));
    List<String> leased = new ArrayList<>();
    // Before any send ended the pace is unknown: one capacity's worth may wait.
    for (int i = 0; i < 4; i++) {
      leased.add(lease(Priority.NORMAL));
    }
    assertThat(dispatcher.tryReserve(CHANNEL, "addr", Priority.NORMAL)).isFalse();
    awaitStarted(2);
    assertThat(channel.started).containsExactly(leased.get(0), leased.get(1));
    assertThat(dispatcher.inFlight(CHANNEL)).isEqualTo(2);
    assertThat(dispatcher.waiting(CHANNEL)).isEqualTo(2);

    channel.answer(leased.get(0));
    awaitStarted(3);
    assertThat(channel.started.get(2)).isEqualTo(leased.get(2));
    assertThat(recorded.finished).containsExactly(leased.get(0));
    assertThat(dispatcher.inFlight(CHANNEL)).isEqualTo(2);
    assertThat(dispatcher.waiting(CHANNEL)).isEqualTo(1);
  }

  @Test
  void a_waiting_high_priority_delivery_starts_before_earlier_normal_ones() {
    dispatcher(Map.of("capacity", "4", "reservedForHigh", "1"));
    List<String> normal = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      normal.add(lease(Priority.NORMAL)); // 3 sending (the 4th slot is HIGH's), 2 waiting
    }
    awaitStarted(3);
    String high = lease(Priority.HIGH);
    awaitStarted(4);
    assertThat(channel.started.get(3)).as("HIGH takes its reserved slot").isEqualTo(high);

    String laterHigh = lease(Priority.HIGH);
    channel.answer(normal.get(0));
    awaitStarted(5);
    assertThat(channel.started.get(4))
        .as("a freed slot goes to the waiting HIGH before the NORMAL that waited longer")
        .isEqualTo(laterHigh);
  }

  @Test
  void the_wait_room_follows_the_channels_pace() {
    dispatcher(Map.of("capacity", "2", "queueWait", "1s", "queueLimit", "1000"));
    String first = lease(Priority.NORMAL);
    awaitStarted(1);
    clock.advance(Duration.ofMillis(100));
    channel.answer(first);
    await().until(() -> recorded.finished.size() == 1);
    // Two slots, each send 100 ms: the channel starts 20 a second, so 20 may wait for one second.
    assertThat(dispatcher.room(CHANNEL, Priority.NORMAL)).isEqualTo(2 + 20);

    String slow = lease(Priority.NORMAL);
    awaitStarted(2);
    clock.advance(Duration.ofSeconds(4));
    channel.answer(slow);
    await().until(() -> recorded.finished.size() == 2);
    // The mean moved 5% of the way to 4 s: 295 ms, so 2 × 1000 / 295 = 6 may wait.
    assertThat(dispatcher.room(CHANNEL, Priority.NORMAL)).isEqualTo(2 + 6);
  }

  @Test
  void the_wait_room_is_capped_by_the_queue_limit() {
    dispatcher(Map.of("capacity", "2", "queueLimit", "3"));
    String first = lease(Priority.NORMAL);
    awaitStarted(1);
    clock.advance(Duration.ofMillis(1));
    channel.answer(first);
    await().until(() -> recorded.finished.size() == 1);
    assertThat(dispatcher.room(CHANNEL, Priority.NORMAL)).isEqualTo(2 + 3);
  }

  @Test
  void without_a_queue_wait_a_delivery_finding_no_free_slot_is_refused() {
    dispatcher(Map.of("capacity", "2", "queueWait", "0s"));
    lease(Priority.NORMAL);
    lease(Priority.NORMAL);
    assertThat(dispatcher.tryReserve(CHANNEL, "addr", Priority.NORMAL)).isFalse();
    assertThat(dispatcher.room(CHANNEL, Priority.NORMAL)).isZero();
  }

  @Test
  void a_delivery_that_waited_until_near_its_leases_end_is_given_back_unsent() {
    dispatcher(Map.of("capacity", "1"));
    String sending = lease(Priority.NORMAL);
    String waiting = lease(Priority.NORMAL);
    awaitStarted(1);
    // Its lease ends at timeout + margin (35 s) after it was taken; it may start until its send
    // would end half the margin (15 s) before that, i.e. until 15 s after it was taken.
    clock.advance(Duration.ofSeconds(16));
    channel.answer(sending);
    await().until(() -> recorded.released.containsKey(waiting));
    assertThat(recorded.released.get(waiting)).contains("waited for a send slot");
    assertThat(channel.started).containsExactly(sending);
    assertThat(dispatcher.idle()).isTrue();
    assertThat(dispatcher.room(CHANNEL, Priority.NORMAL)).as("its room is free again").isPositive();
  }

  @Test
  void close_gives_the_waiting_deliveries_back_without_sending_them() {
    dispatcher(Map.of("capacity", "1"));
    String sending = lease(Priority.NORMAL);
    String waiting = lease(Priority.NORMAL);
    awaitStarted(1);
    dispatcher.close(Duration.ZERO);
    assertThat(recorded.released).containsOnlyKeys(waiting, sending);
    assertThat(recorded.released.get(waiting)).contains("shutdown");
    assertThat(channel.started).containsExactly(sending);
  }
}
