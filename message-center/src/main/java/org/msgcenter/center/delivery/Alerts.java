package org.msgcenter.center.delivery;

import java.time.Duration;

/** Told when a channel starts failing (its circuit opens) and when it recovers. */
public interface Alerts {

  /**
   * @param failureRatePercent retryable failures among the last {@code calls} sends
   * @param pausedFor how long sending is paused before probing
   */
  void failing(
      String channel, int failureRatePercent, int calls, int thresholdPercent, Duration pausedFor);

  void recovered(String channel);
}
