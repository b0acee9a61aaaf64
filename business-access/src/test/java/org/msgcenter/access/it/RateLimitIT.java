package org.msgcenter.access.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.msgcenter.access.it.Api.bearer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.EmbeddedMariaDb;
import org.msgcenter.testkit.TestDatabase;

/**
 * 429s from the rate limits: per user, per API key, per address for sign-ins. The limits are tiny
 * and the tests send many more requests than a limit allows, so a slow machine cannot spread them
 * over enough periods to stay under it.
 */
@ExtendWith(EmbeddedInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitIT {
  private static final int BURST = 40;

  private Stack stack;
  private Api api;
  private String alice;
  private String bob;

  @BeforeAll
  void start(EmbeddedKafka kafka, EmbeddedMariaDb mariaDb, TestDatabase db, @TempDir Path dir) {
    stack = new Stack(kafka, mariaDb, db, dir);
    stack.access.put("ratelimit.user.perSecond", "2");
    stack.access.put("ratelimit.apiKey.perSecond", "2");
    stack.access.put("ratelimit.signIn.perMinute", "4");
    stack.startAccess();
    api = stack.api();
    alice = api.signIn("alice", "alice-demo-pass");
    bob = api.signIn("bob", "bob-demo-pass");
  }

  @AfterAll
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void a_user_over_the_limit_gets_429_and_another_user_does_not() {
    List<Api.Response> responses = new ArrayList<>();
    for (int i = 0; i < BURST; i++) {
      responses.add(api.get("/api/me", bearer(alice)));
    }
    Api.Response limited =
        responses.stream().filter(r -> r.status() == 429).findFirst().orElseThrow();
    assertThat(responses).allMatch(r -> r.status() == 200 || r.status() == 429);
    assertThat(limited.json().path("error").asText()).isEqualTo("rate_limited");
    assertThat(limited.rule("(user)")).isEqualTo("at most 2 requests per second per user");
    assertThat(limited.header("Retry-After")).isEqualTo("1");

    assertThat(api.get("/api/me", bearer(bob)).status()).isEqualTo(200);
  }

  @Test
  void an_api_key_over_the_limit_gets_429() {
    String body =
        "{\"bizType\":\"billing.invoice\",\"recipient\":{\"userId\":\"u-1\"},\"content\":\"x\"}";
    List<Integer> statuses = new ArrayList<>();
    Api.Response limited = null;
    for (int i = 0; i < BURST && limited == null; i++) {
      Api.Response r = api.post("/api/notifications", body, Map.of("X-Api-Key", Stack.API_KEY));
      statuses.add(r.status());
      if (r.status() == 429) {
        limited = r;
      }
    }
    assertThat(limited).as("statuses %s", statuses).isNotNull();
    assertThat(statuses).containsOnly(202, 429);
    assertThat(limited.rule("X-Api-Key")).isEqualTo("at most 2 requests per second per API key");
  }

  @Test
  void sign_ins_from_one_address_over_the_limit_get_429_even_with_the_right_password() {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      statuses.add(
          api.post(
                  "/api/sessions",
                  "{\"username\":\"carol\",\"password\":\"carol-demo-pass\"}",
                  Map.of())
              .status());
    }
    // Four a minute, two of them spent by the class's own sign-ins.
    assertThat(statuses).contains(429).startsWith(201);
    assertThat(statuses.subList(statuses.indexOf(429), statuses.size())).containsOnly(429);
    Api.Response r =
        api.post("/api/sessions", "{\"username\":\"carol\",\"password\":\"x\"}", Map.of());
    assertThat(r.status()).isEqualTo(429);
    assertThat(r.header("Retry-After")).isEqualTo("60");
    assertThat(r.fields()).containsExactly("(client)");
  }
}
