package org.msgcenter.center.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.msgcenter.center.channel.Addresses;

/**
 * The message center's configuration: one immutable object, loaded once at start from {@code
 * conf/message-center.properties} plus environment overrides, validated with errors that name the
 * key. {@code docs/configuration.md} lists every key; {@link #DEFAULTS} are the values the local
 * stack runs with.
 *
 * @param channelSettings every {@code channel.<name>.*} key, by channel name, prefix removed
 * @param routeSettings every {@code route.*} key, prefix removed, for the router to parse
 * @param dubbo the query and command services
 */
public record CenterConfig(
    String profile,
    String instanceId,
    Path dataDir,
    Kafka kafka,
    Db db,
    ZooKeeper zooKeeper,
    int httpPort,
    Recorder recorder,
    Poller poller,
    Duration leaseMargin,
    Duration shutdownGrace,
    String alertsWebhookUrl,
    Path templatesDir,
    Map<String, Map<String, String>> channelSettings,
    Map<String, String> routeSettings,
    Dubbo dubbo) {

  /** The profile whose well-known development secrets are allowed. */
  public static final String LOCAL_PROFILE = "local";

  /** Development secrets that only the local profile may run with. */
  static final Set<String> LOCAL_SECRETS =
      Set.of("local-dev-webhook-secret", "msgcenter", Dubbo.LOCAL_ACCESS_TOKEN);

  public static final Map<String, String> DEFAULTS =
      Map.ofEntries(
          Map.entry("profile", LOCAL_PROFILE),
          Map.entry("instance.id", ""),
          Map.entry("data.dir", "data/message-center"),
          Map.entry("kafka.bootstrapServers", "localhost:9092"),
          Map.entry("kafka.groupId", "msgcenter-center"),
          Map.entry("kafka.topic.notifications", "msgcenter.notifications"),
          Map.entry("kafka.topic.high", "msgcenter.notifications.high"),
          Map.entry("kafka.topic.dlq", "msgcenter.notifications.dlq"),
          Map.entry("kafka.topic.receipts", "msgcenter.receipts"),
          Map.entry("kafka.maxPollRecords", "500"),
          Map.entry("kafka.sessionTimeout", "10s"),
          Map.entry("db.url", "jdbc:mariadb://localhost:3306/msgcenter"),
          Map.entry("db.user", "msgcenter"),
          Map.entry("db.password", "msgcenter"),
          Map.entry("db.poolSize", "6"),
          Map.entry("db.servicePoolSize", "8"),
          Map.entry("zookeeper.connect", "localhost:2181"),
          Map.entry("zookeeper.sessionTimeout", "10s"),
          Map.entry("http.port", "8081"),
          Map.entry("recorder.batchSize", "500"),
          Map.entry("recorder.flushInterval", "5ms"),
          Map.entry("poller.interval", "1s"),
          Map.entry("poller.batchSize", "200"),
          Map.entry("lease.margin", "30s"),
          Map.entry("shutdown.grace", "10s"),
          Map.entry("templates.dir", "conf/templates"),
          Map.entry("alerts.webhookUrl", ""),
          Map.entry("dubbo.enabled", "true"),
          Map.entry("dubbo.port", "20880"),
          Map.entry("dubbo.tri.port", "50051"),
          Map.entry("dubbo.host", ""),
          Map.entry("dubbo.threads", "32"),
          Map.entry("dubbo.timeout", "5s"),
          Map.entry("dubbo.accessToken", Dubbo.LOCAL_ACCESS_TOKEN));

  /** Kafka settings of the center's consumers and producers. */
  public record Kafka(
      String bootstrapServers,
      String groupId,
      String notificationsTopic,
      String highTopic,
      String dlqTopic,
      String receiptsTopic,
      int maxPollRecords,
      Duration sessionTimeout,
      Map<String, String> clientSettings) {

    /** Client settings are passed on unchanged and may hold credentials: values not shown. */
    @Override
    public String toString() {
      return "Kafka[bootstrapServers="
          + bootstrapServers
          + ", groupId="
          + groupId
          + ", topics="
          + List.of(notificationsTopic, highTopic, dlqTopic, receiptsTopic)
          + ", maxPollRecords="
          + maxPollRecords
          + ", sessionTimeout="
          + sessionTimeout
          + ", client="
          + clientSettings.keySet()
          + "]";
    }
  }

  /** The database; the password is never logged. */
  public record Db(String url, String user, String password, int poolSize, int servicePoolSize) {
    /** The services' pool at its default size (8 connections). */
    public Db(String url, String user, String password, int poolSize) {
      this(url, user, password, poolSize, 8);
    }

    @Override
    public String toString() {
      return "Db[url="
          + url
          + ", user="
          + user
          + ", password=***, poolSize="
          + poolSize
          + ", servicePoolSize="
          + servicePoolSize
          + "]";
    }
  }

  /**
   * ZooKeeper, where the instance registers its id; {@code connect} empty turns registration off
   * (then nothing stops two live instances from sharing an id).
   */
  public record ZooKeeper(String connect, Duration sessionTimeout) {}

  /**
   * The query and command services over Dubbo: {@code dubbo} protocol on {@code port}, Triple (gRPC
   * and HTTP/JSON) on {@code triPort}, registered in ZooKeeper when {@code zookeeper.connect} is
   * set and exported without a registry otherwise. Callers pass {@code accessToken} as the {@code
   * token} attachment; it is never published in the registry and never logged.
   *
   * @param host the address to bind and register, or empty for the host's first non-loopback one
   * @param threads provider threads per protocol: calls beyond them queue
   * @param timeout how long a consumer waits for an answer (published to consumers in the registry)
   */
  public record Dubbo(
      boolean enabled,
      int port,
      int triPort,
      String host,
      int threads,
      Duration timeout,
      String accessToken) {
    /** The local stack's access token; any other profile refuses to start with it. */
    public static final String LOCAL_ACCESS_TOKEN = "local-dev-token";

    @Override
    public String toString() {
      return "Dubbo[enabled="
          + enabled
          + ", port="
          + port
          + ", triPort="
          + triPort
          + ", host="
          + (host.isEmpty() ? "(first non-loopback)" : host)
          + ", threads="
          + threads
          + ", timeout="
          + timeout
          + ", accessToken=***]";
    }
  }

  /** How the outcome recorder batches its writes. */
  public record Recorder(int batchSize, Duration flushInterval) {}

  /** How often the retry poller looks for due deliveries, and how many it claims at once. */
  public record Poller(Duration interval, int batchSize) {}

  /**
   * How long the group waits for a silent consumer before giving its partitions to the others: a
   * killed instance's partitions move after this. Kafka's own default is 45 s.
   */
  private static Duration kafkaSessionTimeout(Settings s) {
    Duration d = s.duration("kafka.sessionTimeout", Duration.ofSeconds(10));
    if (d.compareTo(Duration.ofSeconds(6)) < 0 || d.compareTo(Duration.ofMinutes(30)) > 0) {
      // The broker refuses sessions outside group.min/max.session.timeout.ms (6 s to 30 min).
      throw Settings.error("kafka.sessionTimeout", d.toString(), "must be between 6s and 30m");
    }
    return d;
  }

  public static CenterConfig from(Settings s) {
    String profile = s.string("profile");
    Duration flush = s.duration("recorder.flushInterval", Duration.ofMillis(5));
    if (flush.isZero() || flush.compareTo(Duration.ofSeconds(1)) > 0) {
      throw Settings.error(
          "recorder.flushInterval", flush.toString(), "must be between 1ms and 1s");
    }
    Map<String, Map<String, String>> channels = new TreeMap<>();
    s.withPrefix("channel.")
        .forEach(
            (k, v) -> {
              int dot = k.indexOf('.');
              if (dot <= 0) {
                throw Settings.error("channel." + k, v, "must be channel.<name>.<setting>");
              }
              channels
                  .computeIfAbsent(k.substring(0, dot), n -> new TreeMap<>())
                  .put(k.substring(dot + 1), v);
            });
    CenterConfig config =
        new CenterConfig(
            profile,
            s.optional("instance.id").orElse(null),
            Path.of(s.string("data.dir")),
            new Kafka(
                s.string("kafka.bootstrapServers"),
                s.string("kafka.groupId"),
                s.string("kafka.topic.notifications"),
                s.string("kafka.topic.high"),
                s.string("kafka.topic.dlq"),
                s.string("kafka.topic.receipts"),
                s.integer("kafka.maxPollRecords", 500, 1, 10_000),
                kafkaSessionTimeout(s),
                Map.copyOf(s.withPrefix("kafka.client."))),
            new Db(
                s.string("db.url"),
                s.string("db.user"),
                s.string("db.password"),
                s.integer("db.poolSize", 6, 2, 200),
                s.integer("db.servicePoolSize", 8, 1, 200)),
            new ZooKeeper(
                s.string("zookeeper.connect", ""),
                s.duration("zookeeper.sessionTimeout", Duration.ofSeconds(10))),
            s.integer("http.port", 8081, 0, 65_535),
            new Recorder(s.integer("recorder.batchSize", 500, 1, 10_000), flush),
            new Poller(
                s.duration("poller.interval", Duration.ofSeconds(1)),
                s.integer("poller.batchSize", 200, 1, 5_000)),
            s.duration("lease.margin", Duration.ofSeconds(30)),
            s.duration("shutdown.grace", Duration.ofSeconds(10)),
            s.optional("alerts.webhookUrl").orElse(null),
            Path.of(s.string("templates.dir")),
            channels,
            s.withPrefix("route."),
            new Dubbo(
                s.bool("dubbo.enabled", true),
                s.integer("dubbo.port", 20880, 1, 65_535),
                s.integer("dubbo.tri.port", 50051, 1, 65_535),
                s.string("dubbo.host", ""),
                s.integer("dubbo.threads", 32, 1, 1_000),
                s.duration("dubbo.timeout", Duration.ofSeconds(5)),
                s.string("dubbo.accessToken", "")));
    config.checkDubbo();
    config.checkSecrets();
    return config;
  }

  private void checkDubbo() {
    if (!dubbo.enabled()) {
      return;
    }
    if (dubbo.port() == dubbo.triPort()) {
      throw Settings.error(
          "dubbo.tri.port", String.valueOf(dubbo.triPort()), "must differ from dubbo.port");
    }
    if (dubbo.accessToken().isEmpty()) {
      throw Settings.error("dubbo.accessToken", null, "is required while dubbo.enabled is true");
    }
    String host = dubbo.host();
    if (host.startsWith("127.") || host.equalsIgnoreCase("localhost") || host.equals("0.0.0.0")) {
      throw Settings.error(
          "dubbo.host",
          host,
          "must be an address other hosts reach (empty: the first non-loopback one)");
    }
  }

  /** This configuration with other channel settings (a channel's defaults merged in). */
  public CenterConfig withChannelSettings(Map<String, Map<String, String>> channels) {
    Map<String, Map<String, String>> copy = new TreeMap<>();
    channels.forEach((name, settings) -> copy.put(name, Map.copyOf(settings)));
    return new CenterConfig(
        profile,
        instanceId,
        dataDir,
        kafka,
        db,
        zooKeeper,
        httpPort,
        recorder,
        poller,
        leaseMargin,
        shutdownGrace,
        alertsWebhookUrl,
        templatesDir,
        copy,
        routeSettings,
        dubbo);
  }

  private void checkSecrets() {
    if (LOCAL_PROFILE.equals(profile)) {
      return;
    }
    Map<String, String> secrets = new LinkedHashMap<>();
    secrets.put("db.password", db.password());
    if (dubbo.enabled()) {
      secrets.put("dubbo.accessToken", dubbo.accessToken());
    }
    channelSettings.forEach(
        (channel, settings) ->
            settings.forEach(
                (k, v) -> {
                  if (isSecretKey(k)) {
                    secrets.put("channel." + channel + "." + k, v);
                  }
                }));
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
  }

  static boolean isSecretKey(String key) {
    String k = key.toLowerCase(java.util.Locale.ROOT);
    return k.contains("secret")
        || k.contains("password")
        || k.contains("token")
        || k.endsWith("key");
  }

  /**
   * A channel setting as the start-up log shows it: secrets as {@code ***}, URLs (robot and gateway
   * URLs carry tokens in their path or query) as {@code scheme://host[:port]/***}.
   */
  static String shown(String key, String value) {
    if (isSecretKey(key)) {
      return "***";
    }
    if (key.toLowerCase(java.util.Locale.ROOT).endsWith("url")) {
      return Addresses.maskUrl(value);
    }
    return value;
  }

  /** The effective configuration for the start-up log, secrets masked. */
  public String describe() {
    String channels =
        channelSettings.entrySet().stream()
            .map(
                e ->
                    e.getKey()
                        + e.getValue().entrySet().stream()
                            .map(kv -> kv.getKey() + "=" + shown(kv.getKey(), kv.getValue()))
                            .collect(Collectors.joining(", ", "{", "}")))
            .collect(Collectors.joining(", "));
    return "profile="
        + profile
        + ", instanceId="
        + (instanceId == null ? "(generated)" : instanceId)
        + ", dataDir="
        + dataDir
        + ", "
        + kafka
        + ", "
        + db
        + ", "
        + zooKeeper
        + ", httpPort="
        + httpPort
        + ", "
        + recorder
        + ", "
        + poller
        + ", leaseMargin="
        + leaseMargin
        + ", shutdownGrace="
        + shutdownGrace
        + ", templatesDir="
        + templatesDir
        + ", channels=["
        + channels
        + "], routes="
        + routeSettings.size()
        + " keys, "
        + dubbo;
  }
}
