package org.msgcenter.center.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.msgcenter.api.Uuid7;
import org.msgcenter.center.channel.Channel;
import org.msgcenter.center.channel.ChannelOutcome;
import org.msgcenter.center.channel.OutboundDelivery;
import org.msgcenter.center.config.CenterConfig;
import org.msgcenter.center.delivery.ChannelPolicy;
import org.msgcenter.center.delivery.Dispatcher;
import org.msgcenter.center.delivery.OutcomeRecorder;
import org.msgcenter.center.delivery.Policies;
import org.msgcenter.center.render.Renderer;
import org.msgcenter.center.store.BatchInserts;
import org.msgcenter.center.store.Database;
import org.msgcenter.center.store.DeliveryRow;
import org.msgcenter.center.store.MessageRow;
import org.msgcenter.center.store.Times;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.HandClock;
import org.msgcenter.testkit.TestDatabase;

/** The retry poller on a real MariaDB, driven by a clock the test moves. */
@ExtendWith(EmbeddedInfrastructure.class)
class RetryPollerIT {
  private static final String CHANNEL = "probe";

  /** A channel whose answer the test decides; it counts what it was asked to send. */
  static final class ProbeChannel implements Channel {
    final Map<String, AtomicInteger> sends = new ConcurrentHashMap<>();
    volatile Function<OutboundDelivery, ChannelOutcome> answer = d -> new ChannelOutcome.Sent("ok");

    @Override
    public String name() {
      return CHANNEL;
    }

    @Override
    public CompletionStage<ChannelOutcome> send(OutboundDelivery delivery) {
      sends.computeIfAbsent(delivery.deliveryId(), k -> new AtomicInteger()).incrementAndGet();
      return CompletableFuture.completedFuture(answer.apply(delivery));
    }
  }

  /** One instance's poller, dispatcher and recorder, as one process would have them. */
  final class Instance implements AutoCloseable {
    final OutcomeRecorder recorder;
    final Dispatcher dispatcher;
    final RetryPoller poller;

    Instance(String id, ProbeChannel channel, ChannelPolicy policy) {
      Map<String, ChannelPolicy> policies = Map.of(CHANNEL, policy);
      Policies live = new Policies(policies);
      recorder =
          new OutcomeRecorder(
              db, live, clock, new Random(7), 500, Duration.ofMillis(5), new SimpleMeterRegistry());
      dispatcher =
          new Dispatcher(
              Map.of(CHANNEL, channel),
              policies,
              recorder,
              Duration.ofSeconds(30),
              clock,
              new SimpleMeterRegistry(),
              new org.msgcenter.center.ops.AlertNotifier(null, id, clock));
      poller =
          new RetryPoller(
              db,
              dispatcher,
              Renderer.load(dir),
              live,
              clock,
              id,
              Duration.ofSeconds(30),
              Duration.ofMillis(10),
              200,
              new Random(7),
              recorder::isBehind,
              new SimpleMeterRegistry());
    }

    /** Polls once, waits for the sends, records their outcomes. */
    int cycle() {
      int n = poller.runOnce();
      await().atMost(Duration.ofSeconds(20)).until(dispatcher::idle);
      while (recorder.runOnce() > 0) {
        // drain
      }
      return n;
    }

    @Override
    public void close() {
      dispatcher.close(Duration.ofSeconds(1));
    }
  }

  private final HandClock clock = new HandClock(Instant.parse("2026-11-22T08:00:00Z"));
  private final TestDatabase testDb;
  @TempDir Path dir;
  private Database db;

  RetryPollerIT(TestDatabase testDb) {
    this.testDb = testDb;
  }

  @BeforeEach
  void open() {
    db = Database.open(new CenterConfig.Db(testDb.jdbcUrl(), testDb.user(), testDb.password(), 4));
    db.inTransaction(
        s -> {
          try (var st = s.getConnection().createStatement()) {
            st.execute("DELETE FROM delivery_attempt");
            st.execute("DELETE FROM delivery");
            st.execute("DELETE FROM message");
          } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
          }
          return null;
        });
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static ChannelPolicy policy(int maxAttempts) {
    return ChannelPolicy.from(
        CHANNEL,
        Map.of(
            "capacity",
            "1000",
            "retry.maxAttempts",
            String.valueOf(maxAttempts),
            "retry.initialBackoff",
            "1s",
            "retry.maxBackoff",
            "10s",
            "timeout",
            "5s"));
  }

