package org.msgcenter.api.publish;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class PublishFailuresTest {

  @Test
  void failures_where_the_record_may_be_stored_or_not_are_retryable() {
    assertThat(KafkaNotificationPublisher.retryable(new TimeoutException("no ack"))).isTrue();
    assertThat(
            KafkaNotificationPublisher.retryable(
                new OutOfOrderSequenceException("0 (incoming seq. number), 705 (current end)")))
        .isTrue();
  }

  @Test
  void failures_that_publishing_again_cannot_mend_are_not() {
    assertThat(KafkaNotificationPublisher.retryable(new RecordTooLargeException("1 MB"))).isFalse();
    assertThat(KafkaNotificationPublisher.retryable(new AuthorizationException("topic"))).isFalse();
  }
}
