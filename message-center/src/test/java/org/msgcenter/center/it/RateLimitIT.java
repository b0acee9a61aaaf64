package org.msgcenter.center.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.msgcenter.api.Notification;
import org.msgcenter.api.Recipient;
import org.msgcenter.api.publish.NotificationPublisher;
import org.msgcenter.api.publish.PublishResult;
import org.msgcenter.api.publish.PublisherConfig;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.TestDatabase;

/**
 * A rate-limited channel with a backlog of 20,000: the endpoint never sees more than the rate
 * allows, the backlog waits in the database and drains at the rate, a channel without a limit is
 * not held up by it, and nothing is sent twice.
 *
 * <p>The 20,000 webhook notifications are on the topic before the center starts. Ingest stores them
 * faster than the limit, 500 a second, lets them out, so a backlog waits PENDING. Once they are all
 * stored, 1,000 in-app notifications follow, and 300 more scheduled to come due two seconds later:
 * stored behind the backlog (those that find their channel's capacity taken, PENDING too), they
 * must go out at the in-app channel's own pace, not at the webhook's.
 */
@ExtendWith(EmbeddedInfrastructure.class)
class RateLimitIT {
  private static final int LIMITED = 20_000;
  private static final int FAST = 1_000;
  private static final int SCHEDULED = 300;
  private static final int RATE = 500;
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final DateTimeFormatter SQL_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS]", Locale.ROOT);

  @Test
  void a_rate_limited_backlog_keeps_its_rate_holds_up_no_other_channel_and_sends_each_once(
      EmbeddedKafka kafka, TestDatabase db, @TempDir Path dir) throws Exception {
    try (KeyedSink sink = new KeyedSink(8);
        CenterHarness harness =
            new CenterHarness(kafka, db.jdbcUrl(), db.user(), db.password(), dir)) {
      harness.set("route.limited.*.channels", "webhook");
      harness.set("route.limited.*.target.webhook", sink.url("/limited"));
      harness.set("route.fast.*.channels", "in-app");
      harness.set("channel.webhook.rateLimit.perSecond", String.valueOf(RATE));
      // Capacity enough for several times the rate (a send takes milliseconds here), so that the
      // limiter, not the capacity, is the webhook channel's brake; not more, so that a cycle's
      // permits do not all hit the endpoint at once. The in-app channel keeps its defaults.
      harness.set("channel.webhook.capacity", "200");
      // The endpoint answers at once; a generous timeout keeps a slow moment of this machine from
      // turning into a retry, which would be a second request for the same delivery.
      harness.set("channel.webhook.timeout", "10s");
      harness.set("poller.interval", "100ms");

      long t0 = System.nanoTime();
      publishAll(harness, LIMITED, i -> notification("limited.statement", i));
      System.out.printf("Published %d limited notifications in %.1f s%n", LIMITED, seconds(t0));
      t0 = System.nanoTime();
      harness.start();
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> harness.count("SELECT COUNT(*) FROM delivery") == LIMITED);
      long waiting =
          harness.count(
              "SELECT COUNT(*) FROM delivery WHERE channel = 'webhook' AND status = 'PENDING'");
      System.out.printf(
          "All webhooks stored %.1f s after the center started, %d waiting%n",
          seconds(t0), waiting);

      // Now the in-app notifications, behind the backlog; and scheduled ones that come due while
      // it still waits.
      publishAll(harness, FAST, i -> notification("fast.alert", i));
      Instant sendAt = Instant.now().plusSeconds(2);
      publishAll(
          harness,
          SCHEDULED,
          i ->
              Notification.builder()
                  .bizType("fast.reminder")
                  .recipient(Recipient.ofUser("u-" + i))
                  .content("Reminder " + i)
                  .sendAt(sendAt)
                  .build());
      System.out.printf(
          "%d in-app notifications published, %d more scheduled for %s%n", FAST, SCHEDULED, sendAt);

      try {
        await()
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(500))
            .untilAsserted(
                () ->
                    assertThat(
                            harness.count(
                                "SELECT COUNT(*) FROM delivery WHERE status = 'SENT'"
                                    + " AND channel IN ('webhook','in-app')"))
                        .as("deliveries SENT")
                        .isEqualTo(LIMITED + FAST + SCHEDULED));
      } finally {
        // What the attempts ended in, by channel and error: the cause when something was not sent.
        for (Map<String, Object> r :
            harness.rows(
                "SELECT d.channel, a.outcome, LEFT(COALESCE(a.error, ''), 80) AS error,"
                    + " COUNT(*) AS n FROM delivery_attempt a JOIN delivery d"
                    + " ON d.delivery_id = a.delivery_id GROUP BY d.channel, a.outcome, 3")) {
          System.out.printf(
              "Attempts: %s %s %s x%s%n",
              r.get("channel"), r.get("outcome"), r.get("error"), r.get("n"));
        }
      }
      System.out.printf("All SENT %.1f s after the center started%n", seconds(t0));
      harness.stopCenter();

      // The webhook endpoint's view: arrival times of every request.
      List<KeyedSink.Hit> hits = sink.hits();
      long[] arrivals = hits.stream().mapToLong(KeyedSink.Hit::arrivedNanos).sorted().toArray();
      double span = (arrivals[arrivals.length - 1] - arrivals[0]) / 1e9;
      int busiest = busiestWindow(arrivals, TimeUnit.SECONDS.toNanos(1));
      System.out.printf(
          "Webhook: %d requests in %.2f s from first to last (%.0f per second on average);"
              + " at most %d in any sliding second (limit %d per second)%n",
          hits.size(), span, hits.size() / span, busiest, RATE);

      // The in-app channel next to it, from the database's times.
      Map<String, Object> inApp = times(harness, "fast.alert");
      Map<String, Object> webhook = times(harness, "limited.statement");
      LocalDateTime lastStored = time(inApp.get("last_stored"));
      double inAppTail = between(lastStored, time(inApp.get("last_sent")));
      double webhookTail = between(lastStored, time(webhook.get("last_sent")));
      double inAppLongest = ((Number) inApp.get("longest_ms")).longValue() / 1e3;
      System.out.printf(
          "After the last in-app notification was stored: in-app (%d, no limit) all SENT %.2f s"
              + " later, webhooks (%d, %d per second) %.2f s later. Waits from stored to SENT,"
              + " p50/p99/max: in-app %s, webhook %s%n",
          FAST,
          inAppTail,
          LIMITED,
          RATE,
          webhookTail,
          waits(harness, "fast.alert"),
          waits(harness, "limited.statement"));

      Map<String, Object> reminders = times(harness, "fast.reminder");
      double remindersLate = ((Number) reminders.get("latest_ms")).longValue() / 1e3;
      double webhookAfterDue =
          between(LocalDateTime.ofInstant(sendAt, ZoneOffset.UTC), time(webhook.get("last_sent")));
      System.out.printf(
          "Scheduled in-app (%d): the last SENT %.2f s after it was due; the webhooks went on for"
              + " %.2f s after that time%n",
          SCHEDULED, remindersLate, webhookAfterDue);

      // Nothing sent twice: every delivery of either channel has one attempt, SENT; every webhook
      // reached the endpoint once, with its own key; every in-app event is on the realtime topic
      // once.
      Set<String> webhookIds = new HashSet<>();
      for (Map<String, Object> r :
          harness.rows("SELECT HEX(delivery_id) AS id FROM delivery WHERE channel = 'webhook'")) {
        webhookIds.add(InAppAndWebhookIT.uuid((String) r.get("id")));
      }
      List<Map<String, Object>> notFirstTime =
          harness.rows(
              "SELECT HEX(d.delivery_id) AS id, d.channel, d.status, d.attempts,"
                  + " GROUP_CONCAT(CONCAT(a.attempt, ' ', a.outcome, ' ', CAST(a.started_at AS"
                  + " CHAR), ' ', CAST(a.finished_at AS CHAR), ' ', COALESCE(a.error, ''))"
                  + " ORDER BY a.attempt SEPARATOR ' | ') AS tries"
                  + " FROM delivery d LEFT JOIN delivery_attempt a ON a.delivery_id = d.delivery_id"
                  + " GROUP BY d.delivery_id"
                  + " HAVING d.attempts <> 1 OR COUNT(a.attempt) <> 1 OR tries NOT LIKE '1 SENT %'");
      assertThat(notFirstTime.stream().limit(10).toList())
          .as("deliveries not sent once at the first attempt (first 10 of %d)", notFirstTime.size())
          .isEmpty();
      Map<String, Integer> perKey = sink.perKey();
      assertThat(perKey.entrySet().stream().filter(e -> e.getValue() != 1).limit(20).toList())
          .as("webhook deliveries received more than once")
          .isEmpty();
      assertThat(perKey.keySet()).as("idempotency keys received").isEqualTo(webhookIds);
      assertThat(hits).as("webhook requests").hasSize(LIMITED);
      Map<String, Integer> events =
          RealtimeEvents.perDelivery(kafka.bootstrapServers(), harness.topic("realtime"));
      assertThat(events).as("in-app events, one per delivery").hasSize(FAST + SCHEDULED);
      assertThat(events.entrySet().stream().filter(e -> e.getValue() != 1).limit(20).toList())
          .as("in-app deliveries emitted more than once")
          .isEmpty();

      // The rate holds. The limiter hands out RATE permits per one-second cycle, and its cycles are
      // not visible from outside, so the checks are the ones that hold whatever their phase: a
      // sliding second overlaps at most two cycles, so it never sees more than 2 x RATE; and
      // LIMITED sends need LIMITED / RATE cycles, of which the first may be entered just before it
      // ends, so first to last request take more than LIMITED / RATE - 2 seconds.
      assertThat(busiest)
          .as("webhook requests in the busiest sliding second")
          .isLessThanOrEqualTo(2 * RATE);
      assertThat(span)
          .as("seconds from the first webhook request to the last")
          .isGreaterThan(LIMITED / RATE - 2.0);

      // Other channels are not slowed. When the in-app notifications were stored, the limit still
      // held webhooks back for many seconds; the in-app deliveries, which wait for their own
      // channel only, were all SENT in a fraction of that time.
      assertThat(webhookTail)
          .as("seconds the webhooks still needed after the last in-app notification was stored")
          .isGreaterThan(5.0);
      assertThat(inAppTail)
          .as(
              "seconds the in-app deliveries still needed after the last of them was stored"
                  + " (webhooks: %.2f s)",
              webhookTail)
          .isLessThan(webhookTail / 2);
      assertThat(inAppLongest)
          .as(
              "longest in-app wait from stored to SENT, s (webhooks went on for %.2f s)",
              webhookTail)
          .isLessThan(webhookTail / 2);
      // Scheduled ones too: they came due while webhooks still waited, and went out when due.
      assertThat(webhookAfterDue)
          .as("seconds the webhooks still needed when the scheduled in-app ones came due")
          .isGreaterThan(5.0);
      assertThat(remindersLate)
          .as(
              "seconds the last scheduled in-app delivery was SENT after it was due (webhooks"
                  + " went on for %.2f s)",
              webhookAfterDue)
          .isLessThan(webhookAfterDue / 2);
    }
  }

  /**
   * Publishes {@code count} notifications in acknowledged chunks and waits for every ack. A chunk
   * whose publish fails is published again, the same notifications with a new producer, as {@code
   * PublishException} allows: the center records a notification published twice once. (The embedded
   * broker has rejected a batch of the idempotent producer with OutOfOrderSequenceException, in
   * some runs on a busy machine: the publish then fails, retryable, as documented.)
   */
  private static void publishAll(
      CenterHarness harness, int count, java.util.function.IntFunction<Notification> notification)
      throws Exception {
    PublisherConfig config = harness.publisherConfig().build();
    // In acknowledged chunks, so that a slow moment of the broker never leaves thousands of
    // records waiting in the producer.
    for (int from = 0; from < count; from += 2_000) {
      List<Notification> chunk = new ArrayList<>();
      for (int i = from; i < Math.min(count, from + 2_000); i++) {
        chunk.add(notification.apply(i));
      }
      for (int attempt = 1; ; attempt++) {
        try (NotificationPublisher publisher = NotificationPublisher.kafka(config)) {
          List<CompletableFuture<PublishResult>> acks = new ArrayList<>();
          for (Notification n : chunk) {
            acks.add(publisher.publish(n));
          }
          CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(1, TimeUnit.MINUTES);
          break;
        } catch (ExecutionException e) {
          if (attempt == 3) {
            throw e;
          }
          System.out.printf(
              "Publishing notifications %d.. failed (%s); publishing them again%n",
              from, e.getCause());
        }
      }
    }
  }

  /** p50/p99/max of the waits from stored to SENT of the deliveries of one bizType, in seconds. */
  private static String waits(CenterHarness harness, String bizType) {
    long[] ms =
        harness
            .rows(
                "SELECT TIMESTAMPDIFF(MICROSECOND, d.created_at, d.sent_at) DIV 1000 AS ms"
                    + " FROM delivery d JOIN message m ON m.message_id = d.message_id"
                    + " WHERE m.biz_type = ?",
                bizType)
            .stream()
            .mapToLong(r -> ((Number) r.get("ms")).longValue())
            .sorted()
            .toArray();
    return String.format(
        Locale.ROOT,
        "%.2f/%.2f/%.2f s",
        ms[ms.length / 2] / 1e3,
        ms[(int) (ms.length * 0.99)] / 1e3,
        ms[ms.length - 1] / 1e3);
  }

  private static Notification notification(String bizType, int i) {
    return Notification.builder()
        .bizType(bizType)
        .recipient(Recipient.ofUser("u-" + (i % 1000)))
        .title("Statement " + i)
        .content("Statement " + i + " is ready")
        .build();
  }

  /** The most arrivals (sorted nanos) inside any window of {@code width} nanos. */
  private static int busiestWindow(long[] sorted, long width) {
    int best = 0;
    int from = 0;
    for (int to = 0; to < sorted.length; to++) {
      while (sorted[to] - sorted[from] >= width) {
        from++;
      }
      best = Math.max(best, to - from + 1);
    }
    return best;
  }

  private static Map<String, Object> times(CenterHarness harness, String bizType) {
    return harness
        .rows(
            "SELECT CAST(MAX(d.created_at) AS CHAR) AS last_stored,"
                + " CAST(MAX(d.sent_at) AS CHAR) AS last_sent,"
                + " MAX(TIMESTAMPDIFF(MICROSECOND, d.created_at, d.sent_at)) DIV 1000 AS longest_ms,"
                + " MAX(TIMESTAMPDIFF(MICROSECOND, m.send_at, d.sent_at)) DIV 1000 AS latest_ms"
                + " FROM delivery d JOIN message m ON m.message_id = d.message_id"
                + " WHERE m.biz_type = ?",
            bizType)
        .get(0);
  }

  private static LocalDateTime time(Object sqlTime) {
    return LocalDateTime.parse((String) sqlTime, SQL_TIME);
  }

  private static double between(LocalDateTime from, LocalDateTime to) {
    return Duration.between(from, to).toMillis() / 1e3;
  }

  private static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }
}
