package org.msgcenter.center.delivery;

import java.time.Duration;

/**
 * Told when a channel, or one of its configured endpoints, starts failing (its circuit opens) and
 * when it recovers. {@code endpoint} is null for the channel as a whole.
 */
public interface Alerts {

  /**
   * @param failureRatePercent retryable failures among the last {@code calls} sends
   * @param pausedFor how long sending is paused before probing
   */
  void failing(
      String channel,
      String endpoint,
      int failureRatePercent,
      int calls,
      int thresholdPercent,
      Duration pausedFor);

  void recovered(String channel, String endpoint);
}
