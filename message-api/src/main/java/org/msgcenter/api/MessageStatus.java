package org.msgcenter.api;

/** A message's status, derived from its deliveries (never kept separately). Stored by name. */
public enum MessageStatus {
  /** Every delivery is scheduled for later. */
  SCHEDULED,
  /** At least one delivery is not yet in a terminal state. */
  DISPATCHING,
  /** Every delivery SENT, ACKED, READ or SKIPPED, and at least one sent. */
  DELIVERED,
  /** All terminal; some sent, some DEAD or EXPIRED. */
  PARTIALLY_DELIVERED,
  /** All terminal; none sent. */
  FAILED,
  /** Cancelled by command before it was sent. */
  CANCELLED,
  /** Suppressed as a duplicate of an earlier notification with the same dedupKey. */
  SUPPRESSED
}
