package org.msgcenter.access.session;

import java.util.List;

/** The local stack's demo users; their passwords are public (README), so only there. */
public final class DemoUsers {
  private DemoUsers() {}

  /** A demo user and the password to sign in with. */
  public record Demo(
      String userId, String username, String displayName, String email, String password) {}

  public static final List<Demo> ALL =
      List.of(
          new Demo("u-1001", "alice", "Alice", "alice@example.com", "alice-demo-pass"),
          new Demo("u-1002", "bob", "Bob", "bob@example.com", "bob-demo-pass"),
          new Demo("u-1003", "carol", "Carol", "carol@example.com", "carol-demo-pass"));
}
