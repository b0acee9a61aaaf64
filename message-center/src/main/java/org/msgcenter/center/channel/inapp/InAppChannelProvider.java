package org.msgcenter.center.channel.inapp;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.msgcenter.api.Recipient;
import org.msgcenter.center.channel.Channel;
import org.msgcenter.center.channel.ChannelContext;
import org.msgcenter.center.channel.ChannelProvider;
import org.msgcenter.center.config.ConfigException;

/**
 * The {@code in-app} channel: the delivery row is the user's inbox entry (the center writes it);
 * this channel announces it on Kafka so that websocket-notifier pushes it to the user's connected
 * clients at once.
 *
 * <p><b>Address.</b> The recipient's {@code userId}; without one the delivery is skipped.
 *
 * <p><b>Settings</b> ({@code channel.in-app.*}):
 *
 * <ul>
 *   <li>{@code topic} (default {@code msgcenter.realtime}): where events are published, keyed by
 *       user id so one user's events stay in order.
 *   <li>{@code timeout} (default {@code 10s}, between 100ms and 10m): how long an attempt may wait
 *       for the broker's acknowledgement; the producer's {@code delivery.timeout.ms} and {@code
 *       max.block.ms}.
 * </ul>
 *
 * <p>The producer is idempotent with {@code acks=all}, built from the center's Kafka producer
 * settings. The event is {@code {messageId, deliveryId, userId, bizType, title, content, data,
 * createdAt}} in UTF-8 JSON; see {@code docs/channels.md}.
 */
public final class InAppChannelProvider implements ChannelProvider {
  /** The channel's name. */
  public static final String NAME = "in-app";

  public static final String DEFAULT_TOPIC = "msgcenter.realtime";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** How long the producer waits to fill a batch: a few ms buys batching at high rates. */
  static final int LINGER_MS = 5;

  /** The request timeout when the center's producer settings name none (Kafka's default). */
  private static final int KAFKA_REQUEST_TIMEOUT_MS = 30_000;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<String> addresses(Recipient recipient, String target) {
    return recipient.userId().filter(id -> !id.isBlank()).map(List::of).orElse(List.of());
  }

  @Override
  public Channel create(ChannelContext context) {
    String topic = context.setting("topic").orElse(DEFAULT_TOPIC).strip();
    if (!topic.matches("[A-Za-z0-9._\\-]{1,249}")) {
      throw new ConfigException(
          "channel.in-app.topic = \"" + topic + "\" must be a Kafka topic name");
    }
    Duration timeout = context.durationSetting("timeout", DEFAULT_TIMEOUT);
    if (timeout.compareTo(Duration.ofMillis(100)) < 0
        || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new ConfigException(
          "channel.in-app.timeout = \"" + timeout + "\" must be between 100ms and 10m");
    }
    KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(producerConfig(context.kafkaProducerSettings(), timeout));
    return new InAppChannel(topic, timeout, producer);
  }

  /**
   * The center's producer settings with what this channel needs on top: serializers, {@code
   * acks=all} and idempotence (a retried batch is written once), a short linger, and timeouts that
   * keep an attempt within {@code timeout} ({@code delivery.timeout.ms} must be at least {@code
   * linger.ms + request.timeout.ms}, or the producer refuses to start).
   */
  static Map<String, Object> producerConfig(Map<String, Object> base, Duration timeout) {
    Map<String, Object> config = new HashMap<>(base);
    int deliveryTimeoutMs = Math.toIntExact(timeout.toMillis());
    int requestTimeoutMs =
        Math.min(
            base.containsKey(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)
                ? Integer.parseInt(base.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG).toString())
                : KAFKA_REQUEST_TIMEOUT_MS,
            deliveryTimeoutMs - LINGER_MS);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryTimeoutMs);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, deliveryTimeoutMs);
    Object clientId = base.get(ProducerConfig.CLIENT_ID_CONFIG);
    config.put(
        ProducerConfig.CLIENT_ID_CONFIG,
        clientId == null ? "msgcenter-" + NAME : clientId + "-" + NAME);
    return config;
  }
}
