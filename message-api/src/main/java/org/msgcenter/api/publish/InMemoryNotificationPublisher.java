package org.msgcenter.api.publish;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.msgcenter.api.Notification;
import org.msgcenter.api.NotificationCodec;

/**
 * A {@link NotificationPublisher} for your own unit tests, as Kafka ships {@code MockProducer}:
 * nothing leaves the JVM. It records what was published (with the topic, key and JSON the Kafka
 * publisher would use) and completes each future at once, or, when made with {@code
 * autoComplete=false}, when the test calls {@link #completeNext()} or {@link
 * #failNext(RuntimeException)}. Thread-safe.
 */
public final class InMemoryNotificationPublisher implements NotificationPublisher {

  /** One published record as the broker would have stored it. */
  public record Record(Notification notification, String topic, String key, byte[] value) {}

  private final PublisherConfig config;
  private final boolean autoComplete;
  private final List<Record> records = new ArrayList<>();
  private final Deque<CompletableFuture<PublishResult>> pending = new ArrayDeque<>();
  private final Deque<Record> pendingRecords = new ArrayDeque<>();
  private RuntimeException nextFailure;
  private boolean closed;

  /** Completes every publish at once, with the default topics. */
  public InMemoryNotificationPublisher() {
    this(true);
  }

  public InMemoryNotificationPublisher(boolean autoComplete) {
    this.config = PublisherConfig.builder().bootstrapServers("in-memory").build();
    this.autoComplete = autoComplete;
  }

  @Override
  public synchronized CompletableFuture<PublishResult> publish(Notification n) {
    Objects.requireNonNull(n, "notification");
    CompletableFuture<PublishResult> result = new CompletableFuture<>();
    if (closed) {
      result.completeExceptionally(
          new PublishException(n.messageId(), "publisher is closed", false, null));
      return result;
    }
    Record record =
        new Record(
            n, RecordShape.topic(config, n), RecordShape.key(n), NotificationCodec.encode(n));
    if (nextFailure != null && autoComplete) {
      RuntimeException e = nextFailure;
      nextFailure = null;
      result.completeExceptionally(failure(n, e));
    } else if (autoComplete) {
      records.add(record);
      result.complete(acknowledged(record));
    } else {
      pending.add(result);
      pendingRecords.add(record);
    }
    return result;
  }

  /**
   * With autoComplete, makes the next publish fail with {@code error}; without it, fails the oldest
   * pending publish now.
   */
  public synchronized void failNext(RuntimeException error) {
    Objects.requireNonNull(error, "error");
    if (autoComplete) {
      nextFailure = error;
      return;
    }
    CompletableFuture<PublishResult> f = requirePending();
    Record record = pendingRecords.poll();
    f.completeExceptionally(failure(record.notification(), error));
  }

  /** Without autoComplete: acknowledges the oldest pending publish. */
  public synchronized void completeNext() {
    CompletableFuture<PublishResult> f = requirePending();
    Record record = pendingRecords.poll();
    records.add(record);
    f.complete(acknowledged(record));
  }

  /** The acknowledged records, oldest first. */
  public synchronized List<Record> records() {
    return List.copyOf(records);
  }

  /** The acknowledged notifications, oldest first. */
  public synchronized List<Notification> published() {
    return records.stream().map(Record::notification).toList();
  }

  public synchronized void clear() {
    records.clear();
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  private CompletableFuture<PublishResult> requirePending() {
    if (pending.isEmpty()) {
      throw new IllegalStateException("no publish is pending");
    }
    return pending.poll();
  }

  private PublishResult acknowledged(Record record) {
    return new PublishResult(
        record.notification().messageId(), record.topic(), 0, records.size() - 1L);
  }

  private static PublishException failure(Notification n, RuntimeException e) {
    return new PublishException(
        n.messageId(),
        "publish of message " + n.messageId() + " failed: " + e.getMessage(),
        false,
        e);
  }
}
