package org.msgcenter.api.publish;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of the Kafka publisher. Immutable; {@link Builder#build()} fails fast naming the bad
 * setting. Every setter states its default.
 */
public final class PublisherConfig {
  public static final String DEFAULT_TOPIC = "msgcenter.notifications";
  public static final String DEFAULT_HIGH_TOPIC = "msgcenter.notifications.high";
  public static final String DEFAULT_CLIENT_ID = "msgcenter-publisher";
  public static final Duration DEFAULT_LINGER = Duration.ofMillis(5);
  public static final String DEFAULT_COMPRESSION = "lz4";
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_MAX_BLOCK = Duration.ofSeconds(10);
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /** Producer settings the publisher's guarantees depend on; they cannot be overridden. */
  static final Set<String> FIXED =
      Set.of(
          "acks",
          "enable.idempotence",
          "key.serializer",
          "value.serializer",
          "bootstrap.servers",
          "client.id",
          "linger.ms",
          "compression.type",
          "request.timeout.ms",
          "delivery.timeout.ms",
          "max.block.ms");

  private static final Set<String> COMPRESSIONS = Set.of("none", "gzip", "snappy", "lz4", "zstd");

  private final String bootstrapServers;
  private final String topic;
  private final String highTopic;
  private final String clientId;
  private final Duration linger;
  private final String compression;
  private final Duration requestTimeout;
  private final Duration deliveryTimeout;
  private final Duration maxBlock;
  private final Duration closeTimeout;
  private final Map<String, String> producerProperties;

  private PublisherConfig(Builder b) {
    this.bootstrapServers = b.bootstrapServers;
    this.topic = b.topic;
    this.highTopic = b.highTopic;
    this.clientId = b.clientId;
    this.linger = b.linger;
    this.compression = b.compression;
    this.requestTimeout = b.requestTimeout;
    this.deliveryTimeout = b.deliveryTimeout;
    this.maxBlock = b.maxBlock;
    this.closeTimeout = b.closeTimeout;
    this.producerProperties = Map.copyOf(b.producerProperties);
  }

  public static Builder builder() {
    return new Builder();
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public String topic() {
    return topic;
  }

  public String highTopic() {
    return highTopic;
  }

  public String clientId() {
    return clientId;
  }

  public Duration linger() {
    return linger;
  }

  public String compression() {
    return compression;
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  public Duration deliveryTimeout() {
    return deliveryTimeout;
  }

  public Duration maxBlock() {
    return maxBlock;
  }

  public Duration closeTimeout() {
    return closeTimeout;
  }

  /** Extra Kafka producer settings, such as security settings. */
  public Map<String, String> producerProperties() {
    return producerProperties;
  }

  @Override
  public String toString() {
    return "PublisherConfig{bootstrapServers="
        + bootstrapServers
        + ", topic="
        + topic
        + ", highTopic="
        + highTopic
        + ", clientId="
        + clientId
        + ", linger="
        + linger
        + ", compression="
        + compression
        + ", requestTimeout="
        + requestTimeout
        + ", deliveryTimeout="
        + deliveryTimeout
        + ", maxBlock="
        + maxBlock
        + ", producerProperties="
        + producerProperties.keySet()
        + "}";
  }

  /** Builds a {@link PublisherConfig}; only {@code bootstrapServers} is required. */
  public static final class Builder {
    private String bootstrapServers;
    private String topic = DEFAULT_TOPIC;
    private String highTopic = DEFAULT_HIGH_TOPIC;
    private String clientId = DEFAULT_CLIENT_ID;
    private Duration linger = DEFAULT_LINGER;
    private String compression = DEFAULT_COMPRESSION;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration deliveryTimeout = DEFAULT_DELIVERY_TIMEOUT;
    private Duration maxBlock = DEFAULT_MAX_BLOCK;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private final Map<String, String> producerProperties = new LinkedHashMap<>();

    private Builder() {}

    /** Required: Kafka brokers, {@code host:port[,host:port...]}. */
    public Builder bootstrapServers(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
      return this;
    }

    /** Default {@value PublisherConfig#DEFAULT_TOPIC}. */
    public Builder topic(String topic) {
      this.topic = topic;
      return this;
    }

    /**
     * Topic of HIGH priority notifications. Default {@value PublisherConfig#DEFAULT_HIGH_TOPIC}.
     */
    public Builder highTopic(String highTopic) {
      this.highTopic = highTopic;
      return this;
    }

    /** Default {@value PublisherConfig#DEFAULT_CLIENT_ID}. */
    public Builder clientId(String clientId) {
      this.clientId = clientId;
      return this;
    }

    /** How long to wait to fill a batch. Default 5 ms. */
    public Builder linger(Duration linger) {
      this.linger = linger;
      return this;
    }

    /**
     * One of none, gzip, snappy, lz4, zstd. Default {@value PublisherConfig#DEFAULT_COMPRESSION}.
     */
    public Builder compression(String compression) {
      this.compression = compression;
      return this;
    }

    /** How long to wait for one broker response. Default 10 s. */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
      return this;
    }

    /**
     * Upper bound from {@code publish} to the future's outcome, retries included. Default 30 s; at
     * least linger + request timeout.
     */
    public Builder deliveryTimeout(Duration deliveryTimeout) {
      this.deliveryTimeout = deliveryTimeout;
      return this;
    }

    /**
     * How long {@code publish} itself may block when the client has no metadata yet or its buffer
     * is full. Default 10 s.
     */
    public Builder maxBlock(Duration maxBlock) {
      this.maxBlock = maxBlock;
      return this;
    }

    /** How long {@code close} waits for outstanding acknowledgements. Default 30 s. */
    public Builder closeTimeout(Duration closeTimeout) {
      this.closeTimeout = closeTimeout;
      return this;
    }

    /**
     * Any other Kafka producer setting (security, buffer sizes). Settings the guarantees rest on
     * ({@code acks}, idempotence, serializers, and those with their own setter) are refused.
     */
    public Builder producerProperty(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (FIXED.contains(key)) {
        throw new IllegalArgumentException(
            "producer property "
                + key
                + " is set by the publisher; use its own setter if it has one");
      }
      producerProperties.put(key, value);
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first bad setting
     */
    public PublisherConfig build() {
      requireText("bootstrapServers", bootstrapServers);
      requireText("topic", topic);
      requireText("highTopic", highTopic);
      requireText("clientId", clientId);
      if (topic.equals(highTopic)) {
        throw new IllegalArgumentException(
            "highTopic must differ from topic (both " + topic + "): HIGH needs its own lane");
      }
      requireNonNegative("linger", linger);
      requirePositive("requestTimeout", requestTimeout);
      requirePositive("deliveryTimeout", deliveryTimeout);
      requireNonNegative("maxBlock", maxBlock);
      requireNonNegative("closeTimeout", closeTimeout);
      if (compression == null || !COMPRESSIONS.contains(compression)) {
        throw new IllegalArgumentException(
            "compression must be one of " + COMPRESSIONS + " (was " + compression + ")");
      }
      if (deliveryTimeout.compareTo(linger.plus(requestTimeout)) < 0) {
        throw new IllegalArgumentException(
            "deliveryTimeout ("
                + deliveryTimeout
                + ") must be at least linger + requestTimeout ("
                + linger.plus(requestTimeout)
                + ")");
      }
      return new PublisherConfig(this);
    }

    private static void requireText(String name, String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(name + " is required");
      }
    }

    private static void requirePositive(String name, Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive (was " + value + ")");
      }
    }

    private static void requireNonNegative(String name, Duration value) {
      if (value == null || value.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative (was " + value + ")");
      }
    }
  }
}
