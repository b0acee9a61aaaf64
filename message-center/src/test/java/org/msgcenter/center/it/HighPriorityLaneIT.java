package org.msgcenter.center.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.msgcenter.api.Notification;
import org.msgcenter.api.Priority;
import org.msgcenter.api.Recipient;
import org.msgcenter.api.publish.NotificationPublisher;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.TestDatabase;

/**
 * HIGH notifications overtake a bulk backlog of LOW ones: they travel on their own topic, are
 * consumed by their own lane and sent on capacity kept for them, so each is recorded SENT within
 * seconds while the LOW backlog takes far longer to drain.
 */
@ExtendWith(EmbeddedInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HighPriorityLaneIT {
  private static final int LOW_TOTAL = 100_000;
  private static final int HIGH_TOTAL = 20;
  private static final Duration HIGH_EVERY = Duration.ofMillis(100);
  private static final Duration HIGH_BOUND = Duration.ofSeconds(5);
  private static final Duration DRAIN_WAIT = Duration.ofSeconds(150);
  private static final int OUTSTANDING_PUBLISHES = 20_000;

  private CenterHarness harness;
  private NotificationPublisher bulk;
  private GroupOffsets offsets;
  private ScheduledExecutorService progress;

  @BeforeAll
  void start(EmbeddedKafka kafka, TestDatabase db, @TempDir Path dir) {
    harness = new CenterHarness(kafka, db.jdbcUrl(), db.user(), db.password(), dir);
    harness.set("route.campaign.spring.channels", "in-app");
    harness.set("route.security.otp.channels", "in-app");
    harness.start();
    // A bulk sender batches (the harness's publisher sends each record at once).
    bulk = NotificationPublisher.kafka(harness.publisherConfig().clientId("bulk-campaign").build());
    offsets = new GroupOffsets(kafka.bootstrapServers());
    progress = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterAll
  void stop() {
    if (progress != null) {
      progress.shutdownNow();
    }
    if (offsets != null) {
      offsets.close();
    }
    if (bulk != null) {
      bulk.close();
    }
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void high_notifications_are_sent_within_seconds_while_a_low_backlog_drains() throws Exception {
    String topic = harness.topic("notifications");
    String group = harness.settings.get("kafka.groupId");
    long t0 = System.nanoTime();
    progress.scheduleAtFixedRate(
        () -> report(t0, group, topic), 2_000, 2_000, TimeUnit.MILLISECONDS);

    // The LOW campaign: asynchronous publishes, at most OUTSTANDING_PUBLISHES unacknowledged.
    Semaphore window = new Semaphore(OUTSTANDING_PUBLISHES);
    AtomicInteger failed = new AtomicInteger();
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    for (int i = 0; i < LOW_TOTAL; i++) {
      window.acquire();
      bulk.publish(
              Notification.builder()
                  .bizType("campaign.spring")
                  .priority(Priority.LOW)
                  .recipient(Recipient.ofUser("u-" + (i % 10_000)))
                  .title("Spring offer")
                  .content("Spring offer number " + i)
                  .build())
          .whenComplete(
              (ok, error) -> {
                if (error != null) {
                  failed.incrementAndGet();
                  firstFailure.compareAndSet(null, error);
                }
                window.release();
              });
    }
    assertThat(window.tryAcquire(OUTSTANDING_PUBLISHES, 60, TimeUnit.SECONDS))
        .as("every LOW publish acknowledged within 60 s")
        .isTrue();
    window.release(OUTSTANDING_PUBLISHES);
    double publishSeconds = seconds(t0);
    System.out.printf(
        "Published %d LOW in %.1f s (%.0f/s), %d failed%n",
        LOW_TOTAL, publishSeconds, LOW_TOTAL / publishSeconds, failed.get());
    assertThat(failed.get()).as("failed LOW publishes, first: %s", firstFailure.get()).isZero();

    // While the center works through the backlog, one HIGH every 100 ms from another thread;
    // this one watches for them to be recorded SENT.
    long lagAtFirstHigh = offsets.lag(group, topic);
    Map<String, Long> publishedAt = new ConcurrentHashMap<>();
    Map<String, Long> seenSentAt = new ConcurrentHashMap<>();
    List<String> publishOrder = new java.util.concurrent.CopyOnWriteArrayList<>();
    AtomicInteger highSequence = new AtomicInteger();
    ScheduledExecutorService highSender = Executors.newSingleThreadScheduledExecutor();
    try {
      highSender.scheduleAtFixedRate(
          () -> {
            int i = highSequence.getAndIncrement();
            if (i >= HIGH_TOTAL) {
              return;
            }
            Notification n =
                Notification.builder()
                    .bizType("security.otp")
                    .priority(Priority.HIGH)
                    .recipient(Recipient.ofUser("otp-" + i))
                    .title("Your code")
                    .content("Your one-time code is " + (100_000 + i))
                    .build();
            publishedAt.put(hex(n.messageId()), System.nanoTime());
            publishOrder.add(hex(n.messageId()));
            harness.publisher.publish(n);
          },
          0,
          HIGH_EVERY.toMillis(),
          TimeUnit.MILLISECONDS);
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> {
                if (!publishedAt.isEmpty()) {
                  long now = System.nanoTime();
                  for (String id : sentAmong(publishedAt.keySet())) {
                    seenSentAt.putIfAbsent(id, now);
                  }
                }
                return seenSentAt.size() == HIGH_TOTAL;
              });
    } finally {
      highSender.shutdownNow();
    }
    long lagAtLastHigh = offsets.lag(group, topic);
    List<Long> latencies = new ArrayList<>();
    for (String id : publishOrder) {
      latencies.add((seenSentAt.get(id) - publishedAt.get(id)) / 1_000_000);
    }
    List<Long> sorted = latencies.stream().sorted().toList();
    System.out.printf(
        "HIGH publish-to-recorded-SENT latencies (ms, in publish order): %s%n"
            + "HIGH p50 %d ms, p90 %d ms, p100 %d ms; LOW records not yet consumed: %d when the"
            + " first HIGH was published, %d when the last HIGH was seen SENT%n",
        latencies,
        sorted.get(sorted.size() / 2),
        sorted.get(sorted.size() * 9 / 10),
        sorted.get(sorted.size() - 1),
        lagAtFirstHigh,
        lagAtLastHigh);

    assertThat(lagAtFirstHigh)
        .as("LOW records waiting when the HIGH ones were published")
        .isGreaterThan(LOW_TOTAL / 4);
    assertThat(lagAtLastHigh)
        .as("LOW records still waiting when the last HIGH was recorded SENT")
        .isPositive();
    assertThat(sorted.get(sorted.size() - 1))
        .as("slowest HIGH publish-to-recorded-SENT latency, ms (all: %s)", latencies)
        .isLessThan(HIGH_BOUND.toMillis());

    // The LOW backlog: consumed and stored (bounded wait). Deliveries that found the channel full
    // are PENDING, for a poller to feed to the channel at its own pace.
    await()
        .atMost(DRAIN_WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> offsets.lag(group, topic) == 0);
    double drainSeconds = seconds(t0);
    report(t0, group, topic);
    System.out.printf(
        "LOW backlog of %d consumed and stored %.1f s after the first publish (%.0f/s overall)%n",
        LOW_TOTAL, drainSeconds, LOW_TOTAL / drainSeconds);
    assertThat(
            harness.count(
                "SELECT COUNT(*) FROM message WHERE biz_type = 'campaign.spring'"
                    + " AND priority = 'LOW'"))
        .as("LOW messages stored")
        .isEqualTo(LOW_TOTAL);
    assertThat(drainSeconds)
        .as("seconds the LOW backlog took, against the HIGH bound")
        .isGreaterThan(2.0 * HIGH_BOUND.toSeconds());
  }

  /** Of these message ids (hex), those whose in-app delivery is recorded SENT. */
  private List<String> sentAmong(java.util.Collection<String> ids) {
    String in = ids.stream().map(id -> "UNHEX('" + id + "')").collect(Collectors.joining(","));
    return harness
        .rows(
            "SELECT HEX(message_id) AS id FROM delivery WHERE status = 'SENT'"
                + " AND message_id IN ("
                + in
                + ")")
        .stream()
        .map(r -> (String) r.get("id"))
        .toList();
  }

  /** One line of backlog progress: consumed, stored, recorded sent, dispatcher in flight. */
  private void report(long t0, String group, String topic) {
    try {
      long end = offsets.end(topic).values().stream().mapToLong(Long::longValue).sum();
      long committed = offsets.committedTotal(group, topic);
      Map<String, Object> r =
          harness
              .rows(
                  "SELECT (SELECT COUNT(*) FROM message WHERE biz_type = 'campaign.spring')"
                      + " AS stored,"
                      + " (SELECT COUNT(*) FROM delivery WHERE priority = 'LOW'"
                      + " AND status = 'SENT') AS sent,"
                      + " (SELECT COUNT(*) FROM delivery WHERE priority = 'LOW'"
                      + " AND status = 'PENDING') AS pending")
              .get(0);
      var center = harness.center;
      System.out.printf(
          "[%5.1f s] LOW on topic %d, consumed %d, stored %s, recorded SENT %s, PENDING %s;"
              + " in-app in flight %s%n",
          seconds(t0),
          end,
          committed,
          r.get("stored"),
          r.get("sent"),
          r.get("pending"),
          center == null ? "-" : center.dispatcher().inFlight("in-app"));
    } catch (RuntimeException e) {
      System.out.println("progress report failed: " + e);
    }
  }

  private static String hex(String uuid) {
    return uuid.replace("-", "").toUpperCase(Locale.ROOT);
  }

  private static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }
}
