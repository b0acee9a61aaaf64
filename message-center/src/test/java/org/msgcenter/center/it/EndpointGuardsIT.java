package org.msgcenter.center.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.msgcenter.api.Notification;
import org.msgcenter.api.Recipient;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.TestDatabase;

/**
 * Rate limits and circuit breakers per provider endpoint ({@code channel.<name>.endpoint.*}): one
 * endpoint's limit or failure holds back that endpoint only, not the rest of its channel.
 */
@ExtendWith(EmbeddedInfrastructure.class)
class EndpointGuardsIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  /** The tests share a database: each counts its own deliveries. */
  private static final String OF_STATEMENTS =
      "SELECT COUNT(*) FROM delivery d JOIN message m ON m.message_id = d.message_id"
          + " WHERE m.biz_type LIKE '%.statement'";

  @Test
  void an_endpoint_with_its_own_rate_limit_keeps_it_and_holds_up_no_other_endpoint(
      EmbeddedKafka kafka, TestDatabase db, @TempDir Path dir) throws Exception {
    int limited = 1_500;
    int rate = 100;
    int others = 500;
    try (KeyedSink partner = new KeyedSink(4);
        KeyedSink other = new KeyedSink(4);
        CenterHarness harness =
            new CenterHarness(kafka, db.jdbcUrl(), db.user(), db.password(), dir)) {
      harness.set("route.partner.*.channels", "webhook");
      harness.set("route.partner.*.target.webhook", partner.url("/hook"));
      harness.set("route.other.*.channels", "webhook");
      harness.set("route.other.*.target.webhook", other.url("/hook"));
      harness.set("channel.webhook.endpoint.partner.url", partner.url("/"));
      harness.set("channel.webhook.endpoint.partner.rateLimit.perSecond", String.valueOf(rate));
      harness.set("channel.webhook.capacity", "100");
      harness.set("channel.webhook.timeout", "10s");
      harness.set("poller.interval", "100ms");
      harness.start();

      publishAll(harness, limited, "partner.statement");
      await().atMost(WAIT).until(() -> harness.count(OF_STATEMENTS) == limited);
      // Behind the partner's backlog, deliveries of the same channel to another receiver.
      long t0 = System.nanoTime();
      publishAll(harness, others, "other.statement");
      await().atMost(WAIT).until(() -> other.count() == others);
      double othersDone = (System.nanoTime() - t0) / 1e9;
      int partnerWhenOthersDone = partner.count();
      System.out.printf(
          "The other endpoint got all %d %.2f s after they were published; the partner had %d of"
              + " %d then%n",
          others, othersDone, partnerWhenOthersDone, limited);
      await().atMost(WAIT).until(() -> partner.count() == limited);

      long[] arrivals =
          partner.hits().stream().mapToLong(KeyedSink.Hit::arrivedNanos).sorted().toArray();
      double span = (arrivals[arrivals.length - 1] - arrivals[0]) / 1e9;
      int busiest = busiestWindow(arrivals, TimeUnit.SECONDS.toNanos(1));
      System.out.printf(
          "Partner: %d requests in %.2f s, at most %d in any sliding second (limit %d)%n",
          limited, span, busiest, rate);
      // A sliding second overlaps at most two of the limiter's cycles.
      assertThat(busiest)
          .as("partner requests in the busiest sliding second")
          .isLessThanOrEqualTo(2 * rate);
      assertThat(span).as("seconds from first to last partner request").isGreaterThan(13.0);
      assertThat(partnerWhenOthersDone)
          .as("partner requests when the other endpoint had all of its own")
          .isLessThan(limited - 3 * rate);
      assertThat(partner.perKey().values()).as("requests per partner delivery").containsOnly(1);
      assertThat(other.perKey().values()).as("requests per other delivery").containsOnly(1);
      await()
          .atMost(WAIT)
          .until(() -> harness.count(OF_STATEMENTS + " AND d.status = 'SENT'") == limited + others);
      assertThat(
              harness.count(
                  "SELECT COUNT(*) FROM delivery_attempt a JOIN delivery d"
                      + " ON d.delivery_id = a.delivery_id JOIN message m"
                      + " ON m.message_id = d.message_id WHERE m.biz_type LIKE '%.statement'"))
          .as("one attempt per delivery: waiting for the limit spends none")
          .isEqualTo(limited + others);
    }
  }

  @Test
  void a_failing_endpoint_opens_its_own_circuit_and_its_channel_keeps_sending_to_the_others(
      EmbeddedKafka kafka, TestDatabase db, @TempDir Path dir) throws Exception {
    try (WebhookSink sink = new WebhookSink().answer("/flaky", 503);
        CenterHarness harness =
            new CenterHarness(kafka, db.jdbcUrl(), db.user(), db.password(), dir)) {
      harness.set("route.flaky.channels", "webhook");
      harness.set("route.flaky.target.webhook", sink.url("/flaky"));
      harness.set("route.steady.channels", "webhook");
      harness.set("route.steady.target.webhook", sink.url("/steady"));
      harness.set("channel.webhook.endpoint.flaky.url", sink.url("/flaky"));
      harness.set("channel.webhook.capacity", "4");
      harness.set("channel.webhook.reservedForHigh", "0");
      harness.set("channel.webhook.circuit.window", "10");
      harness.set("channel.webhook.circuit.minimumCalls", "5");
      harness.set("channel.webhook.circuit.openDuration", "4s");
      harness.set("channel.webhook.circuit.halfOpenCalls", "2");
      harness.set("channel.webhook.retry.maxAttempts", "50");
      harness.set("channel.webhook.retry.initialBackoff", "200ms");
      harness.set("channel.webhook.retry.maxBackoff", "500ms");
      harness.set("poller.interval", "100ms");
      harness.set("alerts.webhookUrl", sink.url("/alerts"));
      harness.start();

      for (int i = 0; i < 30; i++) {
        harness.publish(notification("flaky", i));
      }
      await().atMost(WAIT).until(() -> circuit(harness, "webhook/flaky", "open"));
      int requestsWhenOpen = sink.received("/flaky").size();
      // The same channel, another endpoint: sent while the flaky one is paused.
      for (int i = 0; i < 30; i++) {
        harness.publish(notification("steady", i));
      }
      await().atMost(WAIT).until(() -> sink.received("/steady").size() == 30);
      assertThat(circuit(harness, "webhook/flaky", "open")).as("flaky circuit still open").isTrue();
      assertThat(circuit(harness, "webhook", "closed")).as("channel circuit").isTrue();
      assertThat(sink.received("/flaky")).as("flaky requests while open").hasSize(requestsWhenOpen);

      sink.answer("/flaky", 200);
      await()
          .atMost(WAIT)
          .until(
              () ->
                  harness.count(
                          "SELECT COUNT(*) FROM delivery d JOIN message m"
                              + " ON m.message_id = d.message_id"
                              + " WHERE m.biz_type IN ('flaky','steady') AND d.status = 'SENT'")
                      == 60);
      await().atMost(WAIT).until(() -> circuit(harness, "webhook/flaky", "closed"));
      assertThat(
              harness.count(
                  "SELECT COUNT(*) FROM delivery_attempt WHERE outcome = 'RETRYABLE_FAILURE'"))
          .as("failed attempts: they stop once the endpoint's circuit opens")
          .isLessThan(30);
      await().atMost(WAIT).until(() -> sink.received("/alerts").size() >= 2);
      assertThat(sink.received("/alerts").get(0).body())
          .contains("\"alert\":\"channel.failing\"")
          .contains("\"channel\":\"webhook\"")
          .contains("\"endpoint\":\"flaky\"");
      assertThat(sink.received("/alerts"))
          .anySatisfy(
              r ->
                  assertThat(r.body())
                      .contains("\"alert\":\"channel.recovered\"")
                      .contains("\"endpoint\":\"flaky\""));
    }
  }

  @Test
  void deliveries_of_no_endpoint_wait_out_their_channels_open_circuit_without_blocking_endpoints(
      EmbeddedKafka kafka, TestDatabase db, @TempDir Path dir) throws Exception {
    try (WebhookSink sink = new WebhookSink().answer("/down", 503);
        CenterHarness harness =
            new CenterHarness(kafka, db.jdbcUrl(), db.user(), db.password(), dir)) {
      harness.set("route.down.channels", "webhook");
      harness.set("route.down.target.webhook", sink.url("/down"));
      harness.set("route.partner.channels", "webhook");
      harness.set("route.partner.target.webhook", sink.url("/partner"));
      harness.set("channel.webhook.endpoint.partner.url", sink.url("/partner"));
      harness.set("channel.webhook.capacity", "4");
      harness.set("channel.webhook.reservedForHigh", "0");
      harness.set("channel.webhook.circuit.window", "10");
      harness.set("channel.webhook.circuit.minimumCalls", "5");
      // Longer than the test waits for the partner: only a held backlog lets the partner through.
      harness.set("channel.webhook.circuit.openDuration", "60s");
      harness.set("channel.webhook.retry.maxAttempts", "50");
      harness.set("channel.webhook.retry.initialBackoff", "100ms");
      harness.set("channel.webhook.retry.maxBackoff", "200ms");
      harness.set("poller.interval", "100ms");
      harness.start();

      for (int i = 0; i < 60; i++) {
        harness.publish(notification("down", i));
      }
      await().atMost(WAIT).until(() -> circuit(harness, "webhook", "open"));
      // The channel's failing deliveries are due again within 200 ms, ahead of anything new.
      for (int i = 0; i < 40; i++) {
        harness.publish(notification("partner", i));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> sink.received("/partner").size() == 40);
      assertThat(circuit(harness, "webhook", "open")).as("channel circuit still open").isTrue();
      assertThat(
              harness.count(
                  "SELECT COUNT(*) FROM delivery d JOIN message m ON m.message_id = d.message_id"
                      + " WHERE m.biz_type = 'down' AND d.status IN ('PENDING','RETRYING')"
                      + " AND d.next_attempt_at > UTC_TIMESTAMP(3) + INTERVAL 30 SECOND"))
          .as("failing deliveries waiting for the circuit to half-open")
          .isGreaterThan(0);
    }
  }

  private static void publishAll(CenterHarness harness, int count, String bizType) {
    List<CompletableFuture<?>> acks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      acks.add(harness.publisher.publish(notification(bizType, i)));
    }
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
  }

  private static Notification notification(String bizType, int i) {
    return Notification.builder()
        .bizType(bizType)
        .recipient(Recipient.ofUser("u-" + (i % 100)))
        .content(bizType + " " + i)
        .build();
  }

  private static boolean circuit(CenterHarness harness, String name, String state)
      throws IOException, InterruptedException {
    String metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + harness.center.httpPort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return metrics
        .lines()
        .anyMatch(
            l ->
                l.startsWith("resilience4j_circuitbreaker_state{")
                    && l.contains("name=\"" + name + "\"")
                    && l.contains("state=\"" + state + "\"")
                    && l.endsWith(" 1.0"));
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
}
