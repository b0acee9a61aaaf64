package org.msgcenter.access.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class AccessConfigTest {

  private static Map<String, String> production() {
    Map<String, String> s = new HashMap<>(AccessConfig.DEFAULTS);
    s.put("profile", "production");
    s.put("db.password", "a-real-db-password");
    s.put("jwt.secret", "x".repeat(40));
    s.put("center.accessToken", "a-real-center-token");
    s.put("integration.apiKeys", "billing:a-real-api-key");
    s.put("demo.users", "false");
    return s;
  }

  @Test
  void the_defaults_run_the_local_profile() {
    AccessConfig c = AccessConfig.from(new Settings(AccessConfig.DEFAULTS));
    assertThat(c.jwt().secret()).isEqualTo("local-dev-secret");
    assertThat(c.apiKeys()).containsEntry("local", "local-dev-key");
    assertThat(c.http().port()).isEqualTo(8080);
  }

  @Test
  void another_profile_with_the_local_secrets_refuses_to_start_naming_them() {
    Map<String, String> s = production();
    s.put("jwt.secret", "local-dev-secret");
    s.put("integration.apiKeys", "local:local-dev-key");
    assertThatThrownBy(() -> AccessConfig.from(new Settings(s)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("jwt.secret")
        .hasMessageContaining("integration.apiKeys(local)")
        .hasMessageNotContaining("local-dev-key");
    assertThat(AccessConfig.from(new Settings(production())).profile()).isEqualTo("production");
  }

  @Test
  void another_profile_refuses_a_short_jwt_secret_and_the_demo_users() {
    Map<String, String> s = production();
    s.put("jwt.secret", "short-but-not-local");
    assertThatThrownBy(() -> AccessConfig.from(new Settings(s)))
        .hasMessageContaining("jwt.secret")
        .hasMessageContaining("at least 32 characters");
    Map<String, String> demo = production();
    demo.put("demo.users", "true");
    assertThatThrownBy(() -> AccessConfig.from(new Settings(demo)))
        .hasMessageContaining("demo.users = \"true\"");
  }

  @Test
  void bad_values_are_named_with_their_key_and_environment_variable() {
    Map<String, String> s = new HashMap<>(AccessConfig.DEFAULTS);
    s.put("http.port", "eighty");
    assertThatThrownBy(() -> AccessConfig.from(new Settings(s)))
        .hasMessage(
            "http.port = \"eighty\" must be a whole number (set it in the configuration file or as"
                + " MSGCENTER_ACCESS_HTTP_PORT)");
    s.put("http.port", "8080");
    s.put("center.protocol", "grpc");
    assertThatThrownBy(() -> AccessConfig.from(new Settings(s)))
        .hasMessageStartingWith("center.protocol = \"grpc\" must be dubbo or tri");
    s.put("center.protocol", "dubbo");
    s.put("integration.apiKeys", "billing:short");
    assertThatThrownBy(() -> AccessConfig.from(new Settings(s)))
        .hasMessageContaining("integration.apiKeys")
        .hasMessageContaining("at least 8 characters")
        .hasMessageNotContaining("short");
  }

  @Test
  void the_environment_overrides_the_defaults_with_the_access_prefix() {
    Settings s =
        Settings.load(
            null,
            AccessConfig.DEFAULTS,
            Map.of(
                "MSGCENTER_JWT_SECRET", "shared-with-the-notifier",
                "MSGCENTER_DB_URL", "jdbc:mariadb://db/msgcenter",
                "MSGCENTER_ACCESS_HTTP_PORT", "9090"),
            new Properties());
    AccessConfig c = AccessConfig.from(s);
    assertThat(c.jwt().secret()).isEqualTo("shared-with-the-notifier");
    assertThat(c.db().url()).as("the center's variable").endsWith("/msgcenter_access");
    assertThat(c.http().port()).isEqualTo(9090);

    Settings own =
        Settings.load(
            null,
            AccessConfig.DEFAULTS,
            Map.of("MSGCENTER_JWT_SECRET", "shared", "MSGCENTER_ACCESS_JWT_SECRET", "own"),
            new Properties());
    assertThat(AccessConfig.from(own).jwt().secret()).isEqualTo("own");
  }

  @Test
  void the_logged_configuration_masks_every_secret() {
    String shown = AccessConfig.from(new Settings(production())).describe();
    assertThat(shown)
        .doesNotContain("a-real-db-password")
        .doesNotContain("xxxxxxxx")
        .doesNotContain("a-real-center-token")
        .doesNotContain("a-real-api-key")
        .contains("apiKeys=[billing]");
  }
}
