package org.msgcenter.center.channel.inapp;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.msgcenter.center.channel.Channel;
import org.msgcenter.center.channel.ChannelOutcome;
import org.msgcenter.center.channel.ChannelOutcome.PermanentFailure;
import org.msgcenter.center.channel.ChannelOutcome.RetryableFailure;
import org.msgcenter.center.channel.ChannelOutcome.Sent;
import org.msgcenter.center.channel.OutboundDelivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes one realtime event per in-app delivery, keyed by user id. Sent means the broker
 * acknowledged the event ({@code acks=all}); the receipt is {@code <topic>-<partition>@<offset>}.
 *
 * <p>Events are at-least-once: an acknowledgement that arrives after the timeout leaves the attempt
 * retryable and the event is published again, so consumers dedupe on {@code deliveryId}.
 *
 * <p>{@link #send} may block its caller while the producer fetches the topic's metadata (the first
 * send, or while no broker answers), never longer than the timeout; the stage completes within the
 * timeout, counted from the call.
 */
public final class InAppChannel implements Channel {
  private static final Logger log = LoggerFactory.getLogger(InAppChannel.class);
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN).build();
  private static final int MAX_REASON_CHARS = 200;

  private final String topic;
  private final Duration timeout;
  private final Producer<String, byte[]> producer;
  private final AtomicBoolean closed = new AtomicBoolean();

  InAppChannel(String topic, Duration timeout, Producer<String, byte[]> producer) {
    this.topic = topic;
    this.timeout = timeout;
    this.producer = producer;
  }

  @Override
  public String name() {
    return InAppChannelProvider.NAME;
  }

  @Override
  public CompletionStage<ChannelOutcome> send(OutboundDelivery delivery) {
    byte[] event;
    try {
      event = JSON.writeValueAsBytes(event(delivery));
    } catch (JsonProcessingException e) {
      return CompletableFuture.completedFuture(
          new PermanentFailure("cannot write the event as JSON: " + e.getOriginalMessage()));
    }
    CompletableFuture<ChannelOutcome> result = new CompletableFuture<>();
    result.completeOnTimeout(
        new RetryableFailure(
            "no acknowledgement from Kafka for " + topic + " within " + human(timeout)),
        timeout.toMillis(),
        TimeUnit.MILLISECONDS);
    try {
      producer.send(
          new ProducerRecord<>(topic, delivery.address(), event),
          (metadata, error) -> result.complete(error == null ? sent(metadata) : failure(error)));
    } catch (RuntimeException e) {
      result.complete(failure(e));
    }
    result.thenAccept(
        outcome ->
            log.debug(
                "In-app deliveryId={} messageId={} attempt={}: {}",
                delivery.deliveryId(),
                delivery.messageId(),
                delivery.attempt(),
                outcome));
    return result;
  }

  /** The event, field by field as documented; websocket-notifier emits it to the user's clients. */
  static Map<String, Object> event(OutboundDelivery d) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("messageId", d.messageId());
    json.put("deliveryId", d.deliveryId());
    json.put("userId", d.address());
    json.put("bizType", d.bizType());
    json.put("title", d.title());
    json.put("content", d.content());
    json.put("data", d.data());
    json.put("createdAt", d.createdAt() == null ? null : d.createdAt().toString());
    return json;
  }

  private static String human(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }

  private static ChannelOutcome sent(RecordMetadata m) {
    return new Sent(m.topic() + "-" + m.partition() + "@" + m.offset());
  }

  /**
   * Retriable Kafka errors (timeouts, no leader, not enough replicas, network) and a closed or
   * interrupted producer may pass; anything else (record too large, not authorized, invalid topic)
   * fails the same way next time.
   */
  static ChannelOutcome failure(Throwable error) {
    String reason = "Kafka " + error.getClass().getSimpleName();
    if (error.getMessage() != null) {
      reason += ": " + error.getMessage().replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
    }
    if (reason.length() > MAX_REASON_CHARS) {
      reason = reason.substring(0, MAX_REASON_CHARS) + "...";
    }
    if (error instanceof RetriableException
        || error instanceof java.util.concurrent.TimeoutException
        || error instanceof InterruptException
        || error instanceof IllegalStateException) {
      return new RetryableFailure(reason);
    }
    return new PermanentFailure(reason);
  }

  /**
   * Waits for events in flight to be acknowledged (up to the timeout), then closes the producer.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        producer.flush();
      } finally {
        producer.close(timeout);
      }
    }
  }

  @Override
  public String toString() {
    return "InAppChannel{topic=" + topic + ", timeout=" + timeout + "}";
  }
}
