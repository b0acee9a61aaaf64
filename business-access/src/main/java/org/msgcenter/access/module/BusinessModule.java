package org.msgcenter.access.module;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * A business module plugged into the access server, found with {@link java.util.ServiceLoader}
 * (list the class in {@code META-INF/services/org.msgcenter.access.module.BusinessModule}).
 *
 * <p>The module declares its operations; the access server exposes each at {@code
 * /api/<module>/<operation>}, authenticates the caller (a user token), checks the rate limit,
 * validates the JSON body against the operation's {@link Field}s, and calls the handler with a
 * {@link OperationRequest}. The module does its work on its own tables, publishes notifications
 * through {@link ModuleContext#outbox()} in the same transaction, and returns its result.
 *
 * <p>Its tables are created by Flyway migrations at {@code db/modules/<name>/} on the class path,
 * with a history table of its own ({@code flyway_<name>_history}), so modules evolve their schemas
 * independently.
 */
public interface BusinessModule {

  /** Lower-case letters, digits and dashes: the path segment and the migrations folder. */
  String name();

  /** Called once at start, after the module's migrations ran; returns the operations. */
  List<Operation> start(ModuleContext context);

  /**
   * Called after a user signed in, inside the transaction that records the sign-in; a module that
   * throws fails the sign-in. Default: nothing.
   */
  default void signedIn(SignIn signIn, Connection transaction) throws SQLException {}

  /**
   * Called at start when the demo users are seeded (local profile only), inside a transaction, so
   * the module can give them data of its own (an opening balance, say). Must be repeatable: it runs
   * on every start. Default: nothing.
   */
  default void seedDemo(List<UserInfo> users, Connection transaction) throws SQLException {}
}
