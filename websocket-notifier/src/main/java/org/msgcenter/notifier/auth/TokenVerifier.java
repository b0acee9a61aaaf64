package org.msgcenter.notifier.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.AlgorithmMismatchException;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.MissingClaimException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Checks the user tokens that business-access issues: JWT signed with HS256 and the shared secret,
 * {@code sub} = user id, {@code exp} required, checked against the injected clock (with a small
 * leeway for clock skew between hosts). Thread-safe.
 */
public final class TokenVerifier {
  /** Longest user id the center accepts (its {@code delivery.user_id}). */
  static final int MAX_USER_ID = 64;

  private final JWTVerifier verifier;

  public TokenVerifier(String secret, Duration leeway, Clock clock) {
    this.verifier =
        ((JWTVerifier.BaseVerification)
                JWT.require(Algorithm.HMAC256(secret))
                    .withClaimPresence("exp")
                    .withClaimPresence("sub")
                    .acceptLeeway(leeway.toSeconds()))
            .build(clock);
  }

  /** Who the token names, or why it is refused; never throws. */
  public Verdict verify(String token) {
    if (token == null || token.isBlank()) {
      return new Refused(Reason.MISSING, "a token is required: connect with auth: {token}");
    }
    DecodedJWT jwt;
    try {
      jwt = verifier.verify(token.strip());
    } catch (TokenExpiredException e) {
      return new Refused(Reason.EXPIRED, "the token expired at " + e.getExpiredOn());
    } catch (SignatureVerificationException | AlgorithmMismatchException e) {
      return new Refused(Reason.FORGED, "the token's signature is not valid");
    } catch (MissingClaimException e) {
      return new Refused(Reason.INVALID, "the token has no " + e.getClaimName() + " claim");
    } catch (JWTDecodeException e) {
      return new Refused(Reason.INVALID, "the token is not a JWT");
    } catch (JWTVerificationException e) {
      return new Refused(Reason.INVALID, "the token is not valid: " + e.getMessage());
    }
    String user = jwt.getSubject();
    if (user == null || user.isBlank() || user.length() > MAX_USER_ID) {
      return new Refused(Reason.INVALID, "the token's sub must be a user id of 1 to 64 characters");
    }
    return new Verified(user, jwt.getExpiresAtAsInstant());
  }

  /** Why a connection was refused; the metric's {@code reason} tag. */
  public enum Reason {
    MISSING,
    EXPIRED,
    FORGED,
    INVALID,
    ORIGIN,
    BAD_REQUEST;

    public String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The outcome of {@link #verify}. */
  public sealed interface Verdict permits Verified, Refused {}

  /** A valid token for {@code userId}, good until {@code expiresAt}. */
  public record Verified(String userId, Instant expiresAt) implements Verdict {}

  /** A refused token, with the message the client is told. */
  public record Refused(Reason reason, String message) implements Verdict {}
}
