package org.msgcenter.access.module;

import java.time.Clock;
import org.msgcenter.api.outbox.OutboxPublisher;

/** What the access server gives a module at start. */
public interface ModuleContext {

  /** The time source; modules never call {@code Instant.now()} in logic. */
  Clock clock();

  /**
   * The outbox: {@code outbox().publish(transaction, notification)} inside {@link #inTransaction}
   * publishes exactly when the transaction commits (the access server runs the relay).
   */
  OutboxPublisher outbox();

  /** The access layer's users. */
  UserDirectory users();

  /**
   * Runs {@code work} in one transaction on the access database: commits when it returns, rolls
   * back when it throws (and rethrows). After a commit the outbox relay is woken, so notifications
   * leave at once.
   */
  <T> T inTransaction(Transactional<T> work);
}
