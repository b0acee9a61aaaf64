package org.msgcenter.center.delivery;

import java.time.Instant;
import org.msgcenter.api.Priority;
import org.msgcenter.center.channel.OutboundDelivery;

/**
 * One leased delivery to send.
 *
 * @param delivery what the channel sends; {@code delivery.attempt()} is the attempt number the
 *     lease assigned
 * @param priority the delivery's priority (HIGH may use reserved capacity)
 * @param leaseOwner the instance holding the lease
 * @param leaseExpiry when the lease runs out and another claim may take the delivery: a job waiting
 *     for a send slot starts only while its send can end well before this
 * @param round the delivery's resend round: 0 until the first {@code resend} command, then 1, 2...
 */
public record DispatchJob(
    OutboundDelivery delivery,
    Priority priority,
    String leaseOwner,
    Instant leaseExpiry,
    int round) {

  /**
   * A job is one lease of one attempt, never equal to another job, even one with the same values:
   * the dispatcher keeps its jobs in hash sets, and the hash of a record would read the whole
   * delivery (content, data) on every add and remove.
   */
  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }

  /** Whether an operator's resend started this attempt: the first attempt of a resend round. */
  public boolean manual() {
    return round > 0 && delivery.attempt() == 1;
  }

  /** The job's attempt, finished with an outcome at {@code startedAt} .. {@code finishedAt}. */
  public record Finished(
      DispatchJob job,
      org.msgcenter.center.channel.ChannelOutcome outcome,
      Instant startedAt,
      Instant finishedAt) {}
}
