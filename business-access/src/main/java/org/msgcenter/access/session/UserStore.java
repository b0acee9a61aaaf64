package org.msgcenter.access.session;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.msgcenter.access.internal.Database;
import org.msgcenter.access.module.UserDirectory;
import org.msgcenter.access.module.UserInfo;

/** The {@code access_user} table. */
public final class UserStore implements UserDirectory {
  private static final String COLUMNS = "user_id, username, display_name, email, password_hash";

  private final Database db;
  private final Passwords passwords;
  private final Clock clock;

  public UserStore(Database db, Passwords passwords, Clock clock) {
    this.db = db;
    this.passwords = passwords;
    this.clock = clock;
  }

  private record Row(UserInfo info, String passwordHash) {}

  @Override
  public Optional<UserInfo> find(String userIdOrUsername) {
    return db.inTransaction(c -> load(c, userIdOrUsername, false)).map(Row::info);
  }

  /** The user whose username and password match; the same time is spent when none does. */
  public Optional<UserInfo> authenticate(String username, String password) {
    Optional<Row> row =
        db.inTransaction(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT " + COLUMNS + " FROM access_user WHERE username = ?")) {
                ps.setString(1, username);
                return read(ps);
              }
            });
    if (row.isEmpty()) {
      passwords.burn(password);
      return Optional.empty();
    }
    return passwords.matches(password, row.get().passwordHash())
        ? Optional.of(row.get().info())
        : Optional.empty();
  }

  @Override
  public boolean changePassword(
      Connection transaction, String userId, String currentPassword, String newPassword)
      throws SQLException {
    Optional<Row> row = load(transaction, userId, true);
    if (row.isEmpty() || !passwords.matches(currentPassword, row.get().passwordHash())) {
      return false;
    }
    try (PreparedStatement ps =
        transaction.prepareStatement(
            "UPDATE access_user SET password_hash = ?, updated_at = ? WHERE user_id = ?")) {
      ps.setString(1, passwords.hash(newPassword));
      ps.setObject(2, now());
      ps.setString(3, userId);
      if (ps.executeUpdate() != 1) {
        throw new SQLException("user " + userId + " vanished while changing its password");
      }
    }
    return true;
  }

  /** Inserts the demo user unless a user with that id exists (its password is left alone). */
  public void ensure(Connection c, DemoUsers.Demo demo) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT IGNORE INTO access_user (user_id, username, display_name, email,"
                + " password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, demo.userId());
      ps.setString(2, demo.username());
      ps.setString(3, demo.displayName());
      ps.setString(4, demo.email());
      ps.setString(5, passwords.hash(demo.password()));
      ps.setObject(6, now());
      ps.setObject(7, now());
      ps.executeUpdate();
    }
  }

  private Optional<Row> load(Connection c, String idOrName, boolean forUpdate) throws SQLException {
    String lock = forUpdate ? " FOR UPDATE" : "";
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLUMNS + " FROM access_user WHERE user_id = ?" + lock)) {
      ps.setString(1, idOrName);
      Optional<Row> byId = read(ps);
      if (byId.isPresent()) {
        return byId;
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLUMNS + " FROM access_user WHERE username = ?" + lock)) {
      ps.setString(1, idOrName);
      return read(ps);
    }
  }

  private static Optional<Row> read(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      return Optional.of(
          new Row(
              new UserInfo(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)),
              rs.getString(5)));
    }
  }

  private LocalDateTime now() {
    return LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }
}
