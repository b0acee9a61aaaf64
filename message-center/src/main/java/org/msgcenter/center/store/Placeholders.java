package org.msgcenter.center.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/** Parameter lists of the statements written out in plain JDBC, and the binding of their ids. */
final class Placeholders {
  private Placeholders() {}

  /** {@code (?, ?, …)} with {@code n} parameters; {@code n} must be at least 1. */
  static String list(int n) {
    return "(" + "?, ".repeat(n - 1) + "?)";
  }

  /** Binds {@code ids} from parameter {@code from} on; returns the next parameter's index. */
  static int bind(PreparedStatement ps, int from, List<byte[]> ids) throws SQLException {
    int i = from;
    for (byte[] id : ids) {
      ps.setBytes(i++, id);
    }
    return i;
  }
}
