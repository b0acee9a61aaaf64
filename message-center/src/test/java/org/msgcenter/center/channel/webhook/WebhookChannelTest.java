package org.msgcenter.center.channel.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.msgcenter.center.channel.TestDeliveries.aDelivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.msgcenter.center.channel.ChannelOutcome;
import org.msgcenter.center.channel.ChannelOutcome.PermanentFailure;
import org.msgcenter.center.channel.ChannelOutcome.RetryableFailure;
import org.msgcenter.center.channel.ChannelOutcome.Sent;
import org.msgcenter.center.channel.TestChannelContext;
import org.msgcenter.center.channel.TestDeliveries;

class WebhookChannelTest {
  private static final String SECRET = "whsec-test-0123456789";
  private static final Instant NOW = Instant.parse("2025-01-02T03:04:10Z");

  private TestHttpServer server;
  private WebhookChannel channel;
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void start() throws Exception {
    server = new TestHttpServer();
    channel = channel("2s");
  }

  @AfterEach
  void stop() {
    release.countDown();
    channel.close();
    server.close();
  }

  private static WebhookChannel channel(String timeout) {
    return (WebhookChannel)
        new WebhookChannelProvider()
            .create(
                new TestChannelContext("webhook")
                    .with("secret", SECRET)
                    .with("allowPrivateTargets", "true")
                    .with("timeout", timeout)
                    .clock(Clock.fixed(NOW, ZoneOffset.UTC)));
  }

  private ChannelOutcome send(String url) throws Exception {
    return channel.send(aDelivery("webhook", url)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void http_2xx_is_sent_with_the_request_id_as_receipt() throws Exception {
    server.answer("/hook", 202, "X-Request-Id", "req-981");

    assertThat(send(server.url("/hook"))).isEqualTo(new Sent("req-981"));
  }

  @Test
  void http_2xx_without_request_id_has_the_status_as_receipt() throws Exception {
    server.answer("/hook", 204);

    assertThat(send(server.url("/hook"))).isEqualTo(new Sent("HTTP 204"));
  }

  @Test
  void signature_verifies_over_timestamp_dot_body_with_the_secret() throws Exception {
    server.answer("/hook", 200);

    send(server.url("/hook"));

    TestHttpServer.Request request = server.requests("/hook").get(0);
    assertThat(request.header("X-Msgcenter-Timestamp")).isEqualTo("1735787050");
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((request.header("X-Msgcenter-Timestamp") + ".").getBytes(StandardCharsets.UTF_8));
    String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(request.body()));
    assertThat(request.header("X-Msgcenter-Signature")).isEqualTo(expected);
    assertThat(new WebhookSigner(SECRET).verify(expected, 1735787050L, request.body())).isTrue();
  }

  @Test
  void request_carries_the_ids_as_headers_and_the_delivery_id_as_idempotency_key()
      throws Exception {
    server.answer("/hook", 200);

    send(server.url("/hook"));

    TestHttpServer.Request request = server.requests("/hook").get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.header("Content-Type")).isEqualTo("application/json");
    assertThat(request.header("User-Agent")).isEqualTo("msgcenter-webhook/1");
    assertThat(request.header("Idempotency-Key")).isEqualTo(TestDeliveries.DELIVERY_ID);
    assertThat(request.header("X-Msgcenter-Delivery-Id")).isEqualTo(TestDeliveries.DELIVERY_ID);
    assertThat(request.header("X-Msgcenter-Message-Id")).isEqualTo(TestDeliveries.MESSAGE_ID);
    assertThat(request.header("X-Msgcenter-Trace-Id")).isEqualTo(TestDeliveries.TRACE_ID);
  }

