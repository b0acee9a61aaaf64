package org.msgcenter.access.module;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/** The access layer's users, as modules may see and change them. */
public interface UserDirectory {

  /** The user with this id or, failing that, this username. */
  Optional<UserInfo> find(String userIdOrUsername);

  /**
   * Replaces the user's password inside {@code transaction} when {@code currentPassword} is right.
   *
   * @return false when {@code currentPassword} is wrong (nothing changed)
   */
  boolean changePassword(
      Connection transaction, String userId, String currentPassword, String newPassword)
      throws SQLException;
}
