package org.msgcenter.access.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TokensTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");

  @Test
  void a_token_names_the_user_and_expires_after_its_ttl() {
    Tokens issuer = new Tokens("s3cret", Duration.ofHours(1), Clock.fixed(NOW, ZoneOffset.UTC));
    Tokens.Issued t = issuer.issue("u-1001");

    var jwt = JWT.decode(t.token());
    assertThat(jwt.getAlgorithm()).isEqualTo("HS256");
    assertThat(jwt.getSubject()).isEqualTo("u-1001");
    assertThat(jwt.getExpiresAtAsInstant()).isEqualTo(NOW.plus(Duration.ofHours(1)));
    assertThat(issuer.verify(t.token())).contains("u-1001");

    Tokens later =
        new Tokens(
            "s3cret", Duration.ofHours(1), Clock.fixed(NOW.plusSeconds(3601), ZoneOffset.UTC));
    assertThat(later.verify(t.token())).isEmpty();
  }

  @Test
  void a_token_signed_with_another_secret_or_tampered_with_is_refused() {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    Tokens ours = new Tokens("s3cret", Duration.ofHours(1), clock);
    Tokens theirs = new Tokens("other", Duration.ofHours(1), clock);
    String token = theirs.issue("u-1001").token();
    assertThat(ours.verify(token)).isEmpty();
    assertThat(ours.verify("not.a.token")).isEmpty();
  }
}
