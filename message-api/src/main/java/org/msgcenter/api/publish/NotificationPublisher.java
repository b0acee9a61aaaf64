package org.msgcenter.api.publish;

import java.util.concurrent.CompletableFuture;
import org.msgcenter.api.Notification;

/**
 * Hands notifications to the message center.
 *
 * <p>Delivery semantics: the returned future completes normally only once the broker has
 * acknowledged the record on all in-sync replicas ({@code acks=all}); from then on the message
 * center owns it and will deliver it or record a terminal state with a reason. The future completes
 * exceptionally with a {@link PublishException} when the broker cannot be reached or does not
 * acknowledge in time; it never completes normally for a record that was not stored. Publishing the
 * same {@link Notification#messageId()} again is harmless: the center records it once, so a caller
 * that is unsure may simply publish again.
 *
 * <p>A {@link Notification} is valid by construction, so nothing invalid is ever sent.
 *
 * <p>Implementations: {@link #kafka(PublisherConfig)} for production, {@link
 * InMemoryNotificationPublisher} for users' own unit tests.
 */
public interface NotificationPublisher extends AutoCloseable {

  /**
   * Publishes one notification. HIGH priority goes to the high-priority topic, the rest to the
   * normal topic; the record key is the recipient's userId, else the bizId, else the messageId.
   *
   * <p>Dependent stages of the returned future run on the client's I/O thread unless added with an
   * {@code *Async} method: keep them short, or pass an executor.
   *
   * @throws NullPointerException when {@code notification} is null
   */
  CompletableFuture<PublishResult> publish(Notification notification);

  /**
   * Sends what is buffered, waits for the acknowledgements (up to the configured close timeout) and
   * releases the client. Idempotent. Publishing after close fails the returned future.
   */
  @Override
  void close();

  /** The Kafka publisher: idempotent producer, {@code acks=all}. */
  static NotificationPublisher kafka(PublisherConfig config) {
    return new KafkaNotificationPublisher(config);
  }
}
