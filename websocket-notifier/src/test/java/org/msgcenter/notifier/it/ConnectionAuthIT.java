package org.msgcenter.notifier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.msgcenter.notifier.Notifier;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.TestDatabase;

/**
 * Who may connect: tokens in the auth payload and the query string (forged, expired, missing,
 * malformed), browser origins, tokens that expire while connected; and the health and metrics that
 * count connections. A real message center and notifier, official Socket.IO Java clients.
 */
@ExtendWith(EmbeddedInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionAuthIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private Stack stack;
  private Notifier one;
  private final List<TestClient> clients = new ArrayList<>();

  @BeforeAll
  void start(EmbeddedKafka kafka, TestDatabase db, @TempDir Path dir) {
    stack = new Stack(kafka, db, dir);
    one = stack.startNotifier();
  }

  @AfterAll
  void stop() {
    clients.forEach(TestClient::close);
    if (stack != null) {
      stack.close();
    }
  }

  private static String user() {
    return "user-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private TestClient connected(TestClient c) {
    clients.add(c);
    c.connect();
    await().atMost(WAIT).until(() -> c.connected && !c.replays.isEmpty());
    return c;
  }

  private TestClient client(Notifier n, String userId) {
    return connected(TestClient.withAuth(n.socketIoPort(), stack.token(userId), null));
  }

  @Test
  void a_connection_ends_when_its_token_expires() {
    String user = user();
    String token =
        com.auth0
            .jwt
            .JWT
            .create()
            .withSubject(user)
            .withExpiresAt(java.time.Instant.now().plusSeconds(3))
            .sign(com.auth0.jwt.algorithms.Algorithm.HMAC256(Stack.JWT_SECRET));
    TestClient c = connected(TestClient.withAuth(one.socketIoPort(), token, null));
    java.util.List<Object> expired = new java.util.concurrent.CopyOnWriteArrayList<>();
    c.socket.on("token_expired", args -> expired.add(args[0]));

    await().atMost(WAIT).until(() -> !c.connected);
    assertThat(expired).hasSize(1);
  }

  @Test
  void browsers_connect_only_from_the_allowed_origins() {
    String user = user();
    TestClient evil =
        TestClient.fromOrigin(one.socketIoPort(), stack.token(user), "http://evil.example");
    clients.add(evil.connect());
    TestClient page =
        connected(
            TestClient.fromOrigin(one.socketIoPort(), stack.token(user), "http://localhost:8080"));

    await().atMost(WAIT).until(() -> !evil.connectErrors.isEmpty());
    assertThat(evil.connected).isFalse();
    assertThat(page.connected).isTrue();
  }

  @Test
  void health_and_metrics_report_connections_emitted_acked_replayed_and_refused() throws Exception {
    String user = user();
    client(one, user);
    String messageId = stack.publish(user, "Counted");
    await().atMost(WAIT).until(() -> "ACKED".equals(stack.inAppStatus(messageId)));
    var http = java.net.http.HttpClient.newHttpClient();
    var health =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + one.httpPort() + "/health"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    String metrics =
        http.send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + one.httpPort() + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"");
    assertThat(metrics)
        .contains("notifier_clients_connected{")
        .contains("notifier_emitted_total{")
        .contains("notifier_acked_total{")
        .contains("notifier_replayed_total{")
        .contains("notifier_refused_total{");
    assertThat(sample(metrics, "notifier_acked_total")).isGreaterThanOrEqualTo(1);
    assertThat(sample(metrics, "notifier_clients_connected")).isGreaterThanOrEqualTo(1);
  }

  private static double sample(String metrics, String name) {
    return metrics
        .lines()
        .filter(l -> l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static String refusal(TestClient c) {
    await().atMost(WAIT).until(() -> !c.connectErrors.isEmpty());
    Object error = c.connectErrors.get(0);
    assertThat(error).isInstanceOf(JSONObject.class);
    return ((JSONObject) error).optString("message")
        + " / "
        + ((JSONObject) error).optJSONObject("data").optString("reason");
  }

  @Test
  void forged_expired_and_missing_tokens_are_refused_with_a_clear_connect_error() {
    int port = one.socketIoPort();
    String user = user();
    TestClient forged = TestClient.withAuth(port, Tokens.forged(user), null);
    TestClient expired = TestClient.withAuth(port, Tokens.expired(Stack.JWT_SECRET, user), null);
    TestClient missing = TestClient.withAuth(port, null, null);
    TestClient notJwt = TestClient.withAuth(port, "abc.def", null);
    List.of(forged, expired, missing, notJwt).forEach(c -> clients.add(c.connect()));

    assertThat(refusal(forged)).contains("signature").endsWith("forged");
    assertThat(refusal(expired)).contains("expired").endsWith("expired");
    assertThat(refusal(missing)).contains("token is required").endsWith("missing");
    assertThat(refusal(notJwt)).endsWith("invalid");
    // Nothing reaches them: a notification for the user goes only to the user's real connection.
    TestClient real = client(one, user);
    String messageId = stack.publish(user, "Only for the real one");
    await().atMost(WAIT).until(() -> real.notifications.size() == 1);
    assertThat(real.messageIds()).containsExactly(messageId);
    List.of(forged, expired, missing, notJwt).forEach(c -> assertThat(c.notifications).isEmpty());
  }

  @Test
  void tokens_in_the_query_string_are_checked_the_same_way() {
    int port = one.socketIoPort();
    String user = user();
    TestClient forged = TestClient.withQuery(port, "token=" + Tokens.forged(user));
    TestClient none = TestClient.withQuery(port, null);
    TestClient badSince =
        TestClient.withQuery(port, "token=" + stack.token(user) + "&since=yesterday");
    List.of(forged, none, badSince).forEach(c -> clients.add(c.connect()));

    assertThat(refusal(forged)).endsWith("forged");
    assertThat(refusal(none)).endsWith("missing");
    assertThat(refusal(badSince)).contains("since").endsWith("bad_request");

    TestClient good = connected(TestClient.withQuery(port, "token=" + stack.token(user)));
    String messageId = stack.publish(user, "Query token");
    await().atMost(WAIT).until(() -> good.notifications.size() == 1);
    assertThat(good.messageIds()).containsExactly(messageId);
  }
}
