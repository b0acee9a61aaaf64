package org.msgcenter.center.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.msgcenter.api.Notification;
import org.msgcenter.api.Recipient;
import org.msgcenter.api.publish.PublishResult;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.TestDatabase;

/**
 * A graceful stop with thousands of sends in flight: each one ends recorded with its outcome or
 * released to PENDING; none is left SENDING under the stopped instance's lease, none is lost, and a
 * restarted center consumes the rest without storing anything twice.
 */
@ExtendWith(EmbeddedInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GracefulStopIT {
  private static final int TOTAL = 3_000;
  private static final Duration WAIT = Duration.ofMinutes(2);
  private static final String BIZ_TYPE = "slow.callback";
  private static final String RELEASED = "released unsent (shutdown)";

  private CenterHarness harness;
  private SlowSink sink;
  private GroupOffsets offsets;

  @BeforeAll
  void start(EmbeddedKafka kafka, TestDatabase db, @TempDir Path dir) throws IOException {
    sink = new SlowSink(50, 200, 500);
    harness = new CenterHarness(kafka, db.jdbcUrl(), db.user(), db.password(), dir);
    harness.set("route." + BIZ_TYPE + ".channels", "in-app,webhook");
    harness.set("route." + BIZ_TYPE + ".target.webhook", sink.url("/slow"));
    // Room for every delivery to be in flight at once, so that the stop finds thousands of them.
    harness.set("channel.webhook.capacity", "5000");
    harness.set("channel.in-app.capacity", "5000");
    harness.set("channel.webhook.timeout", "10s");
    harness.set("shutdown.grace", "1s");
    harness.start();
    offsets = new GroupOffsets(kafka.bootstrapServers());
  }

  @AfterAll
  void stop() {
    if (offsets != null) {
      offsets.close();
    }
    if (harness != null) {
      harness.close();
    }
    if (sink != null) {
      sink.close();
    }
  }

  @Test
  void a_stop_with_sends_in_flight_records_or_releases_each_and_a_restart_loses_nothing()
      throws Exception {
    List<Notification> sent = new ArrayList<>(TOTAL);
    List<CompletableFuture<PublishResult>> acks = new ArrayList<>(TOTAL);
    long t0 = System.nanoTime();
    for (int i = 0; i < TOTAL; i++) {
      Notification n =
          Notification.builder()
              .bizType(BIZ_TYPE)
              .recipient(Recipient.ofUser("u-" + (i % 300)))
              .title("Order " + i)
              .content("Order " + i + " shipped")
              .build();
      sent.add(n);
      acks.add(harness.publisher.publish(n));
    }
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(1, TimeUnit.MINUTES);
    System.out.printf("Published %d in %.1f s%n", TOTAL, seconds(t0));

    // Stop while thousands of sends are in flight or queued, the sink working through them.
    AtomicInteger mostInFlight = new AtomicInteger();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(
            () -> {
              int inFlight = harness.center.dispatcher().inFlight("webhook");
              mostInFlight.accumulateAndGet(inFlight, Math::max);
              assertThat(inFlight)
                  .as(
                      "webhooks in flight (most seen %d, sink received %d)",
                      mostInFlight.get(), sink.received.get())
                  .isGreaterThanOrEqualTo(2_000);
            });
    int webhooksInFlight = harness.center.dispatcher().inFlight("webhook");
    System.out.printf(
        "Before the stop: %d webhooks and %d in-app sends in flight; the sink received %d,"
            + " answering %d at once; deliveries by status %s%n",
        webhooksInFlight,
        harness.center.dispatcher().inFlight("in-app"),
        sink.received.get(),
        sink.active.get(),
        statusCounts());

    long stopFrom = System.nanoTime();
    harness.stopCenter();
    System.out.printf(
        "stopCenter() returned after %.1f s; the sink had received %d requests%n",
        seconds(stopFrom), sink.received.get());

    // Right after the stop, before anything else touches the tables.
    Map<String, Long> afterStop = statusCounts();
    System.out.printf("After the stop: deliveries by status %s%n", afterStop);
    assertThat(
            harness.rows(
                "SELECT HEX(delivery_id) AS id, channel, lease_owner FROM delivery"
                    + " WHERE status = 'SENDING' LIMIT 20"))
        .as("deliveries left SENDING by a graceful stop (first 20)")
        .isEmpty();
    assertThat(afterStop.keySet())
        .as("statuses after the stop")
        .isSubsetOf("SENT", "PENDING", "RETRYING");
    assertAttemptsMatchDeliveries();
    Set<String> released = releasedDeliveries();
    System.out.printf(
        "Released to PENDING at the stop: %d deliveries (%d webhook, %d in-app); %d of those"
            + " webhooks had reached the sink before their lease was given back%n",
        released.size(),
        harness.count(
            "SELECT COUNT(*) FROM delivery WHERE status = 'PENDING' AND channel = 'webhook'"
                + " AND last_error = ?",
            RELEASED),
        harness.count(
            "SELECT COUNT(*) FROM delivery WHERE status = 'PENDING' AND channel = 'in-app'"
                + " AND last_error = ?",
            RELEASED),
        released.stream().filter(sink.deliveryIds::containsKey).count());
    assertThat(
            harness.count(
                "SELECT COUNT(*) FROM delivery WHERE status = 'PENDING' AND last_error = ?"
                    + " AND (lease_owner IS NOT NULL OR next_attempt_at IS NULL)",
                RELEASED))
        .as("released deliveries still leased, or without a due time")
        .isZero();

    // The endpoint recovers, so that the restarted center's sends (and a retry poller's, where
    // there is one) are answered within their timeout.
    sink.answerWithin(0, 20);

    // Restart; wait until the lanes have consumed and committed everything, and the new run's
    // sends have ended.
    long restartFrom = System.nanoTime();
    harness.start();
    String group = harness.settings.get("kafka.groupId");
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              assertThat(offsets.lag(group, harness.topic("notifications")))
                  .as("records not yet consumed and committed")
                  .isZero();
              assertThat(harness.count("SELECT COUNT(*) FROM delivery WHERE status = 'SENDING'"))
                  .as("deliveries still SENDING after the restart")
                  .isZero();
            });
    System.out.printf("After the restart, everything consumed in %.1f s%n", seconds(restartFrom));

    // A second graceful stop, so that the checks below see a settled state (a retry poller, where
    // there is one, keeps claiming and sending) and the stop is checked once more.
    Set<String> releasedFirst = released;
    harness.stopCenter();
    Map<String, Long> end = statusCounts();
    System.out.printf("After the restart and a second stop: deliveries by status %s%n", end);
    assertThat(
            harness.rows(
                "SELECT HEX(delivery_id) AS id, channel, lease_owner FROM delivery"
                    + " WHERE status = 'SENDING' LIMIT 20"))
        .as("deliveries left SENDING by the second stop (first 20)")
        .isEmpty();
    assertThat(end.keySet()).as("statuses at the end").isSubsetOf("SENT", "PENDING", "RETRYING");
    Set<String> releasedEither = new HashSet<>(releasedFirst);
    releasedEither.addAll(releasedDeliveries());

    Set<String> ids = new HashSet<>();
    sent.forEach(n -> ids.add(n.messageId().replace("-", "").toUpperCase(Locale.ROOT)));
    Map<String, Map<String, Object>> perMessage = new HashMap<>();
    for (Map<String, Object> r :
        harness.rows(
            "SELECT HEX(m.message_id) AS id, COUNT(d.delivery_id) AS n,"
                + " COUNT(DISTINCT d.channel) AS channels, GROUP_CONCAT(d.status) AS statuses"
                + " FROM message m LEFT JOIN delivery d ON d.message_id = m.message_id"
                + " WHERE m.biz_type = ? GROUP BY m.message_id",
            BIZ_TYPE)) {
      perMessage.put((String) r.get("id"), r);
    }
    Set<String> missing = new HashSet<>(ids);
    missing.removeAll(perMessage.keySet());
    assertThat(missing).as("published notifications without a message row").isEmpty();
    assertThat(perMessage).hasSize(TOTAL);
    assertThat(
            perMessage.values().stream()
                .filter(
                    r ->
                        ((Number) r.get("n")).longValue() != 2
                            || ((Number) r.get("channels")).longValue() != 2)
                .toList())
        .as("messages without exactly one in-app and one webhook delivery")
        .isEmpty();
    assertAttemptsMatchDeliveries();

    // What the sink saw agrees with what was recorded: every webhook recorded SENT reached it, and
    // one that was sent once (one attempt) and never released at a stop reached it once. A
    // release or a retry may post a delivery again, with the same delivery id as idempotency key.
    List<String> sentButNotReceived = new ArrayList<>();
    List<String> postedTwiceWithoutCause = new ArrayList<>();
    for (Map<String, Object> r :
        harness.rows(
            "SELECT HEX(delivery_id) AS id, status, attempts FROM delivery"
                + " WHERE channel = 'webhook'")) {
      String id = uuid((String) r.get("id"));
      int posted = sink.deliveryIds.getOrDefault(id, 0);
      if ("SENT".equals(r.get("status")) && posted == 0) {
        sentButNotReceived.add(id);
      }
      if (posted > 1
          && ((Number) r.get("attempts")).intValue() <= 1
          && !releasedEither.contains(id)) {
        postedTwiceWithoutCause.add(id + " x" + posted);
      }
    }
    assertThat(sentButNotReceived)
        .as("webhook deliveries recorded SENT that the sink never received")
        .isEmpty();
    assertThat(postedTwiceWithoutCause)
        .as("webhook deliveries posted more than once with one attempt and no release")
        .isEmpty();
    Map<String, Long> releasedNow = new java.util.TreeMap<>();
    for (Map<String, Object> r :
        harness.rows(
            "SELECT status, COUNT(*) AS n FROM delivery WHERE last_error = ? GROUP BY status",
            RELEASED)) {
      releasedNow.put((String) r.get("status"), ((Number) r.get("n")).longValue());
    }
    System.out.printf(
        "At the end: %d released at the first stop, %d at either stop, %s now carry a release;"
            + " %d webhooks reached the sink more than once; PENDING written at ingest (channel"
            + " full): %d%n",
        releasedFirst.size(),
        releasedEither.size(),
        releasedNow,
        sink.deliveryIds.values().stream().filter(n -> n > 1).count(),
        harness.count(
            "SELECT COUNT(*) FROM delivery WHERE status = 'PENDING'"
                + " AND (last_error IS NULL OR last_error <> ?)",
            RELEASED));
  }

  /**
   * Every attempt row belongs to a delivery, and every delivery's attempts agree with it: as many
   * attempt rows as {@code attempts} counts (a released lease spends none), the last one numbered
   * {@code attempts}, and for SENT and RETRYING a last outcome that says so.
   */
  private void assertAttemptsMatchDeliveries() {
    assertThat(
            harness.count(
                "SELECT COUNT(*) FROM delivery_attempt a LEFT JOIN delivery d"
                    + " ON d.delivery_id = a.delivery_id WHERE d.delivery_id IS NULL"))
        .as("attempt rows without a delivery")
        .isZero();
    assertThat(
            harness.rows(
                "SELECT HEX(d.delivery_id) AS id, d.channel, d.status, d.attempts,"
                    + " COUNT(a.attempt) AS n, MAX(a.attempt) AS last,"
                    + " SUBSTRING_INDEX(GROUP_CONCAT(a.outcome ORDER BY a.attempt), ',', -1)"
                    + " AS last_outcome"
                    + " FROM delivery d LEFT JOIN delivery_attempt a"
                    + " ON a.delivery_id = d.delivery_id GROUP BY d.delivery_id"
                    + " HAVING n <> d.attempts OR (n > 0 AND last <> d.attempts)"
                    + " OR (d.status = 'SENT' AND (last_outcome IS NULL OR last_outcome <> 'SENT'))"
                    + " OR (d.status = 'RETRYING' AND (last_outcome IS NULL"
                    + " OR last_outcome <> 'RETRYABLE_FAILURE'))"
                    + " LIMIT 20"))
        .as("deliveries whose attempt rows do not match them (first 20)")
        .isEmpty();
  }

  private Set<String> releasedDeliveries() {
    return harness
        .rows(
            "SELECT HEX(delivery_id) AS id FROM delivery WHERE status = 'PENDING'"
                + " AND last_error = ?",
            RELEASED)
        .stream()
        .map(r -> uuid((String) r.get("id")))
        .collect(Collectors.toSet());
  }

  private Map<String, Long> statusCounts() {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (Map<String, Object> r :
        harness.rows("SELECT status, COUNT(*) AS n FROM delivery GROUP BY status")) {
      out.put((String) r.get("status"), ((Number) r.get("n")).longValue());
    }
    return out;
  }

  private static String uuid(String hex) {
    return InAppAndWebhookIT.uuid(hex);
  }

  private static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }

  /**
   * A callback endpoint that takes its time: each request is answered 200 after a random pause,
   * many at once.
   */
  static final class SlowSink implements AutoCloseable {
    final AtomicInteger received = new AtomicInteger();
    final AtomicInteger active = new AtomicInteger();
    final Map<String, Integer> deliveryIds = new ConcurrentHashMap<>();
    private final HttpServer server;
    private final ExecutorService executor;
    private volatile int[] pauseMillis;

    SlowSink(int concurrency, int minMillis, int maxMillis) throws IOException {
      answerWithin(minMillis, maxMillis);
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4096);
      executor =
          Executors.newFixedThreadPool(
              concurrency,
              r -> {
                Thread t = new Thread(r, "slow-sink");
                t.setDaemon(true);
                return t;
              });
      server.setExecutor(executor);
      server.createContext(
          "/",
          ex -> {
            try (InputStream in = ex.getRequestBody()) {
              in.readAllBytes();
            }
            String id = ex.getRequestHeaders().getFirst("X-Msgcenter-Delivery-Id");
            if (id != null) {
              deliveryIds.merge(id.toLowerCase(), 1, Integer::sum);
            }
            received.incrementAndGet();
            active.incrementAndGet();
            try {
              int[] pause = pauseMillis;
              Thread.sleep(ThreadLocalRandom.current().nextInt(pause[0], pause[1] + 1));
              ex.sendResponseHeaders(200, -1);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } finally {
              active.decrementAndGet();
              ex.close();
            }
          });
      server.start();
    }

    /** From now on, answers each request after a pause between these bounds. */
    void answerWithin(int minMillis, int maxMillis) {
      this.pauseMillis = new int[] {minMillis, maxMillis};
    }

    String url(String path) {
      return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Override
    public void close() {
      server.stop(0);
      executor.shutdownNow();
    }
  }
}
