package org.msgcenter.api;

/** How one delivery attempt ended. Stored by name. */
public enum AttemptOutcome {
  /** The provider accepted the delivery. */
  SENT,
  /** Failed; another attempt may succeed. */
  RETRYABLE_FAILURE,
  /** Failed; another attempt would fail the same way. */
  PERMANENT_FAILURE
}