  /** Stores {@code count} messages with one delivery each in {@code status}, due at {@code due}. */
  private List<String> seed(
      int count, String status, Instant due, String leaseOwner, Instant expireAt) {
    List<String> ids = new ArrayList<>();
    for (int offset = 0; offset < count; offset += 1000) {
      int n = Math.min(1000, count - offset);
      List<MessageRow> messages = new ArrayList<>();
      List<DeliveryRow> deliveries = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        MessageRow m = new MessageRow();
        m.messageId = Uuid7.toBytes(Uuid7.generate());
        m.traceId = "t";
        m.bizType = "probe.test";
        m.userId = "u-" + i;
        m.priority = "NORMAL";
        m.status = "DISPATCHING";
        m.content = "hello";
        m.expireAt = Times.utc(expireAt);
        m.ingestToken = Uuid7.toBytes(Uuid7.generate());
        m.sourceTopic = "seed";
        m.createdAt = Times.utc(clock.instant());
        m.updatedAt = m.createdAt;
        messages.add(m);
        DeliveryRow d = new DeliveryRow();
        d.deliveryId = Uuid7.toBytes(Uuid7.generate());
        d.messageId = m.messageId;
        d.channel = CHANNEL;
        d.address = "addr-" + i;
        d.addressHash = Uuid7.toBytes(Uuid7.generate());
        d.status = status;
        d.priority = "NORMAL";
        d.attempts = status.equals("SENDING") ? 1 : 0;
        d.leaseOwner = leaseOwner;
        d.nextAttemptAt = Times.utc(due);
        d.createdAt = m.createdAt;
        d.updatedAt = m.createdAt;
        deliveries.add(d);
        ids.add(Uuid7.fromBytes(d.deliveryId));
      }
      db.inTransaction(
          s -> {
            BatchInserts.messages(s, messages);
            BatchInserts.deliveries(s, deliveries);
            return null;
          });
    }
    return ids;
  }

  private Map<String, Object> delivery(String id) {
    return db.inTransaction(
        s -> {
          try (var ps =
              s.getConnection()
                  .prepareStatement(
                      "SELECT status, attempts, next_attempt_at, last_error, lease_owner FROM delivery WHERE delivery_id = ?")) {
            ps.setBytes(1, Uuid7.toBytes(id));
            try (var rs = ps.executeQuery()) {
              rs.next();
              Map<String, Object> row = new java.util.HashMap<>();
              row.put("status", rs.getString(1));
              row.put("attempts", rs.getInt(2));
              row.put("next", rs.getObject(3, java.time.LocalDateTime.class));
              row.put("error", rs.getString(4));
              row.put("owner", rs.getString(5));
              return row;
            }
          } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private long count(String sql) {
    return db.inTransaction(
        s -> {
          try (var st = s.getConnection().createStatement();
              var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
          } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void retries_follow_the_backoff_schedule_and_end_dead_after_the_last_attempt() {
    ProbeChannel channel = new ProbeChannel();
    channel.answer = d -> new ChannelOutcome.RetryableFailure("HTTP 503");
    String id = seed(1, "PENDING", clock.instant(), null, null).get(0);
    try (Instance instance = new Instance("a", channel, policy(3))) {
      assertThat(instance.cycle()).isEqualTo(1);
      Map<String, Object> first = delivery(id);
      assertThat(first).containsEntry("status", "RETRYING").containsEntry("attempts", 1);
      Duration wait1 =
          Duration.between(Times.utc(clock.instant()), (java.time.LocalDateTime) first.get("next"));
      assertThat(wait1).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));

      // Not due yet: nothing is claimed.
      assertThat(instance.cycle()).isZero();
      clock.advance(wait1);
      assertThat(instance.cycle()).isEqualTo(1);
      Map<String, Object> second = delivery(id);
      assertThat(second).containsEntry("status", "RETRYING").containsEntry("attempts", 2);
      Duration wait2 =
          Duration.between(
              Times.utc(clock.instant()), (java.time.LocalDateTime) second.get("next"));
      assertThat(wait2).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));

      clock.advance(wait2);
      assertThat(instance.cycle()).isEqualTo(1);
      Map<String, Object> last = delivery(id);
      assertThat(last).containsEntry("status", "DEAD").containsEntry("attempts", 3);
      assertThat((String) last.get("error")).isEqualTo("attempts exhausted (3): HTTP 503");
      assertThat(count("SELECT COUNT(*) FROM delivery_attempt WHERE outcome = 'RETRYABLE_FAILURE'"))
          .isEqualTo(3);
      assertThat(count("SELECT COUNT(*) FROM message WHERE status = 'FAILED'")).isEqualTo(1);

      clock.advance(Duration.ofHours(1));
      assertThat(instance.cycle()).as("a DEAD delivery is never claimed").isZero();
    }
  }

  @Test
  void two_pollers_over_10000_due_deliveries_send_each_exactly_once() throws Exception {
    List<String> ids = seed(10_000, "PENDING", clock.instant(), null, null);
    ProbeChannel channelA = new ProbeChannel();
    ProbeChannel channelB = new ProbeChannel();
    try (Instance a = new Instance("a", channelA, policy(5));
        Instance b = new Instance("b", channelB, policy(5))) {
      a.recorder.start();
      b.recorder.start();
      List<CompletableFuture<Integer>> runs = new ArrayList<>();
      for (Instance instance : List.of(a, b)) {
        runs.add(
            CompletableFuture.supplyAsync(
                () -> {
                  int total = 0;
                  int idle = 0;
                  while (idle < 3) {
                    int n = instance.poller.runOnce();
                    total += n;
                    idle = n == 0 ? idle + 1 : 0;
                    if (n == 0) {
                      await().atMost(Duration.ofSeconds(20)).until(instance.dispatcher::idle);
                    }
                  }
                  return total;
                }));
      }
      int claimedA = runs.get(0).get();
      int claimedB = runs.get(1).get();
      a.recorder.close();
      b.recorder.close();

      Map<String, Integer> sends = new java.util.HashMap<>();
      channelA.sends.forEach((k, v) -> sends.merge(k, v.get(), Integer::sum));
      channelB.sends.forEach((k, v) -> sends.merge(k, v.get(), Integer::sum));
      assertThat(claimedA + claimedB).isEqualTo(10_000);
      assertThat(claimedA).as("both pollers took part").isPositive();
      assertThat(claimedB).as("both pollers took part").isPositive();
      assertThat(sends.keySet()).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(sends.values()).allMatch(n -> n == 1);
      assertThat(count("SELECT COUNT(*) FROM delivery WHERE status = 'SENT'")).isEqualTo(10_000);
      assertThat(count("SELECT COUNT(*) FROM delivery_attempt")).isEqualTo(10_000);
    }
  }

  @Test
  void a_rate_limited_channel_sends_its_backlog_no_faster_than_its_rate_and_each_once()
      throws Exception {
    List<String> ids = seed(2_000, "PENDING", clock.instant(), null, null);
    ProbeChannel channel = new ProbeChannel();
    ChannelPolicy limited =
        ChannelPolicy.from(
            CHANNEL, Map.of("capacity", "1000", "rateLimit.perSecond", "500", "timeout", "5s"));
    try (Instance instance = new Instance("a", channel, limited)) {
      instance.recorder.start();
      long started = System.nanoTime();
      int claimed = 0;
      while (claimed < ids.size()) {
        claimed += instance.poller.runOnce();
        Thread.sleep(20);
      }
      long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
      await().atMost(Duration.ofSeconds(20)).until(instance.dispatcher::idle);
      instance.recorder.close();
      // 2,000 at 500 per second need at least three refills after the first second's 500.
      assertThat(seconds).isGreaterThanOrEqualTo(3);
      assertThat(channel.sends.keySet()).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(channel.sends.values()).allMatch(n -> n.get() == 1);
      assertThat(count("SELECT COUNT(*) FROM delivery WHERE status = 'SENT'")).isEqualTo(2_000);
    }
  }

  @Test
  void a_scheduled_delivery_waits_for_its_time_and_an_expired_one_is_never_sent() {
    ProbeChannel channel = new ProbeChannel();
    String scheduled = seed(1, "SCHEDULED", clock.instant().plusSeconds(60), null, null).get(0);
    String expired =
        seed(1, "PENDING", clock.instant(), null, clock.instant().minusSeconds(1)).get(0);
    try (Instance instance = new Instance("a", channel, policy(5))) {
      assertThat(instance.cycle()).isZero();
      assertThat(delivery(expired)).containsEntry("status", "EXPIRED");
      assertThat(delivery(scheduled)).containsEntry("status", "SCHEDULED");
      assertThat(channel.sends).isEmpty();

      clock.advance(Duration.ofSeconds(60));
      assertThat(instance.cycle()).isEqualTo(1);
      assertThat(delivery(scheduled)).containsEntry("status", "SENT").containsEntry("attempts", 1);
      assertThat(channel.sends).containsOnlyKeys(scheduled);
    }
  }

  @Test
  void a_lease_left_by_a_dead_owner_is_taken_over_once_it_expires_with_the_next_attempt_number() {
    ProbeChannel channel = new ProbeChannel();
    String orphan =
        seed(1, "SENDING", clock.instant().plusSeconds(40), "crashed-instance", null).get(0);
    try (Instance instance = new Instance("a", channel, policy(5))) {
      assertThat(instance.cycle()).as("the lease is still running").isZero();
      clock.advance(Duration.ofSeconds(41));
      assertThat(instance.cycle()).isEqualTo(1);
      assertThat(delivery(orphan)).containsEntry("status", "SENT").containsEntry("attempts", 2);
    }
  }

  @Test
  void at_start_an_instance_gives_back_the_leases_its_previous_run_left() {
    ProbeChannel channel = new ProbeChannel();
    String mine = seed(1, "SENDING", clock.instant().plusSeconds(40), "me", null).get(0);
    String theirs = seed(1, "SENDING", clock.instant().plusSeconds(40), "other", null).get(0);
    try (Instance instance = new Instance("me", channel, policy(5))) {
      assertThat(instance.poller.releaseOwnLeases()).isEqualTo(1);
      assertThat(delivery(mine))
          .containsEntry("status", "PENDING")
          .containsEntry("attempts", 0)
          .containsEntry("owner", null);
      assertThat(delivery(theirs))
          .containsEntry("status", "SENDING")
          .containsEntry("owner", "other");
      assertThat(instance.cycle()).isEqualTo(1);
      assertThat(delivery(mine)).containsEntry("status", "SENT").containsEntry("attempts", 1);
    }
  }
}
