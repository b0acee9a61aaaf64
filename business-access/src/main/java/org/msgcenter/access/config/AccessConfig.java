package org.msgcenter.access.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The access server's configuration: one immutable object, loaded once at start from {@code
 * conf/business-access.properties} plus environment overrides, validated with errors that name the
 * key and the value. {@link #DEFAULTS} run the local stack; the README lists every key.
 *
 * @param apiKeys integration API keys by client name ({@code integration.apiKeys}, {@code
 *     name:key,name:key})
 */
public record AccessConfig(
    String profile,
    Http http,
    Db db,
    Kafka kafka,
    Outbox outbox,
    Jwt jwt,
    Map<String, String> apiKeys,
    Center center,
    RateLimits rateLimits,
    int passwordIterations,
    boolean demoUsers) {

  /** The profile whose well-known development secrets are allowed. */
  public static final String LOCAL_PROFILE = "local";

  public static final String LOCAL_JWT_SECRET = "local-dev-secret";
  public static final String LOCAL_API_KEY = "local-dev-key";
  public static final String LOCAL_CENTER_TOKEN = "local-dev-token";
  public static final String LOCAL_DB_PASSWORD = "msgcenter";

  static final Set<String> LOCAL_SECRETS =
      Set.of(LOCAL_JWT_SECRET, LOCAL_API_KEY, LOCAL_CENTER_TOKEN, LOCAL_DB_PASSWORD);

  /** Shortest JWT secret outside the local profile: HS256 wants 256 bits of key. */
  public static final int MIN_JWT_SECRET_CHARS = 32;

  private static final Pattern CLIENT = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  public static final Map<String, String> DEFAULTS =
      Map.ofEntries(
          Map.entry("profile", LOCAL_PROFILE),
          Map.entry("http.host", "0.0.0.0"),
          Map.entry("http.port", "8080"),
          Map.entry("http.maxRequestBytes", "131072"),
          Map.entry("db.url", "jdbc:mariadb://localhost:3306/msgcenter_access"),
          Map.entry("db.user", "msgcenter"),
          Map.entry("db.password", LOCAL_DB_PASSWORD),
          Map.entry("db.poolSize", "8"),
          Map.entry("kafka.bootstrapServers", "localhost:9092"),
          Map.entry("kafka.topic.notifications", "msgcenter.notifications"),
          Map.entry("kafka.topic.high", "msgcenter.notifications.high"),
          Map.entry("outbox.interval", "200ms"),
          Map.entry("outbox.batchSize", "100"),
          Map.entry("outbox.lease", "60s"),
          Map.entry("outbox.retention", "7d"),
          Map.entry("jwt.secret", LOCAL_JWT_SECRET),
          Map.entry("jwt.ttl", "1h"),
          Map.entry("integration.apiKeys", "local:" + LOCAL_API_KEY),
          Map.entry("center.zookeeper", "localhost:2181"),
          Map.entry("center.protocol", "dubbo"),
          Map.entry("center.timeout", "5s"),
          Map.entry("center.accessToken", LOCAL_CENTER_TOKEN),
          Map.entry("ratelimit.user.perSecond", "20"),
          Map.entry("ratelimit.apiKey.perSecond", "200"),
          Map.entry("ratelimit.signIn.perMinute", "20"),
          Map.entry("password.iterations", "600000"),
          Map.entry("demo.users", "true"));

  /** The HTTP server: bind address, port (0 picks a free one) and the largest request body. */
  public record Http(String host, int port, int maxRequestBytes) {}

  /** The access layer's own database; the password is never logged. */
  public record Db(String url, String user, String password, int poolSize) {
    @Override
    public String toString() {
      return "Db[url=" + url + ", user=" + user + ", password=***, poolSize=" + poolSize + "]";
    }
  }

  /** Where notifications go: the normal and HIGH topics of the message center. */
  public record Kafka(String bootstrapServers, String notificationsTopic, String highTopic) {}

  /** The outbox relay's pace (see {@code OutboxRelay.Builder}). */
  public record Outbox(int batchSize, Duration interval, Duration lease, Duration retention) {}

  /** User tokens: HS256 with {@code secret}, valid for {@code ttl}. */
  public record Jwt(String secret, Duration ttl) {
    @Override
    public String toString() {
      return "Jwt[secret=***, ttl=" + ttl + "]";
    }
  }

  /** The message center's Dubbo services, found in ZooKeeper. */
  public record Center(String zookeeper, String protocol, Duration timeout, String accessToken) {
    @Override
    public String toString() {
      return "Center[zookeeper="
          + zookeeper
          + ", protocol="
          + protocol
          + ", timeout="
          + timeout
          + ", accessToken=***]";
    }
  }

  /** Requests allowed per user per second, per API key per second, sign-ins per IP per minute. */
  public record RateLimits(int userPerSecond, int apiKeyPerSecond, int signInPerMinute) {}

  public static AccessConfig from(Settings s) {
    String protocol = s.string("center.protocol");
    if (!List.of("dubbo", "tri").contains(protocol)) {
      throw Settings.error("center.protocol", protocol, "must be dubbo or tri");
    }
    AccessConfig config =
        new AccessConfig(
            s.string("profile"),
            new Http(
                s.string("http.host"),
                s.integer("http.port", 8080, 0, 65_535),
                s.integer("http.maxRequestBytes", 131_072, 1_024, 16 * 1024 * 1024)),
            new Db(
                s.string("db.url"),
                s.string("db.user"),
                s.string("db.password"),
                s.integer("db.poolSize", 8, 2, 200)),
            new Kafka(
                s.string("kafka.bootstrapServers"),
                s.string("kafka.topic.notifications"),
                s.string("kafka.topic.high")),
            new Outbox(
                s.integer("outbox.batchSize", 100, 1, 10_000),
                s.duration("outbox.interval", Duration.ofMillis(200)),
                s.duration("outbox.lease", Duration.ofSeconds(60)),
                s.duration("outbox.retention", Duration.ofDays(7))),
            new Jwt(s.string("jwt.secret"), s.duration("jwt.ttl", Duration.ofHours(1))),
            apiKeys(s.string("integration.apiKeys", "")),
            new Center(
                s.string("center.zookeeper"),
                protocol,
                s.duration("center.timeout", Duration.ofSeconds(5)),
                s.string("center.accessToken")),
            new RateLimits(
                s.integer("ratelimit.user.perSecond", 20, 1, 100_000),
                s.integer("ratelimit.apiKey.perSecond", 200, 1, 1_000_000),
                s.integer("ratelimit.signIn.perMinute", 20, 1, 100_000)),
            s.integer("password.iterations", 600_000, 10_000, 10_000_000),
            s.bool("demo.users", true));
    config.checkProfile();
    return config;
  }

  /** Parses {@code name:key,name:key}; names are client names, keys at least 8 characters. */
  static Map<String, String> apiKeys(String text) {
    Map<String, String> keys = new LinkedHashMap<>();
    if (text.isBlank()) {
      return keys;
    }
    for (String pair : text.split(",")) {
      int colon = pair.indexOf(':');
      String name = colon < 0 ? "" : pair.substring(0, colon).trim();
      String key = colon < 0 ? "" : pair.substring(colon + 1).trim();
      if (!CLIENT.matcher(name).matches()) {
        throw Settings.error(
            "integration.apiKeys",
            name.isEmpty() ? "(entry without name:)" : name,
            "must be name:key pairs, each name lower-case letters, digits and dashes");
      }
      if (key.length() < 8) {
        throw Settings.error(
            "integration.apiKeys", name + ":***", "key must be at least 8 characters");
      }
      if (keys.containsValue(key)) {
        throw Settings.error(
            "integration.apiKeys", name + ":***", "key is given to two clients; keys name one");
      }
      if (keys.put(name, key) != null) {
        throw Settings.error("integration.apiKeys", name, "names a client twice");
      }
    }
    return Map.copyOf(keys);
  }

  private void checkProfile() {
    if (LOCAL_PROFILE.equals(profile)) {
      return;
    }
    Map<String, String> secrets = new LinkedHashMap<>();
    secrets.put("db.password", db.password());
    secrets.put("jwt.secret", jwt.secret());
    secrets.put("center.accessToken", center.accessToken());
    apiKeys.forEach((name, key) -> secrets.put("integration.apiKeys(" + name + ")", key));
    List<String> local =
        secrets.entrySet().stream()
            .filter(e -> LOCAL_SECRETS.contains(e.getValue()))
            .map(Map.Entry::getKey)
            .toList();
    if (!local.isEmpty()) {
      throw new ConfigException(
          "profile "
              + profile
              + " must not run with the local development secrets of "
              + local
              + "; set your own");
    }
    if (jwt.secret().length() < MIN_JWT_SECRET_CHARS) {
      throw Settings.error(
          "jwt.secret",
          "***",
          "must be at least " + MIN_JWT_SECRET_CHARS + " characters outside the local profile");
    }
    if (demoUsers) {
      throw Settings.error(
          "demo.users",
          "true",
          "must be false outside the local profile: the demo users' passwords are public");
    }
  }

  /** The effective configuration for the start-up log, secrets masked. */
  public String describe() {
    return "profile="
        + profile
        + ", "
        + http
        + ", "
        + db
        + ", "
        + kafka
        + ", "
        + outbox
        + ", "
        + jwt
        + ", apiKeys="
        + apiKeys.keySet()
        + " (keys ***), "
        + center
        + ", "
        + rateLimits
        + ", passwordIterations="
        + passwordIterations
        + ", demoUsers="
        + demoUsers;
  }
}
