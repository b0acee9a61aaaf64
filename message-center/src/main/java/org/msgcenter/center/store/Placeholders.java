package org.msgcenter.center.store;

/** Parameter lists of the statements written out in plain JDBC. */
final class Placeholders {
  private Placeholders() {}

  /** {@code (?, ?, …)} with {@code n} parameters; {@code n} must be at least 1. */
  static String list(int n) {
    return "(" + "?, ".repeat(n - 1) + "?)";
  }
}
