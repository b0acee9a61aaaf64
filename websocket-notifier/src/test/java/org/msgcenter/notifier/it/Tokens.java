package org.msgcenter.notifier.it;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import java.time.Duration;
import java.time.Instant;

/** User tokens as business-access issues them: HS256, {@code sub} = user id, {@code exp}. */
final class Tokens {
  private Tokens() {}

  static String valid(String secret, String userId) {
    return JWT.create()
        .withSubject(userId)
        .withIssuedAt(Instant.now())
        .withExpiresAt(Instant.now().plus(Duration.ofHours(1)))
        .sign(Algorithm.HMAC256(secret));
  }

  static String expired(String secret, String userId) {
    return JWT.create()
        .withSubject(userId)
        .withExpiresAt(Instant.now().minus(Duration.ofMinutes(10)))
        .sign(Algorithm.HMAC256(secret));
  }

  /** Signed with another secret: what a forger who does not know the secret can make. */
  static String forged(String userId) {
    return valid("not-the-notifier-secret", userId);
  }
}
