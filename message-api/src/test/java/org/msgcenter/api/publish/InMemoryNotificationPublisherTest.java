package org.msgcenter.api.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.msgcenter.api.Notification;
import org.msgcenter.api.NotificationCodec;
import org.msgcenter.api.Priority;
import org.msgcenter.api.Recipient;

class InMemoryNotificationPublisherTest {

  private static Notification notification(Priority priority) {
    return Notification.builder()
        .bizType("order.shipped")
        .recipient(Recipient.ofUser("u-7"))
        .content("Shipped.")
        .priority(priority)
        .build();
  }

  @Test
  void records_what_the_kafka_publisher_would_send() throws Exception {
    try (InMemoryNotificationPublisher publisher = new InMemoryNotificationPublisher()) {
      Notification high = notification(Priority.HIGH);
      Notification normal = notification(Priority.NORMAL);
      PublishResult r1 = publisher.publish(high).get();
      publisher.publish(normal).get();

      assertThat(r1.topic()).isEqualTo(PublisherConfig.DEFAULT_HIGH_TOPIC);
      assertThat(publisher.published()).containsExactly(high, normal);
      InMemoryNotificationPublisher.Record second = publisher.records().get(1);
      assertThat(second.topic()).isEqualTo(PublisherConfig.DEFAULT_TOPIC);
      assertThat(second.key()).isEqualTo("u-7");
      assertThat(new String(second.value(), StandardCharsets.UTF_8))
          .isEqualTo(new String(NotificationCodec.encode(normal), StandardCharsets.UTF_8));
    }
  }

  @Test
  void a_failure_set_by_the_test_fails_the_next_publish_and_records_nothing() {
    InMemoryNotificationPublisher publisher = new InMemoryNotificationPublisher();
    publisher.failNext(new IllegalStateException("broker down"));
    CompletableFuture<PublishResult> f = publisher.publish(notification(Priority.NORMAL));
    assertThatThrownBy(f::get)
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(PublishException.class)
        .hasMessageContaining("broker down");
    assertThat(publisher.published()).isEmpty();
  }

  @Test
  void without_auto_complete_the_test_decides_when_each_publish_completes() {
    InMemoryNotificationPublisher publisher = new InMemoryNotificationPublisher(false);
    CompletableFuture<PublishResult> first = publisher.publish(notification(Priority.NORMAL));
    CompletableFuture<PublishResult> second = publisher.publish(notification(Priority.NORMAL));
    assertThat(first).isNotDone();
    publisher.completeNext();
    publisher.failNext(new IllegalStateException("timeout"));
    assertThat(first).isCompleted();
    assertThat(second).isCompletedExceptionally();
    assertThat(publisher.published()).hasSize(1);
    assertThatThrownBy(publisher::completeNext).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void publishing_after_close_fails_the_future() {
    InMemoryNotificationPublisher publisher = new InMemoryNotificationPublisher();
    publisher.close();
    assertThat(publisher.publish(notification(Priority.LOW))).isCompletedExceptionally();
  }
}
