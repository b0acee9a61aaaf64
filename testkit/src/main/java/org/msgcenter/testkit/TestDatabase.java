package org.msgcenter.testkit;

import java.util.Objects;

/**
 * A database (schema) of its own for one test class, with a user that has all privileges on it and
 * nothing else. Given by {@link EmbeddedInfrastructure}, which creates it on first request in a
 * class and drops it, with its user, after the class.
 *
 * @param name database name, also the user name: {@code t_<simple class name>_<n>}, lower case, at
 *     most 64 characters
 * @param jdbcUrl JDBC URL of the database on the shared {@link EmbeddedMariaDb}
 * @param user user name
 * @param password the user's password
 */
public record TestDatabase(String name, String jdbcUrl, String user, String password) {

  /** Checks that no component is null. */
  public TestDatabase {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
  }
}
