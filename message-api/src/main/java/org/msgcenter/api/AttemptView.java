package org.msgcenter.api;

import java.io.Serializable;

/** One attempt to deliver, as appended to {@code delivery_attempt}. */
public class AttemptView implements Serializable {
  private static final long serialVersionUID = 1L;

  private int attempt;
  private String startedAt;
  private String finishedAt;
  private AttemptOutcome outcome;
  private boolean manual;
  private String error;

  public AttemptView() {}

  /** 1 for the first attempt; counts restart after a resend. */
  public int getAttempt() {
    return attempt;
  }

  public AttemptView setAttempt(int attempt) {
    this.attempt = attempt;
    return this;
  }

  /** An ISO-8601 UTC instant such as {@code 2026-11-22T08:00:00.123Z}. */
  public String getStartedAt() {
    return startedAt;
  }

  public AttemptView setStartedAt(String startedAt) {
    this.startedAt = startedAt;
    return this;
  }

  /** An ISO-8601 UTC instant such as {@code 2026-11-22T08:00:00.123Z}, or null while in flight. */
  public String getFinishedAt() {
    return finishedAt;
  }

  public AttemptView setFinishedAt(String finishedAt) {
    this.finishedAt = finishedAt;
    return this;
  }

  /** The outcome, or null while in flight. */
  public AttemptOutcome getOutcome() {
    return outcome;
  }

  public AttemptView setOutcome(AttemptOutcome outcome) {
    this.outcome = outcome;
    return this;
  }

  /** Whether an operator's resend started it. */
  public boolean isManual() {
    return manual;
  }

  public AttemptView setManual(boolean manual) {
    this.manual = manual;
    return this;
  }

  /** The provider's or center's reason for a failure, or null. */
  public String getError() {
    return error;
  }

  public AttemptView setError(String error) {
    this.error = error;
    return this;
  }

  @Override
  public String toString() {
    return "AttemptView{"
        + "attempt="
        + attempt
        + ", "
        + "startedAt="
        + startedAt
        + ", "
        + "finishedAt="
        + finishedAt
        + ", "
        + "outcome="
        + outcome
        + ", "
        + "manual="
        + manual
        + ", "
        + "error="
        + error
        + "}";
  }
}
