package org.msgcenter.api.outbox;

import java.time.Instant;
import java.util.Optional;

/** What an outbox holds that is not published yet: a relay that keeps up keeps this small. */
public final class Backlog {
  private final long rows;
  private final Instant oldest;

  Backlog(long rows, Instant oldest) {
    this.rows = rows;
    this.oldest = oldest;
  }

  /** Rows not yet acknowledged by the broker (waiting, claimed, or parked). */
  public long rows() {
    return rows;
  }

  /** When the oldest of them was written; empty when there are none. */
  public Optional<Instant> oldest() {
    return Optional.ofNullable(oldest);
  }

  @Override
  public String toString() {
    return "Backlog{rows=" + rows + ", oldest=" + oldest + "}";
  }
}
