package org.msgcenter.access.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.msgcenter.access.it.Api.bearer;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.msgcenter.access.AccessServer;
import org.msgcenter.access.http.Routes;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.EmbeddedMariaDb;
import org.msgcenter.testkit.TestDatabase;

/**
 * What the access server refuses, over real HTTP: bad input (each error names the field and the
 * rule), missing or wrong credentials (401), the wrong kind of credentials (403), oversized bodies
 * (413); and the OpenAPI document, which must list every route. No message center runs here: none
 * of these requests gets that far.
 */
@ExtendWith(EmbeddedInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessGuardsIT {
  private Stack stack;
  private AccessServer server;
  private Api api;
  private String alice;

  @BeforeAll
  void start(EmbeddedKafka kafka, EmbeddedMariaDb mariaDb, TestDatabase db, @TempDir Path dir) {
    stack = new Stack(kafka, mariaDb, db, dir);
    stack.access.put("http.maxRequestBytes", "2048");
    server = stack.startAccess();
    api = stack.api();
    alice = api.signIn("alice", "alice-demo-pass");
  }

  @AfterAll
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void a_transfer_with_bad_fields_names_each_field_and_its_rule() {
    Api.Response r =
        api.post(
            "/api/payment/transfer",
            "{\"to\":\"\",\"amount\":\"12.345\",\"note\":5,\"requestId\":\"a b\"}",
            bearer(alice));

    assertThat(r.status()).as("%s", r).isEqualTo(400);
    assertThat(r.json().path("error").asText()).isEqualTo("invalid_request");
    assertThat(r.rule("to")).isEqualTo("must not be blank");
    assertThat(r.rule("amount")).isEqualTo("must have at most 2 digits after the point");
    assertThat(r.rule("note")).isEqualTo("must be a string");
    assertThat(r.rule("requestId")).isEqualTo("must be letters, digits and . _ : -");
  }

  @Test
  void missing_fields_and_out_of_range_numbers_are_named() {
    Api.Response missing = api.post("/api/payment/transfer", "{}", bearer(alice));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.rule("to")).isEqualTo("is required");
    assertThat(missing.rule("amount")).isEqualTo("is required");

    Api.Response negative =
        api.post("/api/payment/transfer", "{\"to\":\"bob\",\"amount\":-5}", bearer(alice));
    assertThat(negative.rule("amount")).isEqualTo("must be at least 0.01");

    Api.Response words =
        api.post("/api/payment/transfer", "{\"to\":\"bob\",\"amount\":\"ten\"}", bearer(alice));
    assertThat(words.rule("amount")).isEqualTo("must be a decimal number like 120.50");

    Api.Response quantity =
        api.post(
            "/api/order/create",
            "{\"item\":\"Pen\",\"quantity\":1.5,\"amount\":\"1.00\"}",
            bearer(alice));
    assertThat(quantity.rule("quantity")).isEqualTo("must be a whole number");
  }

  @Test
  void business_rules_answer_422_with_the_field() {
    Api.Response self =
        api.post("/api/payment/transfer", "{\"to\":\"alice\",\"amount\":\"1\"}", bearer(alice));
    assertThat(self.status()).isEqualTo(422);
    assertThat(self.rule("to")).isEqualTo("must be another user than yourself");

    Api.Response nobody =
        api.post("/api/payment/transfer", "{\"to\":\"mallory\",\"amount\":\"1\"}", bearer(alice));
    assertThat(nobody.status()).isEqualTo(422);
    assertThat(nobody.rule("to")).isEqualTo("names no user");
  }

  @Test
  void a_transfer_retried_with_its_request_id_moves_money_once() {
    String carol = api.signIn("carol", "carol-demo-pass");
    BigDecimal before = balance(carol);
    String body = "{\"to\":\"bob\",\"amount\":\"3.00\",\"requestId\":\"pay-42\"}";

    Api.Response first = api.post("/api/payment/transfer", body, bearer(carol));
    Api.Response retry = api.post("/api/payment/transfer", body, bearer(carol));

    assertThat(first.status()).as("%s", first).isEqualTo(201);
    assertThat(retry.status()).as("%s", retry).isEqualTo(200);
    assertThat(retry.json().path("transfer").path("transferId"))
        .isEqualTo(first.json().path("transfer").path("transferId"));
    assertThat(balance(carol)).isEqualByComparingTo(before.subtract(new BigDecimal("3.00")));
    assertThat(
            stack.accessRows(
                "SELECT COUNT(*) AS n FROM msgcenter_outbox WHERE payload LIKE ?",
                "%" + first.json().path("transfer").path("transferId").asText() + "%"))
        .extracting(r -> ((Number) r.get("n")).intValue())
        .containsExactly(2);

    Api.Response other =
        api.post(
            "/api/payment/transfer",
            "{\"to\":\"bob\",\"amount\":\"4.00\",\"requestId\":\"pay-42\"}",
            bearer(carol));
    assertThat(other.status()).isEqualTo(409);
    assertThat(other.rule("requestId"))
        .startsWith("was used for another transfer (3.00 to u-1002)");
  }

  private BigDecimal balance(String token) {
    return api.get("/api/payment/balance", bearer(token)).json().path("balance").decimalValue();
  }

  @Test
  void a_body_that_is_not_a_json_object_is_refused() {
    assertThat(api.post("/api/payment/transfer", "not json", bearer(alice)).fields())
        .containsExactly("(body)");
    Api.Response array = api.post("/api/payment/transfer", "[1,2]", bearer(alice));
    assertThat(array.status()).isEqualTo(400);
    assertThat(array.rule("(body)")).isEqualTo("must be a JSON object");
  }

  @Test
  void a_body_over_the_limit_is_refused_with_413() {
    String big = "{\"to\":\"bob\",\"amount\":\"1\",\"note\":\"" + "x".repeat(4000) + "\"}";
    Api.Response r = api.post("/api/payment/transfer", big, bearer(alice));
    assertThat(r.status()).as("%s", r).isEqualTo(413);
    assertThat(r.rule("(body)")).isEqualTo("must be at most 2048 bytes");
  }

  @Test
  void requests_without_a_valid_token_get_401() {
    Api.Response none = api.get("/api/me/inbox", Map.of());
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(none.fields()).containsExactly("Authorization");

    String forged =
        JWT.create()
            .withSubject("u-1001")
            .withExpiresAt(Instant.now().plusSeconds(600))
            .sign(Algorithm.HMAC256("another-secret"));
    assertThat(api.get("/api/me", bearer(forged)).status()).isEqualTo(401);

    String expired =
        JWT.create()
            .withSubject("u-1001")
            .withExpiresAt(Instant.now().minusSeconds(60))
            .sign(Algorithm.HMAC256("local-dev-secret"));
    assertThat(api.get("/api/me", bearer(expired)).status()).isEqualTo(401);

    String noExpiry =
        JWT.create().withSubject("u-1001").sign(Algorithm.HMAC256("local-dev-secret"));
    assertThat(api.get("/api/me", bearer(noExpiry)).status()).isEqualTo(401);

    assertThat(api.get("/api/me", bearer(alice)).json().path("userId").asText())
        .isEqualTo("u-1001");
  }

  @Test
  void the_token_is_hs256_with_the_user_id_as_subject_and_an_expiry() {
    var jwt = JWT.require(Algorithm.HMAC256("local-dev-secret")).build().verify(alice);
    assertThat(jwt.getAlgorithm()).isEqualTo("HS256");
    assertThat(jwt.getSubject()).isEqualTo("u-1001");
    assertThat(jwt.getExpiresAtAsInstant()).isAfter(Instant.now());
  }

  @Test
  void a_password_change_takes_effect_and_notifies_the_user() {
    String bob = api.signIn("bob", "bob-demo-pass");
    String path = "/api/account/change-password";

    Api.Response wrong =
        api.post(
            path,
            "{\"currentPassword\":\"guess\",\"newPassword\":\"bob-new-password\"}",
            bearer(bob));
    assertThat(wrong.status()).isEqualTo(422);
    assertThat(wrong.fields()).containsExactly("currentPassword");
    Api.Response shortOne =
        api.post(
            path, "{\"currentPassword\":\"bob-demo-pass\",\"newPassword\":\"short\"}", bearer(bob));
    assertThat(shortOne.status()).isEqualTo(400);
    assertThat(shortOne.rule("newPassword")).isEqualTo("must be at least 10 characters");

    Api.Response changed =
        api.post(
            path,
            "{\"currentPassword\":\"bob-demo-pass\",\"newPassword\":\"bob-new-password\"}",
            bearer(bob));
    try {
      assertThat(changed.status()).as("%s", changed).isEqualTo(200);
      assertThat(
              api.post(
                      "/api/sessions",
                      "{\"username\":\"bob\",\"password\":\"bob-demo-pass\"}",
                      Map.of())
                  .status())
          .isEqualTo(401);
      api.signIn("bob", "bob-new-password");
      assertThat(
              stack.accessRows(
                  "SELECT COUNT(*) AS n FROM msgcenter_outbox WHERE payload LIKE ?",
                  "%\"bizType\":\"account.password-changed\"%\"userId\":\"u-1002\"%"))
          .extracting(r -> ((Number) r.get("n")).intValue())
          .containsExactly(1);
    } finally {
      api.post(
          path,
          "{\"currentPassword\":\"bob-new-password\",\"newPassword\":\"bob-demo-pass\"}",
          bearer(bob));
    }
  }

  @Test
  void a_wrong_password_gets_401_without_saying_which_part_was_wrong() {
    Api.Response wrong =
        api.post("/api/sessions", "{\"username\":\"alice\",\"password\":\"nope\"}", Map.of());
    Api.Response unknown =
        api.post("/api/sessions", "{\"username\":\"zed\",\"password\":\"nope\"}", Map.of());
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.raw().body()).isEqualTo(unknown.raw().body());
    assertThat(wrong.fields()).containsExactly("(credentials)");
  }

  @Test
  void the_notification_endpoint_needs_an_api_key_and_refuses_user_tokens() {
    String body = "{\"bizType\":\"x.y\",\"recipient\":{\"userId\":\"u-1\"},\"content\":\"hi\"}";
    Api.Response none = api.post("/api/notifications", body, Map.of());
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.fields()).containsExactly("X-Api-Key");

    Api.Response wrong = api.post("/api/notifications", body, Map.of("X-Api-Key", "not-a-key-x"));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.rule("X-Api-Key")).isEqualTo("is not a known API key");

    Api.Response user = api.post("/api/notifications", body, bearer(alice));
    assertThat(user.status()).isEqualTo(403);
    assertThat(user.fields()).containsExactly("X-Api-Key");
  }

  @Test
  void an_invalid_notification_names_each_wire_format_field() {
    Api.Response r =
        api.post(
            "/api/notifications",
            "{\"bizType\":\"Not Valid\",\"recipient\":{\"email\":\"nope\"}}",
            Map.of("X-Api-Key", Stack.API_KEY));
    assertThat(r.status()).as("%s", r).isEqualTo(400);
    assertThat(r.fields()).contains("bizType", "recipient.email", "content");

    Api.Response priority =
        api.post(
            "/api/notifications",
            "{\"bizType\":\"a.b\",\"recipient\":{\"userId\":\"u-1\"},\"content\":\"x\","
                + "\"priority\":\"URGENT\"}",
            Map.of("X-Api-Key", Stack.API_KEY));
    assertThat(priority.fields()).containsExactly("priority");
  }

  @Test
  void bad_query_and_path_values_are_named() {
    assertThat(api.get("/api/messages/not-an-id", bearer(alice)).rule("id"))
        .isEqualTo("must be a message id (a UUIDv7 in canonical form)");
    assertThat(api.get("/api/me/inbox?limit=ten", bearer(alice)).fields()).containsExactly("limit");
    assertThat(api.get("/api/me/inbox?unreadOnly=maybe", bearer(alice)).rule("unreadOnly"))
        .isEqualTo("must be true or false");
    assertThat(api.post("/api/me/read", "{\"messageIds\":[\"x\"]}", bearer(alice)).fields())
        .containsExactly("messageIds[0]");
    assertThat(api.get("/api/nothing-here", Map.of()).status()).isEqualTo(404);
  }

  @Test
  void without_a_message_center_the_read_endpoints_answer_503() {
    Api.Response r = api.get("/api/me/inbox", bearer(alice));
    assertThat(r.status()).as("%s", r).isEqualTo(503);
    assertThat(r.json().path("error").asText()).isEqualTo("unavailable");
    assertThat(r.header("Retry-After")).isEqualTo("5");
  }

  @Test
  void the_openapi_document_lists_every_route_with_its_method() {
    JsonNode doc = api.get("/openapi.json", Map.of()).json();
    assertThat(doc.path("openapi").asText()).startsWith("3.");
    assertThat(server.routes()).hasSizeGreaterThan(10);
    for (Routes.Route route : server.routes()) {
      JsonNode item = doc.path("paths").path(route.path());
      assertThat(item.isObject()).as("path %s in the document", route.path()).isTrue();
      assertThat(item.has(route.method().name().toLowerCase(Locale.ROOT)))
          .as("%s %s in the document", route.method(), route.path())
          .isTrue();
    }
    // And nothing documented that does not exist.
    Iterator<String> paths = doc.path("paths").fieldNames();
    while (paths.hasNext()) {
      String p = paths.next();
      assertThat(server.routes()).anyMatch(r -> r.path().equals(p));
    }
    JsonNode transfer = doc.path("paths").path("/api/payment/transfer").path("post");
    assertThat(
            transfer
                .path("requestBody")
                .path("content")
                .path("application/json")
                .path("schema")
                .path("required"))
        .extracting(JsonNode::asText)
        .containsExactly("to", "amount");
  }

  @Test
  void metrics_show_requests_by_route_and_the_outbox_draining() {
    String carol = api.signIn("carol", "carol-demo-pass");
    assertThat(
            api.post("/api/payment/transfer", "{\"to\":\"bob\",\"amount\":1}", bearer(carol))
                .status())
        .isEqualTo(201);
    api.get("/api/messages/not-an-id", bearer(carol));

    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(() -> metric("msgcenter_outbox_waiting") == 0.0);
    assertThat(metric("msgcenter_outbox_published_total")).isGreaterThanOrEqualTo(2);
    String text = api.get("/metrics", Map.of()).raw().body();
    assertThat(text)
        .contains(
            "msgcenter_access_requests_seconds_count{method=\"POST\",route=\"/api/payment/transfer\",status=\"201\"}")
        .contains("route=\"/api/messages/{id}\",status=\"400\"");
  }

  /** The sum of a metric's samples. */
  private double metric(String name) {
    return api.get("/metrics", Map.of())
        .raw()
        .body()
        .lines()
        .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  @Test
  void the_demo_page_is_served_with_its_place_for_live_notifications() {
    Api.Response page = api.get("/", Map.of());
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.raw().body()).contains("id=\"live\"").doesNotContain("://cdn");
    assertThat(api.get("/app.js", Map.of()).status()).isEqualTo(200);
  }
}
