package org.msgcenter.center.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.msgcenter.api.DeliveryStatus.ACKED;
import static org.msgcenter.api.DeliveryStatus.CANCELLED;
import static org.msgcenter.api.DeliveryStatus.DEAD;
import static org.msgcenter.api.DeliveryStatus.PENDING;
import static org.msgcenter.api.DeliveryStatus.READ;
import static org.msgcenter.api.DeliveryStatus.SENDING;
import static org.msgcenter.api.DeliveryStatus.SENT;

import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TransitionsTest {

  @Test
  void acks_and_reads_are_one_way() {
    assertThat(Transitions.isAllowed(SENT, ACKED)).isTrue();
    assertThat(Transitions.isAllowed(ACKED, READ)).isTrue();
    assertThat(Transitions.isAllowed(READ, ACKED)).isFalse();
    assertThat(Transitions.isAllowed(ACKED, SENT)).isFalse();
  }

  @Test
  void a_sent_delivery_cannot_be_cancelled_or_resent() {
    assertThat(Transitions.isAllowed(SENT, CANCELLED)).isFalse();
    assertThat(Transitions.isAllowed(SENT, PENDING)).isFalse();
    assertThatThrownBy(() -> Transitions.require(SENT, SENDING))
        .hasMessage("illegal delivery transition SENT -> SENDING");
  }

  @Test
  void resend_moves_dead_back_to_pending_and_a_lease_can_be_released() {
    assertThat(Transitions.isAllowed(DEAD, PENDING)).isTrue();
    assertThat(Transitions.isAllowed(SENDING, PENDING)).isTrue();
    assertThat(Transitions.sqlFrom(ACKED)).isEqualTo("'SENDING','SENT'");
  }

  @Test
  void backoff_grows_exponentially_with_jitter_and_is_capped() {
    ChannelPolicy p =
        ChannelPolicy.from("sms", Map.of("retry.initialBackoff", "1s", "retry.maxBackoff", "10s"));
    Random random = new Random(42);
    for (int attempt = 1; attempt <= 10; attempt++) {
      long base = Math.min(10_000, 1_000L << (attempt - 1));
      Duration wait = p.backoff(attempt, random);
      assertThat(wait.toMillis()).as("attempt %d", attempt).isBetween(base / 2, base);
    }
  }

  @Test
  void channel_settings_are_validated_naming_the_key() {
    assertThatThrownBy(() -> ChannelPolicy.from("sms", Map.of("capacity", "0")))
        .hasMessageContaining("channel.sms.capacity");
    assertThatThrownBy(() -> ChannelPolicy.from("sms", Map.of("retry.initialBackoff", "1 minute")))
        .hasMessageContaining("channel.sms.retry.initialBackoff");
  }
}
