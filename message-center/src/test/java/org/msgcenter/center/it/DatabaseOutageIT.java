package org.msgcenter.center.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.msgcenter.testkit.EmbeddedMariaDb;

/**
 * A database outage in the middle of a stream of notifications delays them and loses none: the
 * lanes stop committing offsets, retry the same batches until MariaDB is back, and then every
 * notification is stored once and sent once.
 */
@ExtendWith(EmbeddedInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseOutageIT {
  private static final int TOTAL = 5_000;
  private static final int BEFORE_OUTAGE = 1_000;
  private static final int PER_SECOND = 100;
  private static final Duration OUTAGE = Duration.ofSeconds(30);
  private static final Duration WAIT = Duration.ofMinutes(3);
  private static final String BIZ_TYPE = "outage.notice";
  private static final DateTimeFormatter SQL_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS]", Locale.ROOT);

  private EmbeddedMariaDb mariaDb;
  private CenterHarness harness;
  private GroupOffsets offsets;

  @BeforeAll
  void start(EmbeddedKafka kafka, @TempDir Path dir) {
    mariaDb = new EmbeddedMariaDb(0, dir.resolve("mariadb"));
    mariaDb.start();
    mariaDb.createDatabase("outage");
    mariaDb.createUser("outage_center", "outage-pw", "outage");
    harness =
        new CenterHarness(
            kafka, mariaDb.jdbcUrl("outage"), "outage_center", "outage-pw", dir.resolve("center"));
    // Enough in-app capacity for the whole backlog that piles up during the outage: this test is
    // about the outage, and a delivery that found the channel full would wait PENDING for a
    // poller this center does not have yet.
    harness.set("channel.in-app.capacity", "20000");
    harness.set("route." + BIZ_TYPE + ".channels", "in-app");
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
    if (mariaDb != null) {
      mariaDb.close();
    }
  }

  private enum Phase {
    BEFORE,
    DURING,
    AFTER
  }

  private record Published(
      Notification notification, Phase phase, CompletableFuture<PublishResult> ack) {}

  @Test
  void notifications_published_while_the_database_is_down_are_stored_once_and_sent_once()
      throws Exception {
    AtomicReference<Phase> phase = new AtomicReference<>(Phase.BEFORE);
    AtomicInteger publishedCount = new AtomicInteger();
    List<Published> published = new ArrayList<>(TOTAL);
    Thread publisher =
        new Thread(
            () -> {
              long start = System.nanoTime();
              for (int i = 0; i < TOTAL; i++) {
                pace(start, i);
                Notification n =
                    Notification.builder()
                        .bizType(BIZ_TYPE)
                        .recipient(Recipient.ofUser("u-" + (i % 500)))
                        .title("Notice " + i)
                        .content("Notice number " + i)
                        .build();
                Phase p = phase.get();
                synchronized (published) {
                  published.add(new Published(n, p, harness.publisher.publish(n)));
                }
                publishedCount.incrementAndGet();
              }
            },
            "outage-publisher");
    long t0 = System.nanoTime();
    publisher.start();

    await().atMost(Duration.ofSeconds(60)).until(() -> publishedCount.get() >= BEFORE_OUTAGE);
    mariaDb.stop();
    Instant stoppedAt = Instant.now();
    phase.set(Phase.DURING);
    System.out.printf(
        "Outage: MariaDB stopped after %d notifications published (%.1f s into the run)%n",
        publishedCount.get(), seconds(t0));
    // The outage itself (deliberate sleeps, not waits for a result). A few seconds in, whatever
    // the lane stored before the stop is committed; from then on it must not commit anything.
    String topic = harness.topic("notifications");
    String group = harness.settings.get("kafka.groupId");
    Thread.sleep(5_000);
    long committedEarly = offsets.committedTotal(group, topic);
    Thread.sleep(OUTAGE.toMillis() - 5_000);
    long committedLate = offsets.committedTotal(group, topic);
    long endLate = offsets.end(topic).values().stream().mapToLong(Long::longValue).sum();
    phase.set(Phase.AFTER);
    Instant restartingAt = Instant.now();
    mariaDb.start();
    System.out.printf(
        "Outage: MariaDB started again after %d ms down, %d notifications published by then%n",
        Duration.between(stoppedAt, Instant.now()).toMillis(), publishedCount.get());

    System.out.printf(
        "Outage: the normal lane committed %d offsets 5 s into the outage, %d at its end;"
            + " %d records were on the topic%n",
        committedEarly, committedLate, endLate);
    assertThat(committedLate)
        .as("offsets committed by the normal lane while MariaDB was down")
        .isEqualTo(committedEarly)
        .isLessThan(endLate);

    publisher.join(TimeUnit.MINUTES.toMillis(2));
    assertThat(publisher.isAlive()).as("publisher thread finished").isFalse();
    CompletableFuture.allOf(
            published.stream().map(Published::ack).toArray(CompletableFuture[]::new))
        .get(2, TimeUnit.MINUTES);
    System.out.printf(
        "Published %d notifications in %.1f s (%d before the outage, %d during, %d after)%n",
        published.size(),
        seconds(t0),
        count(published, Phase.BEFORE),
        count(published, Phase.DURING),
        count(published, Phase.AFTER));
    assertThat(published).hasSize(TOTAL);
    assertThat(count(published, Phase.DURING))
        .as("notifications published while MariaDB was down")
        .isGreaterThan(1_000);

    // Settled: every notification stored and no delivery waiting for its outcome to be recorded.
    long drainFrom = System.nanoTime();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              assertThat(harness.count("SELECT COUNT(*) FROM message WHERE biz_type = ?", BIZ_TYPE))
                  .as("message rows")
                  .isEqualTo(TOTAL);
              assertThat(
                      harness.count(
                          "SELECT COUNT(*) FROM delivery WHERE status = 'SENDING'"
                              + " OR status = 'PENDING'"))
                  .as("deliveries not yet recorded SENT")
                  .isZero();
            });
    System.out.printf(
        "All %d stored and recorded %.1f s after publishing ended (%.1f s after the restart)%n",
        TOTAL, seconds(drainFrom), Duration.between(restartingAt, Instant.now()).toMillis() / 1e3);

    Set<String> ids = new HashSet<>();
    published.forEach(p -> ids.add(hex(p.notification().messageId())));

    Map<String, Long> messageRows = new HashMap<>();
    for (Map<String, Object> r :
        harness.rows(
            "SELECT HEX(message_id) AS id, COUNT(*) AS n FROM message WHERE biz_type = ?"
                + " GROUP BY message_id",
            BIZ_TYPE)) {
      messageRows.put((String) r.get("id"), ((Number) r.get("n")).longValue());
    }
    assertThat(difference(ids, messageRows.keySet()))
        .as("messageIds without a message row")
        .isEmpty();
    assertThat(difference(messageRows.keySet(), ids)).as("message rows nobody published").isEmpty();
    assertThat(messageRows.entrySet().stream().filter(e -> e.getValue() != 1).toList())
        .as("messageIds with more than one message row")
        .isEmpty();

    Map<String, Map<String, Object>> deliveries = new HashMap<>();
    for (Map<String, Object> r :
        harness.rows(
            "SELECT HEX(d.message_id) AS id, COUNT(*) AS n, SUM(d.status = 'SENT') AS sent,"
                + " GROUP_CONCAT(DISTINCT d.status) AS statuses, MAX(d.attempts) AS attempts"
                + " FROM delivery d JOIN message m ON m.message_id = d.message_id"
                + " WHERE m.biz_type = ? GROUP BY d.message_id",
            BIZ_TYPE)) {
      deliveries.put((String) r.get("id"), r);
    }
    assertThat(difference(ids, deliveries.keySet())).as("messageIds without a delivery").isEmpty();
    assertThat(
            deliveries.entrySet().stream()
                .filter(e -> ((Number) e.getValue().get("n")).longValue() != 1)
                .map(e -> e.getKey() + "=" + e.getValue())
                .toList())
        .as("messageIds with more than one delivery")
        .isEmpty();
    assertThat(
            deliveries.entrySet().stream()
                .filter(e -> ((Number) e.getValue().get("sent")).longValue() != 1)
                .map(e -> e.getKey() + "=" + e.getValue())
                .toList())
        .as("messageIds whose delivery is not SENT")
        .isEmpty();
    assertThat(
            harness.count(
                "SELECT COUNT(*) FROM message WHERE biz_type = ? AND status <> 'DELIVERED'",
                BIZ_TYPE))
        .as("messages not DELIVERED")
        .isZero();
    assertThat(
            harness.rows(
                "SELECT HEX(a.delivery_id) AS id, COUNT(*) AS n,"
                    + " GROUP_CONCAT(a.outcome ORDER BY a.attempt) AS outcomes,"
                    + " GROUP_CONCAT(CONCAT(a.attempt, '@', a.started_at, '-', a.finished_at)"
                    + " ORDER BY a.attempt) AS times"
                    + " FROM delivery_attempt a JOIN delivery d ON d.delivery_id = a.delivery_id"
                    + " JOIN message m ON m.message_id = d.message_id WHERE m.biz_type = ?"
                    + " GROUP BY a.delivery_id HAVING COUNT(*) <> 1 OR outcomes <> 'SENT'",
                BIZ_TYPE))
        .as(
            "deliveries not sent exactly once (one attempt, SENT): an outage delays sends, it"
                + " does not repeat them; a second SENT attempt is a double send")
        .isEmpty();
    assertThat(
            harness.count(
                "SELECT COUNT(*) FROM delivery_attempt a JOIN delivery d"
                    + " ON d.delivery_id = a.delivery_id JOIN message m"
                    + " ON m.message_id = d.message_id WHERE m.biz_type = ?",
                BIZ_TYPE))
        .as("attempt rows")
        .isEqualTo(TOTAL);

    // The lane waited: what was published during the outage was stored only after MariaDB was
    // back, and the lane counted the batches it could not store.
    Set<String> during = new HashSet<>();
    published.stream()
        .filter(p -> p.phase() == Phase.DURING)
        .forEach(p -> during.add(hex(p.notification().messageId())));
    List<Instant> storedAt = new ArrayList<>();
    for (Map<String, Object> r :
        harness.rows(
            "SELECT HEX(message_id) AS id, CAST(created_at AS CHAR) AS created FROM message"
                + " WHERE biz_type = ?",
            BIZ_TYPE)) {
      if (during.contains((String) r.get("id"))) {
        storedAt.add(
            LocalDateTime.parse((String) r.get("created"), SQL_TIME).toInstant(ZoneOffset.UTC));
      }
    }
    assertThat(storedAt)
        .as("stored notifications published during the outage")
        .hasSize(during.size());
    assertThat(storedAt)
        .as("published during the outage, stored only after MariaDB started again")
        .allMatch(t -> !t.isBefore(restartingAt.truncatedTo(ChronoUnit.MILLIS)));
    double failures =
        metric(harness.center.httpPort(), "msgcenter_consumer_failures_total", "normal");
    System.out.printf("Normal lane: %.0f batches failed and were retried%n", failures);
    assertThat(failures).as("batches the normal lane could not store and retried").isPositive();
  }

  /** Keeps the publisher at {@link #PER_SECOND}, so the outage falls in the middle of the run. */
  private static void pace(long startNanos, int i) {
    long due = startNanos + TimeUnit.SECONDS.toNanos(1) * i / PER_SECOND;
    long wait = due - System.nanoTime();
    if (wait > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static long count(List<Published> published, Phase phase) {
    return published.stream().filter(p -> p.phase() == phase).count();
  }

  private static Set<String> difference(Set<String> a, Set<String> b) {
    Set<String> out = new HashSet<>(a);
    out.removeAll(b);
    return out;
  }

  private static String hex(String uuid) {
    return uuid.replace("-", "").toUpperCase(Locale.ROOT);
  }

  private static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }

  /** One counter of the center's Prometheus scrape, summed over the series of {@code lane}. */
  static double metric(int port, String name, String lane) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    Pattern line =
        Pattern.compile(
            "^" + Pattern.quote(name) + "\\{[^}]*lane=\"" + lane + "\"[^}]*} (\\S+)$",
            Pattern.MULTILINE);
    Matcher m = line.matcher(response.body());
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }
}
