package org.msgcenter.notifier.config;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The notifier's configuration: one immutable object, loaded once at start from {@code
 * conf/websocket-notifier.properties} plus environment overrides ({@link Settings}), validated with
 * errors that name the key. {@link #DEFAULTS} are the values the local stack runs with; {@code
 * docs/websocket-notifier.md} lists every key.
 *
 * @param profile {@code local} allows the development secrets; any other profile refuses them
 * @param instanceId names this instance in logs, metrics and Kafka client ids; empty: generated
 * @param httpPort health ({@code /health}) and Prometheus metrics ({@code /metrics})
 */
public record NotifierConfig(
    String profile,
    String instanceId,
    SocketIo socketIo,
    int httpPort,
    Jwt jwt,
    Kafka kafka,
    Center center,
    Replay replay) {

  /** The profile whose well-known development secrets are allowed. */
  public static final String LOCAL_PROFILE = "local";

  /** The local stack's JWT secret, shared with business-access; refused outside {@code local}. */
  public static final String LOCAL_JWT_SECRET = "local-dev-secret";

  /** The local stack's Dubbo access token of the center; refused outside {@code local}. */
  public static final String LOCAL_ACCESS_TOKEN = "local-dev-token";

  /** HS256 wants a key of at least 256 bits; the local secret is shorter and local only. */
  static final int MIN_SECRET_BYTES = 32;

  public static final Map<String, String> DEFAULTS =
      Map.ofEntries(
          Map.entry("profile", LOCAL_PROFILE),
          Map.entry("instance.id", ""),
          Map.entry("socketio.host", "0.0.0.0"),
          Map.entry("socketio.port", "9095"),
          Map.entry("socketio.allowedOrigins", "http://localhost:8080"),
          Map.entry("socketio.pingInterval", "25s"),
          Map.entry("socketio.pingTimeout", "20s"),
          Map.entry("socketio.maxPayloadBytes", "65536"),
          Map.entry("socketio.workerThreads", "0"),
          Map.entry("socketio.authTimeout", "10s"),
          Map.entry("http.port", "8082"),
          Map.entry("jwt.secret", LOCAL_JWT_SECRET),
          Map.entry("jwt.leeway", "5s"),
          Map.entry("kafka.bootstrapServers", "localhost:9092"),
          Map.entry("kafka.topic.realtime", "msgcenter.realtime"),
          Map.entry("kafka.topic.receipts", "msgcenter.receipts"),
          Map.entry("kafka.receiptsLinger", "20ms"),
          Map.entry("zookeeper.connect", "localhost:2181"),
          Map.entry("dubbo.accessToken", LOCAL_ACCESS_TOKEN),
          Map.entry("dubbo.timeout", "5s"),
          Map.entry("replay.pageSize", "200"),
          Map.entry("replay.maxMessages", "1000"),
          Map.entry("replay.threads", "8"),
          Map.entry("replay.recentWindow", "30s"));

  /**
   * The Socket.IO server.
   *
   * @param allowedOrigins browser origins allowed to connect ({@code *}: any); clients that send no
   *     {@code Origin} header (apps, servers) are not browsers and always pass
   * @param workerThreads netty worker threads; 0: twice the processors
   * @param authTimeout how long a v4 client without a query token has to send its auth payload
   */
  public record SocketIo(
      String host,
      int port,
      List<String> allowedOrigins,
      Duration pingInterval,
      Duration pingTimeout,
      int maxPayloadBytes,
      int workerThreads,
      Duration authTimeout) {

    public boolean anyOrigin() {
      return allowedOrigins.contains("*");
    }
  }

  /** User tokens: HS256, {@code sub} = user id, {@code exp} required; secret never logged. */
  public record Jwt(String secret, Duration leeway) {
    @Override
    public String toString() {
      return "Jwt[secret=***, leeway=" + leeway + "]";
    }
  }

  /**
   * Kafka: the realtime topic read without a group, the receipts topic written.
   *
   * @param receiptsLinger how long receipts wait to travel in one batch
   * @param clientSettings every {@code kafka.client.*} key, passed on unchanged (never logged)
   */
  public record Kafka(
      String bootstrapServers,
      String realtimeTopic,
      String receiptsTopic,
      Duration receiptsLinger,
      Map<String, String> clientSettings) {
    @Override
    public String toString() {
      return "Kafka[bootstrapServers="
          + bootstrapServers
          + ", realtime="
          + realtimeTopic
          + ", receipts="
          + receiptsTopic
          + ", receiptsLinger="
          + receiptsLinger
          + ", client="
          + clientSettings.keySet()
          + "]";
    }
  }

  /** The center's Dubbo services, found in the ZooKeeper registry; the token is never logged. */
  public record Center(String zookeeper, String accessToken, Duration timeout) {
    @Override
    public String toString() {
      return "Center[zookeeper=" + zookeeper + ", accessToken=***, timeout=" + timeout + "]";
    }
  }

  /**
   * Replay on connect.
   *
   * @param pageSize inbox page size asked of the center (1-200)
   * @param maxMessages most notifications replayed to one connection; beyond, the newest are kept
   *     without {@code since} and the oldest with it
   * @param threads concurrent inbox calls
   * @param recentWindow how long realtime events are remembered to close the gap between an event
   *     reaching this notifier and the center recording it SENT
   */
  public record Replay(int pageSize, int maxMessages, int threads, Duration recentWindow) {}

  public static NotifierConfig from(Settings s) {
    String profile = s.string("profile");
    List<String> origins =
        Arrays.stream(s.string("socketio.allowedOrigins", "").split(","))
            .map(String::strip)
            .filter(o -> !o.isEmpty())
            .toList();
    for (String o : origins) {
      checkOrigin(o);
    }
    Duration pingInterval = s.duration("socketio.pingInterval", Duration.ofSeconds(25));
    Duration pingTimeout = s.duration("socketio.pingTimeout", Duration.ofSeconds(20));
    positive("socketio.pingInterval", pingInterval);
    positive("socketio.pingTimeout", pingTimeout);
    Duration authTimeout = s.duration("socketio.authTimeout", Duration.ofSeconds(10));
    positive("socketio.authTimeout", authTimeout);
    Duration linger = s.duration("kafka.receiptsLinger", Duration.ofMillis(20));
    if (linger.compareTo(Duration.ofSeconds(5)) > 0) {
      throw Settings.error("kafka.receiptsLinger", linger.toString(), "must be at most 5s");
    }
    NotifierConfig config =
        new NotifierConfig(
            profile,
            s.string("instance.id", ""),
            new SocketIo(
                s.string("socketio.host", "0.0.0.0"),
                s.integer("socketio.port", 9095, 0, 65_535),
                origins,
                pingInterval,
                pingTimeout,
                s.integer("socketio.maxPayloadBytes", 65_536, 1_024, 16 * 1024 * 1024),
                s.integer("socketio.workerThreads", 0, 0, 256),
                authTimeout),
            s.integer("http.port", 8082, 0, 65_535),
            new Jwt(s.string("jwt.secret"), s.duration("jwt.leeway", Duration.ofSeconds(5))),
            new Kafka(
                s.string("kafka.bootstrapServers"),
                s.string("kafka.topic.realtime"),
                s.string("kafka.topic.receipts"),
                linger,
                Map.copyOf(s.withPrefix("kafka.client."))),
            new Center(
                s.string("zookeeper.connect"),
                s.string("dubbo.accessToken"),
                s.duration("dubbo.timeout", Duration.ofSeconds(5))),
            new Replay(
                s.integer("replay.pageSize", 200, 1, 200),
                s.integer("replay.maxMessages", 1_000, 1, 100_000),
                s.integer("replay.threads", 8, 1, 256),
                s.duration("replay.recentWindow", Duration.ofSeconds(30))));
    config.checkPorts();
    config.checkSecrets();
    return config;
  }

  private static void checkOrigin(String origin) {
    if (origin.equals("*")) {
      return;
    }
    URI uri;
    try {
      uri = URI.create(origin);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null
        || uri.getScheme() == null
        || uri.getHost() == null
        || !(uri.getPath() == null || uri.getPath().isEmpty())
        || uri.getQuery() != null) {
      throw Settings.error(
          "socketio.allowedOrigins",
          origin,
          "must be origins like http://localhost:8080 (scheme, host, optional port), comma"
              + " separated, or *");
    }
  }

  private static void positive(String key, Duration d) {
    if (d.isZero() || d.isNegative()) {
      throw Settings.error(key, d.toString(), "must be positive");
    }
  }

  private void checkPorts() {
    if (socketIo.port() != 0 && socketIo.port() == httpPort) {
      throw Settings.error("http.port", String.valueOf(httpPort), "must differ from socketio.port");
    }
  }

  private void checkSecrets() {
    if (LOCAL_PROFILE.equals(profile)) {
      return;
    }
    List<String> local = new java.util.ArrayList<>();
    if (LOCAL_JWT_SECRET.equals(jwt.secret())) {
      local.add("jwt.secret");
    }
    if (LOCAL_ACCESS_TOKEN.equals(center.accessToken())) {
      local.add("dubbo.accessToken");
    }
    if (!local.isEmpty()) {
      throw new ConfigException(
          "profile "
              + profile
              + " must not run with the local development secrets of "
              + local
              + "; set your own");
    }
    if (jwt.secret().getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
      throw Settings.error(
          "jwt.secret",
          null,
          "must be at least " + MIN_SECRET_BYTES + " bytes outside the local profile (HS256)");
    }
  }

  /** The effective configuration for the start-up log, secrets masked. */
  public String describe() {
    Map<String, Object> shown = new LinkedHashMap<>();
    shown.put("profile", profile);
    shown.put("instanceId", instanceId.isEmpty() ? "(generated)" : instanceId);
    shown.put("socketIo", socketIo);
    shown.put("httpPort", httpPort);
    shown.put("jwt", jwt);
    shown.put("kafka", kafka);
    shown.put("center", center);
    shown.put("replay", replay);
    return shown.toString();
  }
}
