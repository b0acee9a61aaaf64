package org.msgcenter.center.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.msgcenter.testkit.EmbeddedZooKeeper;
import org.msgcenter.testkit.TestDatabase;

/**
 * kill -9 of a message-center process (a JVM of its own) in the middle of delivering thousands of
 * notifications, then another run takes over: every notification ends delivered, none is missing,
 * and the only sends made twice are those the crash left leased and unrecorded, each again with the
 * delivery id as its idempotency key.
 *
 * <p>What a crash can cost, and so what these tests count: a send the provider received whose
 * outcome the dead process had not yet committed. That delivery is still SENDING under the dead
 * instance's lease, and it is sent again, either by any instance's poller once the lease expires
 * (another id) or right at start by the same instance, which gives its own leases back.
 */
@ExtendWith(EmbeddedInfrastructure.class)
class CrashRecoveryIT {
  private static final Duration WAIT = Duration.ofMinutes(3);
  private static final int WEBHOOK_CAPACITY = 100;
  private static final int IN_APP_CAPACITY = 100;
  private static final String ACTIVE = "('SENDING','PENDING','RETRYING','SCHEDULED')";
  private static final DateTimeFormatter SQL_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS]", Locale.ROOT);

  /** What the database and the receivers held once the killed process was gone. */
  private record AtCrash(
      Map<String, String> leasedChannel,
      Map<String, LocalDateTime> leaseExpiry,
      Set<String> webhookKeys,
      Map<String, Integer> inAppEvents,
      Map<String, Long> statuses,
      int sinkCount) {

    Set<String> leased(String channel) {
      Set<String> out = new HashSet<>();
      leasedChannel.forEach(
          (id, c) -> {
            if (c.equals(channel)) {
              out.add(id);
            }
          });
      return out;
    }
  }

  @Test
  void a_killed_center_loses_nothing_and_another_instance_resends_only_its_expired_leases(
      EmbeddedKafka kafka, EmbeddedZooKeeper zooKeeper, TestDatabase db, @TempDir Path dir)
      throws Exception {
    String biz = "crash.takeover";
    try (KeyedSink sink = new KeyedSink(8);
        CenterHarness harness =
            new CenterHarness(
                kafka, db.jdbcUrl(), db.user(), db.password(), dir.resolve("center"));
        GroupOffsets offsets = new GroupOffsets(kafka.bootstrapServers())) {
      // A lease is the channel's timeout plus the margin: 2 s + 3 s, so that the takeover comes
      // within the test.
      configure(harness, sink, zooKeeper, biz, "3s");
      Recovery r =
          crashAndRecover(
              harness, offsets, sink, dir, biz, 10_000, 3_000, "crash-first", "crash-second");

      // Taken over by the other instance's poller, and only once the lease had expired: attempt 2
      // (the crashed send counted as attempt 1), made by crash-second, no earlier than the lease
      // expiry the dead instance had written.
      List<String> wrongTakeover = new ArrayList<>();
      for (String id : r.atCrash().leasedChannel().keySet()) {
        Map<String, Object> a = r.attempts().get(id);
        LocalDateTime started = parse((String) a.get("first_started"));
        if (!"crash-second".equals(a.get("owners"))
            || !"2".equals(String.valueOf(a.get("numbers")))
            || ((Number) a.get("attempts")).intValue() != 2
            || started.isBefore(r.atCrash().leaseExpiry().get(id))) {
          wrongTakeover.add(id + " " + a + " lease expiry " + r.atCrash().leaseExpiry().get(id));
        }
      }
      assertThat(wrongTakeover.stream().limit(20).toList())
          .as("deliveries leased to the dead instance not taken over after expiry as attempt 2")
          .isEmpty();
    }
  }

  @Test
  void a_killed_center_restarting_with_its_own_id_gives_its_leases_back_at_start(
      EmbeddedKafka kafka, EmbeddedZooKeeper zooKeeper, TestDatabase db, @TempDir Path dir)
      throws Exception {
    String biz = "crash.restart";
    try (KeyedSink sink = new KeyedSink(8);
        CenterHarness harness =
            new CenterHarness(
                kafka, db.jdbcUrl(), db.user(), db.password(), dir.resolve("center"));
        GroupOffsets offsets = new GroupOffsets(kafka.bootstrapServers())) {
      // A lease far longer than the test waits: only the release at start can free them in time.
      configure(harness, sink, zooKeeper, biz, "5m");
      Recovery r =
          crashAndRecover(
              harness, offsets, sink, dir, biz, 4_000, 1_500, "crash-again", "crash-again");

      // Given back at start (no attempt spent) and sent again long before the lease would have
      // expired: one recorded attempt, numbered 1, by the restarted instance.
      List<String> wrongRelease = new ArrayList<>();
      for (String id : r.atCrash().leasedChannel().keySet()) {
        Map<String, Object> a = r.attempts().get(id);
        LocalDateTime started = parse((String) a.get("first_started"));
        if (!"crash-again".equals(a.get("owners"))
            || !"1".equals(String.valueOf(a.get("numbers")))
            || ((Number) a.get("attempts")).intValue() != 1
            || !started.isBefore(r.atCrash().leaseExpiry().get(id).minusMinutes(4))) {
          wrongRelease.add(id + " " + a + " lease expiry " + r.atCrash().leaseExpiry().get(id));
        }
      }
      assertThat(wrongRelease.stream().limit(20).toList())
          .as("deliveries leased to the killed run not released at restart and sent as attempt 1")
          .isEmpty();
    }
  }

  private record Recovery(AtCrash atCrash, Map<String, Map<String, Object>> attempts) {}

  private static void configure(
      CenterHarness harness,
      KeyedSink sink,
      EmbeddedZooKeeper zooKeeper,
      String biz,
      String leaseMargin) {
    harness.set("route." + biz + ".channels", "webhook,in-app");
    harness.set("route." + biz + ".target.webhook", sink.url("/callbacks"));
    harness.set("channel.webhook.timeout", "2s");
    harness.set("channel.in-app.timeout", "2s");
    harness.set("channel.webhook.capacity", String.valueOf(WEBHOOK_CAPACITY));
    harness.set("channel.in-app.capacity", String.valueOf(IN_APP_CAPACITY));
    harness.set("lease.margin", leaseMargin);
    harness.set("poller.interval", "200ms");
    // Registered for real: the restart with the same id waits for the dead run's session to end.
    harness.set("zookeeper.connect", zooKeeper.connectString());
    harness.set("zookeeper.sessionTimeout", "4s");
  }

  /**
   * Starts a center as a separate JVM with {@code firstId}, publishes {@code total} notifications,
   * kills it (SIGKILL) once {@code killAfter} webhooks have reached the sink, starts {@code
   * secondId} in this JVM, waits until everything is consumed and no delivery is active, and checks
   * what every crash must keep: all stored once, all SENT, and only the lost outcomes sent twice,
   * with the same key.
   */
  private Recovery crashAndRecover(
      CenterHarness harness,
      GroupOffsets offsets,
      KeyedSink sink,
      Path dir,
      String biz,
      int total,
      int killAfter,
      String firstId,
      String secondId)
      throws Exception {
    Process first = startProcess(harness, firstId, dir);
    Path log = dir.resolve(firstId + ".log");
    List<Notification> published = new ArrayList<>(total);
    AtCrash atCrash;
    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                if (!first.isAlive()) {
                  throw new AssertionError(
                      "the center process exited with " + first.exitValue() + ":\n" + tail(log));
                }
                return Files.readString(log).contains("Message center " + firstId + " running");
              });

      long t0 = System.nanoTime();
      try (NotificationPublisher publisher = publisher(harness)) {
        List<CompletableFuture<PublishResult>> acks = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
          Notification n =
              Notification.builder()
                  .bizType(biz)
                  .recipient(Recipient.ofUser("u-" + (i % 500)))
                  .title("Refund " + i)
                  .content("Refund " + i + " was paid back")
                  .build();
          published.add(n);
          acks.add(publisher.publish(n));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
      }
      System.out.printf(
          "[%s] published %d in %.1f s; %d webhooks received so far%n",
          biz, total, seconds(t0), sink.count());

      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(5))
          .until(
              () -> {
                if (!first.isAlive()) {
                  throw new AssertionError("the center process died early:\n" + tail(log));
                }
                return sink.count() >= killAfter;
              });
      int atKill = sink.count();
      first.destroyForcibly();
      assertThat(first.waitFor(30, TimeUnit.SECONDS)).as("killed process gone").isTrue();
      System.out.printf(
          "[%s] SIGKILL to %s (pid %d) after %d webhooks had reached the sink, %.1f s after"
              + " publishing started; exit value %d%n",
          biz, firstId, first.pid(), atKill, seconds(t0), first.exitValue());
    } finally {
      if (first.isAlive()) {
        first.destroyForcibly();
      }
    }
    // 128 + SIGKILL: no shutdown hook ran, nothing was released or flushed.
    assertThat(first.exitValue()).as("exit value of the killed center").isEqualTo(137);
    assertThat(Files.readString(log)).doesNotContain("Message center " + firstId + " stopping");

    // Requests and commits the dead process had already handed to the kernel still land; wait
    // until the sink has been quiet for half a second before taking the picture.
    AtomicInteger lastSeen = new AtomicInteger(-1);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> lastSeen.getAndSet(sink.count()) == sink.count());
    atCrash = snapshot(harness, sink, biz, firstId);
    System.out.printf(
        "[%s] at the crash: %d webhooks received (%d distinct keys); deliveries by status %s;"
            + " leased to %s: %d webhook, %d in-app (capacity %d each)%n",
        biz,
        atCrash.sinkCount(),
        atCrash.webhookKeys().size(),
        atCrash.statuses(),
        firstId,
        atCrash.leased("webhook").size(),
        atCrash.leased("in-app").size(),
        WEBHOOK_CAPACITY);
    assertThat(atCrash.leasedChannel())
        .as("deliveries the dead process left leased (else this run proves nothing)")
        .isNotEmpty();

    // The successor.
    harness.set("instance.id", secondId);
    harness.set("data.dir", dir.resolve(secondId + "-data").toString());
    long restartFrom = System.nanoTime();
    harness.start();
    System.out.printf("[%s] %s started in %.1f s%n", biz, secondId, seconds(restartFrom));
    String group = harness.settings.get("kafka.groupId");
    // Records the dead process had not committed are consumed once the group has dropped its
    // member, which takes the consumer's session timeout (Kafka's default, 45 s).
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              assertThat(offsets.lag(group, harness.topic("notifications")))
                  .as("records not consumed and committed")
                  .isZero();
              assertThat(harness.count("SELECT COUNT(*) FROM message WHERE biz_type = ?", biz))
                  .as("message rows")
                  .isEqualTo(total);
            });
    System.out.printf(
        "[%s] everything consumed and stored %.1f s after %s started%n",
        biz, seconds(restartFrom), secondId);
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(
                        harness.count(
                            "SELECT COUNT(*) FROM delivery d JOIN message m"
                                + " ON m.message_id = d.message_id"
                                + " WHERE m.biz_type = ? AND d.status IN "
                                + ACTIVE,
                            biz))
                    .as("deliveries not yet terminal")
                    .isZero());
    System.out.printf(
        "[%s] all terminal %.1f s after %s started; its recorder failed %.0f batches and its"
            + " poller %.0f runs (each written or claimed again); %s logged %d deadlocks%n",
        biz,
        seconds(restartFrom),
        secondId,
        harness.metric("msgcenter_recorder_failures_total"),
        harness.metric("msgcenter_poller_failures_total"),
        firstId,
        Files.readAllLines(log).stream()
            .filter(l -> l.startsWith("### Cause:") && l.contains("Deadlock found"))
            .count());
    harness.stopCenter();

    assertEveryNotificationDelivered(harness, biz, published);
    Map<String, Map<String, Object>> attempts = attempts(harness, biz);
    assertSentTwiceOnlyWhatTheCrashLost(harness, sink, biz, atCrash, attempts);
    return new Recovery(atCrash, attempts);
  }

  /** Each published notification is one message whose webhook and in-app deliveries are SENT. */
  private static void assertEveryNotificationDelivered(
      CenterHarness harness, String biz, List<Notification> published) {
    Set<String> ids = new HashSet<>();
    published.forEach(n -> ids.add(n.messageId()));
    Map<String, Map<String, Object>> perMessage = new HashMap<>();
    for (Map<String, Object> r :
        harness.rows(
            "SELECT HEX(m.message_id) AS id, m.status, COUNT(d.delivery_id) AS n,"
                + " GROUP_CONCAT(d.channel ORDER BY d.channel) AS channels,"
                + " GROUP_CONCAT(d.status ORDER BY d.channel) AS statuses,"
                + " GROUP_CONCAT(COALESCE(d.last_error, '') ORDER BY d.channel) AS errors"
                + " FROM message m LEFT JOIN delivery d ON d.message_id = m.message_id"
                + " WHERE m.biz_type = ? GROUP BY m.message_id",
            biz)) {
      perMessage.put(uuid((String) r.get("id")), r);
    }
    Set<String> missing = new HashSet<>(ids);
    missing.removeAll(perMessage.keySet());
    Set<String> unknown = new HashSet<>(perMessage.keySet());
    unknown.removeAll(ids);
    assertThat(missing).as("published notifications without a message row").isEmpty();
    assertThat(unknown).as("message rows nobody published").isEmpty();
    assertThat(
            perMessage.values().stream()
                .filter(
                    r ->
                        !"DELIVERED".equals(r.get("status"))
                            || !"in-app,webhook".equals(r.get("channels"))
                            || !"SENT,SENT".equals(r.get("statuses")))
                .limit(20)
                .toList())
        .as("messages not DELIVERED with an in-app and a webhook delivery both SENT (first 20)")
        .isEmpty();
  }

  /** Per delivery of the run: its row and its attempt rows, keyed by delivery id. */
  private static Map<String, Map<String, Object>> attempts(CenterHarness harness, String biz) {
    Map<String, Map<String, Object>> out = new HashMap<>();
    for (Map<String, Object> r :
        harness.rows(
            "SELECT HEX(d.delivery_id) AS id, d.channel, d.status, d.attempts,"
                + " COUNT(a.attempt) AS n, GROUP_CONCAT(a.attempt ORDER BY a.attempt) AS numbers,"
                + " GROUP_CONCAT(a.outcome ORDER BY a.attempt) AS outcomes,"
                + " GROUP_CONCAT(DISTINCT a.instance_id) AS owners,"
                + " CAST(MIN(a.started_at) AS CHAR) AS first_started"
                + " FROM delivery d JOIN message m ON m.message_id = d.message_id"
                + " LEFT JOIN delivery_attempt a ON a.delivery_id = d.delivery_id"
                + " WHERE m.biz_type = ? GROUP BY d.delivery_id",
            biz)) {
      out.put(uuid((String) r.get("id")), r);
    }
    return out;
  }

  /**
   * The crash window, counted: a delivery reaches its receiver twice only when it was leased to the
   * dead process and had reached the receiver before the kill (sent, outcome lost); every other
   * delivery exactly once. Every request carries its delivery id as idempotency key, so the second
   * send of a delivery has the key of its first.
   */
  private static void assertSentTwiceOnlyWhatTheCrashLost(
      CenterHarness harness,
      KeyedSink sink,
      String biz,
      AtCrash atCrash,
      Map<String, Map<String, Object>> attempts) {
    List<String> notOneSentAttempt = new ArrayList<>();
    attempts.forEach(
        (id, a) -> {
          if (((Number) a.get("n")).intValue() != 1 || !"SENT".equals(a.get("outcomes"))) {
            notOneSentAttempt.add(id + " " + a);
          }
        });
    assertThat(notOneSentAttempt.stream().limit(20).toList())
        .as(
            "deliveries without exactly one recorded attempt, SENT (first 20 of %d)",
            notOneSentAttempt.size())
        .isEmpty();

    // Webhooks, as the endpoint saw them.
    Map<String, String> webhookOfMessage = new HashMap<>();
    for (Map<String, Object> r :
        harness.rows(
            "SELECT HEX(d.message_id) AS m, HEX(d.delivery_id) AS d FROM delivery d"
                + " JOIN message m ON m.message_id = d.message_id"
                + " WHERE m.biz_type = ? AND d.channel = 'webhook'",
            biz)) {
      webhookOfMessage.put(uuid((String) r.get("m")), uuid((String) r.get("d")));
    }
    List<KeyedSink.Hit> hits = sink.hits();
    assertThat(
            hits.stream()
                .filter(
                    h -> h.idempotencyKey() == null || !h.idempotencyKey().equals(h.deliveryId()))
                .limit(20)
                .toList())
        .as("requests whose Idempotency-Key is not their delivery id")
        .isEmpty();
    Map<String, Set<String>> keysOfMessage = new TreeMap<>();
    hits.forEach(
        h ->
            keysOfMessage
                .computeIfAbsent(h.messageId(), m -> new HashSet<>())
                .add(h.idempotencyKey()));
    List<String> wrongKeys = new ArrayList<>();
    webhookOfMessage.forEach(
        (message, delivery) -> {
          if (!Set.of(delivery).equals(keysOfMessage.get(message))) {
            wrongKeys.add(
                message + ": stored " + delivery + ", received " + keysOfMessage.get(message));
          }
        });
    assertThat(wrongKeys.stream().limit(20).toList())
        .as("messages whose webhook requests did not all carry their one delivery's id")
        .isEmpty();
    assertThat(keysOfMessage.keySet())
        .as("messages the endpoint heard of")
        .isEqualTo(new java.util.TreeSet<>(webhookOfMessage.keySet()));

    Set<String> leasedWebhooks = atCrash.leased("webhook");
    Set<String> lostWebhooks = new HashSet<>(leasedWebhooks);
    lostWebhooks.retainAll(atCrash.webhookKeys());
    Map<String, Integer> perKey = sink.perKey();
    Map<String, Integer> duplicates = new TreeMap<>();
    List<String> unexpected = new ArrayList<>();
    perKey.forEach(
        (key, n) -> {
          if (n > 1) {
            duplicates.put(key, n);
          }
          int expected = lostWebhooks.contains(key) ? 2 : 1;
          if (n != expected) {
            unexpected.add(
                key
                    + " x"
                    + n
                    + " (expected "
                    + expected
                    + ", leased at the crash: "
                    + leasedWebhooks.contains(key)
                    + ")");
          }
        });

    // In-app events, as websocket-notifier would read them.
    Map<String, Integer> events =
        RealtimeEvents.perDelivery(harness.kafka.bootstrapServers(), harness.topic("realtime"));
    Set<String> inAppIds = new HashSet<>();
    attempts.forEach(
        (id, a) -> {
          if ("in-app".equals(a.get("channel"))) {
            inAppIds.add(id);
          }
        });
    Set<String> leasedInApp = atCrash.leased("in-app");
    Set<String> lostInApp = new HashSet<>(leasedInApp);
    lostInApp.retainAll(atCrash.inAppEvents().keySet());
    Map<String, Integer> inAppDuplicates = new TreeMap<>();
    List<String> unexpectedEvents = new ArrayList<>();
    for (String id : inAppIds) {
      int n = events.getOrDefault(id, 0);
      if (n > 1) {
        inAppDuplicates.put(id, n);
      }
      int expected = lostInApp.contains(id) ? 2 : 1;
      if (n != expected) {
        unexpectedEvents.add(id + " x" + n + " (expected " + expected + ")");
      }
    }

    System.out.printf(
        "[%s] crash window: %d webhooks and %d in-app deliveries were leased to the dead"
            + " process; %d of those webhooks and %d of those in-app events had already gone out"
            + " (sent, outcome lost). Duplicates received: %d webhooks (%d requests for %d"
            + " deliveries in all), %d in-app events (%d events for %d deliveries)%n",
        biz,
        leasedWebhooks.size(),
        leasedInApp.size(),
        lostWebhooks.size(),
        lostInApp.size(),
        duplicates.size(),
        hits.size(),
        webhookOfMessage.size(),
        inAppDuplicates.size(),
        events.values().stream().mapToInt(Integer::intValue).sum(),
        inAppIds.size());

    assertThat(perKey.keySet())
        .as("idempotency keys received")
        .containsExactlyInAnyOrderElementsOf(webhookOfMessage.values());
    // Bounded by the crash window, not zero: only a delivery that was leased to the dead process
    // (SENDING, outcome not committed) may reach the endpoint twice. That set is what was in
    // flight when the process died: at most the channel's capacity of reserved sends, plus the
    // finished ones whose outcome still waited in the recorder, queued or in a batch it was
    // writing again after a failure (capacity is given back when a send ends, before its outcome
    // is written; runs here found up to about twice the capacity leased at the crash). So the
    // bound is the set read from the database at the crash, not the capacity alone.
    assertThat(duplicates.keySet())
        .as("webhooks received more than once that were not leased to the dead process")
        .isSubsetOf(leasedWebhooks);
    assertThat(duplicates.size())
        .as("webhooks received twice, against those leased at the crash")
        .isLessThanOrEqualTo(leasedWebhooks.size());
    assertThat(unexpected.stream().limit(20).toList())
        .as(
            "webhooks not received once, or twice when the crash lost their outcome (first 20 of"
                + " %d)",
            unexpected.size())
        .isEmpty();
    assertThat(inAppDuplicates.keySet())
        .as("in-app events emitted more than once that were not leased to the dead process")
        .isSubsetOf(leasedInApp);
    assertThat(unexpectedEvents.stream().limit(20).toList())
        .as(
            "in-app deliveries not emitted once, or twice when the crash lost their outcome"
                + " (first 20 of %d)",
            unexpectedEvents.size())
        .isEmpty();
  }

  private static AtCrash snapshot(CenterHarness harness, KeyedSink sink, String biz, String owner) {
    Map<String, String> leased = new HashMap<>();
    Map<String, LocalDateTime> expiry = new HashMap<>();
    for (Map<String, Object> r :
        harness.rows(
            "SELECT HEX(delivery_id) AS id, channel, CAST(next_attempt_at AS CHAR) AS due"
                + " FROM delivery WHERE status = 'SENDING' AND lease_owner = ?",
            owner)) {
      String id = uuid((String) r.get("id"));
      leased.put(id, (String) r.get("channel"));
      expiry.put(id, parse((String) r.get("due")));
    }
    Map<String, Long> statuses = new TreeMap<>();
    for (Map<String, Object> r :
        harness.rows(
            "SELECT d.status, COUNT(*) AS n FROM delivery d JOIN message m"
                + " ON m.message_id = d.message_id WHERE m.biz_type = ? GROUP BY d.status",
            biz)) {
      statuses.put((String) r.get("status"), ((Number) r.get("n")).longValue());
    }
    return new AtCrash(
        leased,
        expiry,
        new HashSet<>(sink.perKey().keySet()),
        RealtimeEvents.perDelivery(harness.kafka.bootstrapServers(), harness.topic("realtime")),
        statuses,
        sink.count());
  }

  /** The center as a JVM of its own, on this test's class path, logging to {@code <id>.log}. */
  private static Process startProcess(CenterHarness harness, String instanceId, Path dir)
      throws IOException {
    Properties p = new Properties();
    p.putAll(harness.settings);
    p.put("instance.id", instanceId);
    p.put("data.dir", dir.resolve(instanceId + "-data").toString());
    p.put("http.port", "0");
    Path config = dir.resolve(instanceId + ".properties");
    try (OutputStream out = Files.newOutputStream(config)) {
      p.store(out, "message center " + instanceId);
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-Xmx512m",
            "-cp",
            System.getProperty("java.class.path"),
            "org.msgcenter.center.MessageCenter",
            config.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(instanceId + ".log").toFile())
        .start();
  }

  private static NotificationPublisher publisher(CenterHarness harness) {
    return NotificationPublisher.kafka(
        PublisherConfig.builder()
            .bootstrapServers(harness.kafka.bootstrapServers())
            .topic(harness.topic("notifications"))
            .highTopic(harness.topic("notifications.high"))
            .build());
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static LocalDateTime parse(String sqlTime) {
    return LocalDateTime.parse(sqlTime, SQL_TIME);
  }

  private static String uuid(String hex) {
    return InAppAndWebhookIT.uuid(hex);
  }

  private static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }
}
