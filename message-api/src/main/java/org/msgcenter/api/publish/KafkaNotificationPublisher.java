package org.msgcenter.api.publish;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.msgcenter.api.Notification;
import org.msgcenter.api.NotificationCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link NotificationPublisher} on an idempotent Kafka producer with {@code acks=all}. */
final class KafkaNotificationPublisher implements NotificationPublisher {
  private static final Logger log = LoggerFactory.getLogger(KafkaNotificationPublisher.class);
  private static final byte[] SCHEMA_VALUE =
      String.valueOf(Notification.SCHEMA).getBytes(StandardCharsets.UTF_8);

  private final PublisherConfig config;
  private final Producer<String, byte[]> producer;
  private final AtomicBoolean closed = new AtomicBoolean();

  KafkaNotificationPublisher(PublisherConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.producer = new KafkaProducer<>(properties(config));
    log.info("Notification publisher started: {}", config);
  }

  static Properties properties(PublisherConfig config) {
    Properties p = new Properties();
    p.putAll(config.producerProperties());
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, config.clientId());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(config.linger().toMillis()));
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.compression());
    p.put(
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
        String.valueOf(config.requestTimeout().toMillis()));
    p.put(
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
        String.valueOf(config.deliveryTimeout().toMillis()));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(config.maxBlock().toMillis()));
    return p;
  }

  @Override
  public CompletableFuture<PublishResult> publish(Notification n) {
    Objects.requireNonNull(n, "notification");
    String topic = RecordShape.topic(config, n);
    CompletableFuture<PublishResult> result = new CompletableFuture<>();
    if (closed.get()) {
      result.completeExceptionally(
          new PublishException(n.messageId(), "publisher is closed", false, null));
      return result;
    }
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(topic, RecordShape.key(n), NotificationCodec.encode(n));
    record.headers().add(RecordShape.SCHEMA_HEADER, SCHEMA_VALUE);
    n.traceId()
        .ifPresent(
            t ->
                record
                    .headers()
                    .add(RecordShape.TRACE_ID_HEADER, t.getBytes(StandardCharsets.UTF_8)));
    try {
      producer.send(
          record,
          (metadata, error) -> {
            if (error == null) {
              result.complete(
                  new PublishResult(
                      n.messageId(), metadata.topic(), metadata.partition(), metadata.offset()));
            } else {
              result.completeExceptionally(failure(n, topic, error));
            }
          });
    } catch (RuntimeException e) {
      // Metadata not available within maxBlock, buffer full, or closed concurrently.
      result.completeExceptionally(failure(n, topic, e));
    }
    return result;
  }

  /**
   * Whether publishing the same notification again is the answer to {@code error}: for Kafka's
   * retriable errors (timeouts, an unreachable or restarting broker), and for an out-of-order
   * sequence, which Kafka documents as "data may have been lost" while the idempotent producer goes
   * on (seen when a request's answer timed out on a busy host while later batches were
   * acknowledged). Either way the record may or may not be stored; the center records a messageId
   * once, so publishing again loses nothing and duplicates nothing.
   */
  static boolean retryable(Throwable error) {
    return error instanceof RetriableException || error instanceof OutOfOrderSequenceException;
  }

  private PublishException failure(Notification n, String topic, Throwable error) {
    boolean retryable = retryable(error);
    String message =
        "publish of message "
            + n.messageId()
            + " to "
            + topic
            + " failed"
            + (error instanceof OutOfOrderSequenceException
                ? " (the broker saw the producer's records out of order and may have lost some;"
                    + " safe to publish again)"
                : retryable
                    ? " (broker unreachable or no acknowledgement within deliveryTimeout "
                        + config.deliveryTimeout().toMillis()
                        + " ms; safe to publish again)"
                    : "")
            + ": "
            + error.getClass().getSimpleName()
            + ": "
            + error.getMessage();
    log.warn("{}", message);
    return new PublishException(n.messageId(), message, retryable, error);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      producer.close(config.closeTimeout());
      log.info("Notification publisher closed");
    }
  }
}
