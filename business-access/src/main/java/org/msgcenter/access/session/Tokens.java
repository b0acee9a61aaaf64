package org.msgcenter.access.session;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * User tokens: JWT, HS256, {@code sub} = user id, {@code iat} and {@code exp}. The
 * websocket-notifier verifies them with the same secret ({@code jwt.secret}), so these three claims
 * and the algorithm are a contract.
 */
public final class Tokens {
  private final Algorithm algorithm;
  private final Duration ttl;
  private final Clock clock;
  private final JWTVerifier verifier;

  public Tokens(String secret, Duration ttl, Clock clock) {
    this.algorithm = Algorithm.HMAC256(secret.getBytes(StandardCharsets.UTF_8));
    this.ttl = ttl;
    this.clock = clock;
    this.verifier =
        ((com.auth0.jwt.JWTVerifier.BaseVerification)
                JWT.require(algorithm).withClaimPresence("sub").withClaimPresence("exp"))
            .build(clock);
  }

  /** A signed token. */
  public record Issued(String token, Instant expiresAt) {}

  public Issued issue(String userId) {
    Instant now = clock.instant();
    Instant exp = now.plus(ttl);
    return new Issued(
        JWT.create().withSubject(userId).withIssuedAt(now).withExpiresAt(exp).sign(algorithm), exp);
  }

  /** The user id of a valid, unexpired token; empty otherwise. */
  public Optional<String> verify(String token) {
    try {
      DecodedJWT jwt = verifier.verify(token);
      String sub = jwt.getSubject();
      return sub == null || sub.isBlank() ? Optional.empty() : Optional.of(sub);
    } catch (JWTVerificationException e) {
      return Optional.empty();
    }
  }
}
