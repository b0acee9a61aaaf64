package org.msgcenter.notifier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class NotifierConfigTest {

  private static NotifierConfig config(Map<String, String> overrides) {
    Map<String, String> s = new HashMap<>(NotifierConfig.DEFAULTS);
    s.putAll(overrides);
    return NotifierConfig.from(new Settings("test", s));
  }

  @Test
  void defaults_run_the_local_stack() {
    NotifierConfig c = config(Map.of());
    assertThat(c.socketIo().port()).isEqualTo(9095);
    assertThat(c.httpPort()).isEqualTo(8082);
    assertThat(c.socketIo().allowedOrigins()).containsExactly("http://localhost:8080");
    assertThat(c.kafka().realtimeTopic()).isEqualTo("msgcenter.realtime");
    assertThat(c.kafka().receiptsTopic()).isEqualTo("msgcenter.receipts");
    assertThat(c.center().zookeeper()).isEqualTo("localhost:2181");
    assertThat(c.replay().recentWindow()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void secrets_never_appear_in_the_description() {
    String shown = config(Map.of("jwt.secret", "s3cr3t-value-that-is-long-enough-xx")).describe();
    assertThat(shown).doesNotContain("s3cr3t").doesNotContain("local-dev-token").contains("***");
  }

  @Test
  void another_profile_refuses_the_local_development_secrets() {
    assertThatThrownBy(() -> config(Map.of("profile", "prod")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("jwt.secret")
        .hasMessageContaining("dubbo.accessToken");
  }

  @Test
  void another_profile_refuses_a_jwt_secret_shorter_than_256_bits() {
    assertThatThrownBy(
            () ->
                config(
                    Map.of("profile", "prod", "jwt.secret", "short", "dubbo.accessToken", "t0ken")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("jwt.secret must be at least 32 bytes");
  }

  @Test
  void errors_name_the_key_the_value_and_the_environment_variable() {
    assertThatThrownBy(() -> config(Map.of("socketio.port", "70000")))
        .hasMessageContaining("socketio.port = \"70000\"")
        .hasMessageContaining("MSGCENTER_NOTIFIER_SOCKETIO_PORT");
    assertThatThrownBy(() -> config(Map.of("socketio.allowedOrigins", "localhost:8080/page")))
        .hasMessageContaining("socketio.allowedOrigins");
    assertThatThrownBy(() -> config(Map.of("http.port", "9095")))
        .hasMessageContaining("must differ from socketio.port");
    assertThatThrownBy(() -> config(Map.of("replay.recentWindow", "soon")))
        .hasMessageContaining("replay.recentWindow");
  }

  @Test
  void origins_are_a_comma_separated_list_or_any() {
    assertThat(
            config(Map.of("socketio.allowedOrigins", "http://a.example, https://b.example:8443"))
                .socketIo()
                .allowedOrigins())
        .isEqualTo(List.of("http://a.example", "https://b.example:8443"));
    assertThat(config(Map.of("socketio.allowedOrigins", "*")).socketIo().anyOrigin()).isTrue();
  }

  @Test
  void the_environment_overrides_the_file_under_the_notifier_prefix() {
    Settings s =
        Settings.load(
            null,
            NotifierConfig.DEFAULTS,
            Map.of("MSGCENTER_NOTIFIER_SOCKETIO_PORT", "9999", "MSGCENTER_HTTP_PORT", "1"),
            new Properties());
    NotifierConfig c = NotifierConfig.from(s);
    assertThat(c.socketIo().port()).isEqualTo(9999);
    assertThat(c.httpPort()).isEqualTo(8082);
  }

  @Test
  void the_jwt_secret_is_shared_with_business_access_and_the_own_variable_wins() {
    String shared = "shared-secret-for-every-program-0123456789";
    Settings one =
        Settings.load(
            null,
            NotifierConfig.DEFAULTS,
            Map.of("MSGCENTER_JWT_SECRET", shared),
            new Properties());
    assertThat(one.string("jwt.secret")).isEqualTo(shared);

    Settings both =
        Settings.load(
            null,
            NotifierConfig.DEFAULTS,
            Map.of("MSGCENTER_JWT_SECRET", shared, "MSGCENTER_NOTIFIER_JWT_SECRET", "own"),
            new Properties());
    assertThat(both.string("jwt.secret")).isEqualTo("own");
  }
}
