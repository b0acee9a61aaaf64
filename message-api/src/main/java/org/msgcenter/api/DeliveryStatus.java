package org.msgcenter.api;

/**
 * A delivery's status. The legal transitions are the table in {@code docs/states.md}; the center
 * enforces them in one place. Stored by name.
 */
public enum DeliveryStatus {
  /** Due now; waiting for channel capacity. */
  PENDING,
  /** Due at a later time ({@code sendAt} or quiet hours). */
  SCHEDULED,
  /** Claimed by an instance under a lease, being sent. */
  SENDING,
  /** The provider accepted it. */
  SENT,
  /** Failed in a retryable way; due again after a backoff. */
  RETRYING,
  /** Failed permanently or ran out of attempts; resendable by command. */
  DEAD,
  /** A client acknowledged receipt (in-app). */
  ACKED,
  /** The user read it. */
  READ,
  /** Not attempted: no address for the channel, or opted out. */
  SKIPPED,
  /** Its {@code expireAt} passed before it was sent. */
  EXPIRED,
  /** Cancelled by command before it was sent. */
  CANCELLED
}
