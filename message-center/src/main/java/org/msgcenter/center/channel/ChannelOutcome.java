package org.msgcenter.center.channel;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What one send attempt came to. A channel returns exactly one of these, never a boolean: the
 * recorder needs to know whether trying again can help.
 */
public sealed interface ChannelOutcome {

  /** The provider accepted the delivery. */
  record Sent(String receipt) implements ChannelOutcome {
    /** {@code receipt}: the provider's id for the delivery, or null when it gives none. */
    public Sent {}

    public Optional<String> providerReceipt() {
      return Optional.ofNullable(receipt);
    }
  }

  /** Failed; another attempt may succeed (timeouts, 5xx, throttling, connection refused). */
  record RetryableFailure(String reason, Duration retryAfter) implements ChannelOutcome {
    /**
     * {@code retryAfter}: the provider's own hint (such as HTTP {@code Retry-After}), or null to
     * use the channel's backoff.
     */
    public RetryableFailure {
      Objects.requireNonNull(reason, "reason");
    }

    public RetryableFailure(String reason) {
      this(reason, null);
    }
  }

  /** Failed; another attempt would fail the same way (address refused, bad request). */
  record PermanentFailure(String reason) implements ChannelOutcome {
    public PermanentFailure {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
