package org.msgcenter.center.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CenterConfigTest {

  @Test
  void the_sample_configuration_loads_unchanged() {
    CenterConfig c =
        CenterConfig.from(
            Settings.load(
                Path.of("..", "conf", "message-center.properties"),
                CenterConfig.DEFAULTS,
                Map.of(),
                new Properties()));
    assertThat(c.kafka().bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(c.httpPort()).isEqualTo(8081);
    assertThat(c.routeSettings()).containsEntry("default.channels", "in-app");
    assertThat(
            org.msgcenter.center.routing.RoutingRules.parse(
                    c.routeSettings(), java.util.Set.of("in-app", "webhook"))
                .match("order.shipped")
                .orElseThrow()
                .quietHours())
        .isNotNull();
  }

  @Test
  void the_start_up_log_masks_secrets_and_the_path_of_every_url() {
    Map<String, String> values = new HashMap<>(CenterConfig.DEFAULTS);
    values.put(
        "channel.im-robot.robot.ops.url",
        "https://oapi.dingtalk.com/robot/send?access_token=t0k3n");
    values.put("channel.im-robot.robot.ops.secret", "SEC123");
    values.put("channel.sms.accessKeySecret", "s3cr3t");
    String described = CenterConfig.from(new Settings("test", values)).describe();
    assertThat(described)
        .contains("robot.ops.url=https://oapi.dingtalk.com/***")
        .contains("robot.ops.secret=***")
        .contains("accessKeySecret=***")
        .doesNotContain("t0k3n")
        .doesNotContain("SEC123")
        .doesNotContain("s3cr3t");
  }

  @Test
  void in_the_sample_configuration_the_channels_that_need_servers_are_off() {
    CenterConfig c =
        org.msgcenter.center.channel.ChannelRegistry.withDefaults(
            CenterConfig.from(
                Settings.load(
                    Path.of("..", "conf", "message-center.properties"),
                    CenterConfig.DEFAULTS,
                    Map.of(),
                    new Properties())),
            org.msgcenter.center.channel.ChannelRegistry.load(getClass().getClassLoader()));
    for (String off : java.util.List.of("email", "sms", "app-push", "im-robot")) {
      assertThat(
              org.msgcenter.center.channel.ChannelRegistry.enabled(
                  off, c.channelSettings().get(off)))
          .as(off)
          .isFalse();
    }
    for (String on : java.util.List.of("in-app", "webhook")) {
      assertThat(
              org.msgcenter.center.channel.ChannelRegistry.enabled(on, c.channelSettings().get(on)))
          .as(on)
          .isTrue();
    }
    assertThat(c.channelSettings().get("email")).containsEntry("retry.maxBackoff", "1h");
  }

  @Test
  void environment_variables_override_the_file(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("c.properties");
    Files.writeString(file, "db.password=from-file\nhttp.port=9000\n");
    Settings s =
        Settings.load(
            file,
            CenterConfig.DEFAULTS,
            Map.of("MSGCENTER_DB_PASSWORD", "from-env"),
            new Properties());
    CenterConfig c = CenterConfig.from(s);
    assertThat(c.db().password()).isEqualTo("from-env");
    assertThat(c.httpPort()).isEqualTo(9000);
  }

  @Test
  void a_bad_value_is_named_with_its_key_and_environment_variable() {
    Map<String, String> values = new HashMap<>(CenterConfig.DEFAULTS);
    values.put("http.port", "eighty");
    assertThatThrownBy(() -> CenterConfig.from(new Settings("test", values)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.port = \"eighty\" must be a whole number")
        .hasMessageContaining("MSGCENTER_HTTP_PORT");
  }

  @Test
  void a_production_profile_refuses_the_local_development_secrets() {
    Map<String, String> values = new HashMap<>(CenterConfig.DEFAULTS);
    values.put("profile", "production");
    values.put("channel.webhook.secret", "local-dev-webhook-secret");
    assertThatThrownBy(() -> CenterConfig.from(new Settings("test", values)))
        .hasMessageContaining("must not run with the local development secrets")
        .hasMessageContaining("db.password")
        .hasMessageContaining("channel.webhook.secret");
  }

  @Test
  void the_logged_configuration_masks_secrets() {
    Map<String, String> values = new HashMap<>(CenterConfig.DEFAULTS);
    values.put("channel.webhook.secret", "s3cr3t-value");
    String described = CenterConfig.from(new Settings("test", values)).describe();
    assertThat(described)
        .doesNotContain("s3cr3t-value")
        .doesNotContain("password=msgcenter")
        .contains("secret=***");
  }

  @Test
  void a_production_profile_refuses_the_local_dubbo_access_token() {
    Map<String, String> values = new HashMap<>(CenterConfig.DEFAULTS);
    values.put("profile", "production");
    values.put("db.password", "a-real-one");
    assertThatThrownBy(() -> CenterConfig.from(new Settings("test", values)))
        .hasMessageContaining("must not run with the local development secrets")
        .hasMessageContaining("dubbo.accessToken");
    values.put("dubbo.accessToken", "a-real-token");
    CenterConfig c = CenterConfig.from(new Settings("test", values));
    assertThat(c.dubbo().accessToken()).isEqualTo("a-real-token");
    assertThat(c.describe()).doesNotContain("a-real-token").contains("accessToken=***");
  }

  @Test
  void the_dubbo_ports_default_to_20880_and_50051_and_must_differ() {
    CenterConfig c = CenterConfig.from(new Settings("test", CenterConfig.DEFAULTS));
    assertThat(c.dubbo().port()).isEqualTo(20880);
    assertThat(c.dubbo().triPort()).isEqualTo(50051);
    assertThat(c.dubbo().enabled()).isTrue();
    Map<String, String> values = new HashMap<>(CenterConfig.DEFAULTS);
    values.put("dubbo.tri.port", "20880");
    assertThatThrownBy(() -> CenterConfig.from(new Settings("test", values)))
        .hasMessageContaining("dubbo.tri.port = \"20880\" must differ from dubbo.port");
    values.put("dubbo.tri.port", "50051");
    values.put("dubbo.host", "127.0.0.1");
    assertThatThrownBy(() -> CenterConfig.from(new Settings("test", values)))
        .hasMessageContaining("dubbo.host");
  }
}
