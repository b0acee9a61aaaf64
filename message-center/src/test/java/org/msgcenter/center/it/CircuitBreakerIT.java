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
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.msgcenter.api.Notification;
import org.msgcenter.api.Recipient;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.TestDatabase;

/**
 * A webhook endpoint failing every request, then recovering: the circuit opens, no attempt is spent
 * while it is open, and everything is delivered after recovery.
 */
@ExtendWith(EmbeddedInfrastructure.class)
class CircuitBreakerIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static String metrics(CenterHarness harness) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + harness.center.httpPort() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static boolean circuit(CenterHarness harness, String state)
      throws IOException, InterruptedException {
    return metrics(harness)
        .lines()
        .anyMatch(
            l ->
                l.startsWith("resilience4j_circuitbreaker_state{")
                    && l.contains("name=\"webhook\"")
                    && l.contains("state=\"" + state + "\"")
                    && l.endsWith(" 1.0"));
  }

  @Test
  void
      an_endpoint_failing_then_recovering_opens_the_circuit_spends_no_attempts_while_open_and_gets_everything(
          EmbeddedKafka kafka, TestDatabase db, @TempDir Path dir) throws Exception {
    try (WebhookSink sink = new WebhookSink().answer("/flaky", 503);
        CenterHarness harness =
            new CenterHarness(kafka, db.jdbcUrl(), db.user(), db.password(), dir)) {
      harness.set("route.flaky.channels", "webhook");
      harness.set("route.flaky.target.webhook", sink.url("/flaky"));
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

      List<Notification> sent =
          IntStream.range(0, 30)
              .mapToObj(
                  i ->
                      Notification.builder()
                          .bizType("flaky")
                          .recipient(Recipient.ofUser("u-" + i))
                          .content("n" + i)
                          .build())
              .toList();
      sent.forEach(harness::publish);

      await().atMost(WAIT).until(() -> circuit(harness, "open"));
      int requestsWhenOpen = sink.received("/flaky").size();
      long attemptsWhenOpen = harness.count("SELECT COUNT(*) FROM delivery_attempt");
      // Well inside the 4 s the circuit stays open: nothing reaches the endpoint, nothing is spent.
      await().pollDelay(Duration.ofMillis(1_500)).atMost(WAIT).until(() -> true);
      assertThat(sink.received("/flaky")).hasSize(requestsWhenOpen);
      assertThat(harness.count("SELECT COUNT(*) FROM delivery_attempt"))
          .isEqualTo(attemptsWhenOpen);
      assertThat(
              harness.count("SELECT COUNT(*) FROM delivery WHERE status IN ('PENDING','RETRYING')"))
          .isPositive();

      sink.answer("/flaky", 200);
      await()
          .atMost(WAIT)
          .until(() -> harness.count("SELECT COUNT(*) FROM delivery WHERE status = 'SENT'") == 30);
      await().atMost(WAIT).until(() -> circuit(harness, "closed"));

      long failures =
          harness.count(
              "SELECT COUNT(*) FROM delivery_attempt WHERE outcome = 'RETRYABLE_FAILURE'");
      long answered503 = sink.received("/flaky").size() - 30;
      assertThat(failures)
          .as("every failed attempt is one 503 the endpoint gave")
          .isEqualTo(answered503);
      assertThat(failures)
          .as("attempts stop once the circuit opens: far fewer than one per delivery")
          .isLessThan(30);
      assertThat(harness.count("SELECT COUNT(*) FROM message WHERE status = 'DELIVERED'"))
          .isEqualTo(30);
      // The operators' alert endpoint heard of the failure and of the recovery.
      await().atMost(WAIT).until(() -> sink.received("/alerts").size() >= 2);
      assertThat(sink.received("/alerts").get(0).body())
          .contains("\"alert\":\"channel.failing\"")
          .contains("\"channel\":\"webhook\"")
          .contains("\"failureRate\":100");
      assertThat(sink.received("/alerts"))
          .anySatisfy(r -> assertThat(r.body()).contains("\"alert\":\"channel.recovered\""));
    }
  }
}
