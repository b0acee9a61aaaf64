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
    Map<String, String> routeSettings) {

  /** The profile whose well-known development secrets are allowed. */
  public static final String LOCAL_PROFILE = "local";

  /** Development secrets that only the local profile may run with. */
  static final Set<String> LOCAL_SECRETS = Set.of("local-dev-webhook-secret", "msgcenter");

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
          Map.entry("db.url", "jdbc:mariadb://localhost:3306/msgcenter"),
          Map.entry("db.user", "msgcenter"),
          Map.entry("db.password", "msgcenter"),
          Map.entry("db.poolSize", "6"),
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
          Map.entry("alerts.webhookUrl", ""));

  /** Kafka settings of the center's consumers and producers. */
  public record Kafka(
      String bootstrapServers,
      String groupId,
      String notificationsTopic,
      String highTopic,
      String dlqTopic,
      String receiptsTopic,
      int maxPollRecords) {}

  /** The database; the password is never logged. */
  public record Db(String url, String user, String password, int poolSize) {
    @Override
    public String toString() {
      return "Db[url=" + url + ", user=" + user + ", password=***, poolSize=" + poolSize + "]";
    }
  }

  /**
   * ZooKeeper, where the instance registers its id; {@code connect} empty turns registration off
   * (then nothing stops two live instances from sharing an id).
   */
  public record ZooKeeper(String connect, Duration sessionTimeout) {}

  /** How the outcome recorder batches its writes. */
  public record Recorder(int batchSize, Duration flushInterval) {}

  /** How often the retry poller looks for due deliveries, and how many it claims at once. */
  public record Poller(Duration interval, int batchSize) {}

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
                s.integer("kafka.maxPollRecords", 500, 1, 10_000)),
            new Db(
                s.string("db.url"),
                s.string("db.user"),
                s.string("db.password"),
                s.integer("db.poolSize", 6, 2, 200)),
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
            s.withPrefix("route."));
    config.checkSecrets();
    return config;
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
        routeSettings);
  }

  private void checkSecrets() {
    if (LOCAL_PROFILE.equals(profile)) {
      return;
    }
    Map<String, String> secrets = new LinkedHashMap<>();
    secrets.put("db.password", db.password());
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
        + " keys";
  }
}
