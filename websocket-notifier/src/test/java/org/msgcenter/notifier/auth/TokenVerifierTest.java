package org.msgcenter.notifier.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.msgcenter.notifier.auth.TokenVerifier.Reason;
import org.msgcenter.notifier.auth.TokenVerifier.Refused;
import org.msgcenter.notifier.auth.TokenVerifier.Verified;

class TokenVerifierTest {
  private static final String SECRET = "test-secret";
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
  private final TokenVerifier verifier =
      new TokenVerifier(SECRET, Duration.ofSeconds(5), Clock.fixed(NOW, ZoneOffset.UTC));

  private static String token(String secret, String sub, Instant exp) {
    var b = JWT.create().withIssuedAt(NOW.minusSeconds(60));
    if (sub != null) {
      b.withSubject(sub);
    }
    if (exp != null) {
      b.withExpiresAt(exp);
    }
    return b.sign(Algorithm.HMAC256(secret));
  }

  @Test
  void a_valid_token_names_its_user() {
    assertThat(verifier.verify(token(SECRET, "u-1", NOW.plusSeconds(60))))
        .isEqualTo(new Verified("u-1", NOW.plusSeconds(60)));
  }

  @Test
  void expiry_is_checked_against_the_injected_clock_with_the_leeway() {
    assertThat(verifier.verify(token(SECRET, "u-1", NOW.minusSeconds(3))))
        .isInstanceOf(Verified.class);
    assertThat(verifier.verify(token(SECRET, "u-1", NOW.minusSeconds(10))))
        .isInstanceOfSatisfying(
            Refused.class, r -> assertThat(r.reason()).isEqualTo(Reason.EXPIRED));
  }

  @Test
  void forged_missing_and_malformed_tokens_are_refused_with_their_reason() {
    assertThat(((Refused) verifier.verify(token("other", "u-1", NOW.plusSeconds(60)))).reason())
        .isEqualTo(Reason.FORGED);
    assertThat(((Refused) verifier.verify(null)).reason()).isEqualTo(Reason.MISSING);
    assertThat(((Refused) verifier.verify(" ")).reason()).isEqualTo(Reason.MISSING);
    assertThat(((Refused) verifier.verify("a.b.c")).reason()).isEqualTo(Reason.INVALID);
    assertThat(((Refused) verifier.verify(token(SECRET, null, NOW.plusSeconds(60)))).message())
        .contains("sub");
    assertThat(((Refused) verifier.verify(token(SECRET, "u-1", null))).message()).contains("exp");
  }

  @Test
  void an_unsigned_token_is_refused() {
    String none =
        JWT.create().withSubject("u-1").withExpiresAt(NOW.plusSeconds(60)).sign(Algorithm.none());
    assertThat(verifier.verify(none)).isInstanceOf(Refused.class);
  }
}
