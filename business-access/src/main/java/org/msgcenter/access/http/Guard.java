package org.msgcenter.access.http;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.msgcenter.access.config.AccessConfig;
import org.msgcenter.access.session.Tokens;

/**
 * Who is calling, and whether they may call now: user tokens ({@code Authorization: Bearer}), API
 * keys ({@code X-Api-Key}), and rate limits per user, per API key and per client address for
 * sign-ins (resilience4j limiters, one per caller, that never wait: over the limit is a 429).
 */
public final class Guard {
  public static final String API_KEY_HEADER = "X-Api-Key";

  private final Tokens tokens;
  private final Map<String, byte[]> apiKeys;
  private final RateLimiterRegistry limiters = RateLimiterRegistry.ofDefaults();
  private final RateLimiterConfig perUser;
  private final RateLimiterConfig perKey;
  private final RateLimiterConfig perSignIn;
  private final AccessConfig.RateLimits limits;

  public Guard(Tokens tokens, Map<String, String> apiKeys, AccessConfig.RateLimits limits) {
    this.tokens = tokens;
    this.apiKeys = new java.util.LinkedHashMap<>();
    apiKeys.forEach((name, key) -> this.apiKeys.put(name, key.getBytes(StandardCharsets.UTF_8)));
    this.limits = limits;
    this.perUser = config(limits.userPerSecond(), Duration.ofSeconds(1));
    this.perKey = config(limits.apiKeyPerSecond(), Duration.ofSeconds(1));
    this.perSignIn = config(limits.signInPerMinute(), Duration.ofMinutes(1));
  }

  private static RateLimiterConfig config(int permits, Duration period) {
    return RateLimiterConfig.custom()
        .limitForPeriod(permits)
        .limitRefreshPeriod(period)
        .timeoutDuration(Duration.ZERO)
        .build();
  }

  /**
   * The signed-in user's id, after the per-user rate limit.
   *
   * @throws ApiException 401 without a valid token, 429 over the limit
   */
  public String user(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null || header.isBlank()) {
      throw ApiException.unauthorized(
          "Authorization", "is required: Bearer <token from POST /api/sessions>", "Bearer");
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw ApiException.unauthorized("Authorization", "must be Bearer <token>", "Bearer");
    }
    Optional<String> userId = tokens.verify(header.substring(7).trim());
    if (userId.isEmpty()) {
      throw ApiException.unauthorized(
          "Authorization",
          "must carry a valid, unexpired token; sign in again",
          "Bearer error=\"invalid_token\"");
    }
    limit(
        "user:" + userId.get(),
        perUser,
        "(user)",
        "at most " + limits.userPerSecond() + " requests per second per user",
        1);
    return userId.get();
  }

  /**
   * The name of the integration client whose API key the request carries, after its rate limit.
   *
   * @throws ApiException 401 without a known key, 403 for a user token instead of a key, 429 over
   *     the limit
   */
  public String apiClient(Context ctx) {
    String key = ctx.header(API_KEY_HEADER);
    if (key == null || key.isBlank()) {
      if (ctx.header("Authorization") != null) {
        throw ApiException.forbidden(
            API_KEY_HEADER,
            "is required: user tokens may not publish notifications to arbitrary recipients");
      }
      throw ApiException.unauthorized(API_KEY_HEADER, "is required", "ApiKey");
    }
    byte[] given = key.getBytes(StandardCharsets.UTF_8);
    String client = null;
    for (Map.Entry<String, byte[]> e : apiKeys.entrySet()) {
      // Compare with every key in constant time: the answer's timing tells nothing.
      if (MessageDigest.isEqual(e.getValue(), given)) {
        client = e.getKey();
      }
    }
    if (client == null) {
      throw ApiException.unauthorized(API_KEY_HEADER, "is not a known API key", "ApiKey");
    }
    limit(
        "key:" + client,
        perKey,
        API_KEY_HEADER,
        "at most " + limits.apiKeyPerSecond() + " requests per second per API key",
        1);
    return client;
  }

  /** The sign-in limit, per client address: slows password guessing. */
  public void signIn(Context ctx) {
    limit(
        "signin:" + ctx.ip(),
        perSignIn,
        "(client)",
        "at most " + limits.signInPerMinute() + " sign-in attempts per minute per address",
        60);
  }

  private void limit(String name, RateLimiterConfig config, String field, String rule, long retry) {
    RateLimiter limiter = limiters.rateLimiter(name, config);
    if (!limiter.acquirePermission()) {
      throw ApiException.tooManyRequests(field, rule, retry);
    }
  }
}
