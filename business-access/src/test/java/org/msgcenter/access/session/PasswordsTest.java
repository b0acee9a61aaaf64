package org.msgcenter.access.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordsTest {
  private final Passwords passwords = new Passwords(10_000);

  @Test
  void a_hash_matches_its_password_only_and_carries_its_cost() {
    String hash = passwords.hash("correct horse");
    assertThat(hash).startsWith("pbkdf2-sha256$10000$").doesNotContain("correct");
    assertThat(passwords.matches("correct horse", hash)).isTrue();
    assertThat(passwords.matches("correct horsE", hash)).isFalse();
    assertThat(passwords.hash("correct horse")).as("salted").isNotEqualTo(hash);
  }

  @Test
  void a_hash_made_with_another_cost_still_verifies() {
    String old = new Passwords(20_000).hash("pw-1234567");
    assertThat(passwords.matches("pw-1234567", old)).isTrue();
  }

  @Test
  void a_malformed_stored_value_never_matches() {
    assertThat(passwords.matches("x", "plain")).isFalse();
    assertThat(passwords.matches("x", "pbkdf2-sha256$abc$%%$%%")).isFalse();
  }
}
