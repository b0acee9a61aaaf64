package org.msgcenter.center.delivery;

import java.time.Instant;

/** Where the {@link Dispatcher} hands what became of each leased delivery it held. */
public interface Outcomes {

  /** The delivery was sent (or refused unsent) with this outcome: an attempt to record. */
  void finished(DispatchJob.Finished finished);

  /**
   * The lease is given back unsent (shutdown, open circuit, a wait too long for a send slot):
   * PENDING again, due at {@code due}, no attempt spent.
   */
  void released(DispatchJob job, Instant due, String reason);
}