  @Test
  void body_is_the_documented_json() throws Exception {
    server.answer("/hook", 200);

    send(server.url("/hook"));

    String body = new String(server.requests("/hook").get(0).body(), StandardCharsets.UTF_8);
    assertThat(body)
        .isEqualTo(
            "{\"messageId\":\"%s\",\"deliveryId\":\"%s\",\"traceId\":\"%s\","
                    .formatted(
                        TestDeliveries.MESSAGE_ID,
                        TestDeliveries.DELIVERY_ID,
                        TestDeliveries.TRACE_ID)
                + "\"bizType\":\"payment.succeeded\",\"bizId\":\"T-20250102-1\",\"userId\":\"u-42\","
                + "\"title\":\"Money arrived\",\"content\":\"Your transfer of 120.00 CNY arrived.\","
                + "\"data\":{\"amount\":120.00,\"currency\":\"CNY\",\"tags\":[\"transfer\",\"incoming\"]},"
                + "\"createdAt\":\"2025-01-02T03:04:05.678Z\",\"attempt\":1}");
    JsonNode json = new ObjectMapper().readTree(body);
    assertThat(json.get("data").get("amount").decimalValue()).isEqualByComparingTo("120.00");
  }

  @ParameterizedTest(name = "http_{0}_is_a_retryable_failure")
  @ValueSource(ints = {500, 502, 503})
  void server_errors_are_retryable_failures(int status) throws Exception {
    server.answer("/hook", status);

    assertThat(send(server.url("/hook")))
        .isEqualTo(new RetryableFailure("HTTP " + status + " from " + server.url("/***")));
  }

  @Test
  void http_429_is_a_retryable_failure_after_its_retry_after() throws Exception {
    server.answer("/hook", 429, "Retry-After", "120");

    assertThat(send(server.url("/hook")))
        .isEqualTo(
            new RetryableFailure("HTTP 429 from " + server.url("/***"), Duration.ofSeconds(120)));
  }

  @Test
  void http_503_with_a_retry_after_date_waits_until_then() throws Exception {
    server.answer("/hook", 503, "Retry-After", "Thu, 02 Jan 2025 03:05:10 GMT");

    assertThat(send(server.url("/hook")))
        .isInstanceOfSatisfying(
            RetryableFailure.class,
            f -> assertThat(f.retryAfter()).isEqualTo(Duration.ofSeconds(60)));
  }

  @ParameterizedTest(name = "http_{0}_is_a_permanent_failure")
  @ValueSource(ints = {400, 404, 410})
  void client_errors_are_permanent_failures(int status) throws Exception {
    server.answer("/hook", status);

    assertThat(send(server.url("/hook")))
        .isEqualTo(new PermanentFailure("HTTP " + status + " from " + server.url("/***")));
  }

  @Test
  void a_permanent_failure_quotes_the_start_of_the_response() throws Exception {
    server.on(
        "/hook",
        (ex, req) -> TestHttpServer.respond(ex, 400, "bad signature\n" + "x".repeat(5000)));

    assertThat(send(server.url("/hook")))
        .isInstanceOfSatisfying(
            PermanentFailure.class,
            f ->
                assertThat(f.reason())
                    .startsWith("HTTP 400 from " + server.url("/***") + ": bad signature x")
                    .hasSizeLessThan(200));
  }

  @Test
  void http_302_is_a_permanent_failure_and_the_redirect_is_not_followed() throws Exception {
    server.answer("/hook", 302, "Location", server.url("/internal-admin"));

    ChannelOutcome outcome = send(server.url("/hook"));

    assertThat(outcome).isInstanceOf(PermanentFailure.class);
    assertThat(((PermanentFailure) outcome).reason()).contains("HTTP 302").contains("redirect");
    assertThat(server.requests("/internal-admin")).isEmpty();
  }

  @Test
  void a_server_slower_than_the_timeout_is_a_retryable_failure() throws Exception {
    channel.close();
    channel = channel("300ms");
    server.on(
        "/slow",
        (ex, req) -> {
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          TestHttpServer.respond(ex, 200, "");
        });

    long start = System.nanoTime();
    ChannelOutcome outcome = send(server.url("/slow"));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(outcome).isInstanceOf(RetryableFailure.class);
    assertThat(((RetryableFailure) outcome).reason())
        .isEqualTo("timed out after 300ms waiting for " + server.url("/***"));
    assertThat(took).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void a_closed_port_is_a_retryable_failure() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }

    ChannelOutcome outcome = send("http://127.0.0.1:" + port + "/hook?token=abc");

    assertThat(outcome).isInstanceOf(RetryableFailure.class);
    assertThat(((RetryableFailure) outcome).reason())
        .startsWith("cannot connect to http://127.0.0.1:" + port + "/***")
        .doesNotContain("token");
  }
}
