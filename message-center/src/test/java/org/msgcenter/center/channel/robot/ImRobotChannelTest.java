package org.msgcenter.center.channel.robot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.msgcenter.api.Recipient;
import org.msgcenter.center.channel.Channel;
import org.msgcenter.center.channel.ChannelOutcome;
import org.msgcenter.center.channel.ChannelOutcome.PermanentFailure;
import org.msgcenter.center.channel.ChannelOutcome.RetryableFailure;
import org.msgcenter.center.channel.ChannelOutcome.Sent;
import org.msgcenter.center.channel.TestChannelContext;
import org.msgcenter.center.channel.TestDeliveries;
import org.msgcenter.center.config.ConfigException;
import org.msgcenter.center.peers.RobotServer;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImRobotChannelTest {
  private RobotServer server;
  private Channel channel;

  @BeforeAll
  void start() {
    server = new RobotServer();
    channel = new ImRobotChannelProvider().create(robots(server));
  }

  @AfterAll
  void stop() {
    channel.close();
    server.close();
  }

  /** One robot of each kind and format, as the RobotServer knows them. */
  static TestChannelContext robots(RobotServer server) {
    return new TestChannelContext("im-robot")
        .with("robot.ding.type", "dingtalk")
        .with("robot.ding.url", server.dingTalkUrl())
        .with("robot.ding.secret", RobotServer.DINGTALK_SECRET)
        .with("robot.ding-md.type", "dingtalk")
        .with("robot.ding-md.url", server.dingTalkUrl())
        .with("robot.ding-md.secret", RobotServer.DINGTALK_SECRET)
        .with("robot.ding-md.format", "markdown")
        .with("robot.lark.type", "feishu")
        .with("robot.lark.url", server.feishuUrl())
        .with("robot.lark.secret", RobotServer.FEISHU_SECRET)
        .with("robot.lark-md.type", "feishu")
        .with("robot.lark-md.url", server.feishuUrl())
        .with("robot.lark-md.secret", RobotServer.FEISHU_SECRET)
        .with("robot.lark-md.format", "markdown")
        .with("robot.wecom.type", "wecom")
        .with("robot.wecom.url", server.weComUrl())
        .with("robot.wecom-md.type", "wecom")
        .with("robot.wecom-md.url", server.weComUrl())
        .with("robot.wecom-md.format", "markdown")
        .with("robot.ding-wrong.type", "dingtalk")
        .with("robot.ding-wrong.url", server.dingTalkUrl())
        .with("robot.ding-wrong.secret", "SECnot-the-secret");
  }

  private ChannelOutcome send(String robot) {
    return channel
        .send(TestDeliveries.aFreshDelivery("im-robot", robot))
        .toCompletableFuture()
        .join();
  }

  private JsonNode last(String platform) {
    var posted = server.posted(platform);
    return posted.get(posted.size() - 1).body();
  }

  @Test
  void a_route_target_names_one_delivery_per_robot() {
    assertThat(new ImRobotChannelProvider().addresses(Recipient.ofUser("u"), "ops, payments ,ops"))
        .containsExactly("ops", "payments");
    assertThat(new ImRobotChannelProvider().addresses(Recipient.ofUser("u"), null)).isEmpty();
  }

  @Test
  void dingtalk_text_is_signed_in_the_url_and_posted() {
    assertThat(send("ding")).isInstanceOf(Sent.class);
    JsonNode body = last("dingtalk");
    assertThat(body.path("msgtype").asText()).isEqualTo("text");
    assertThat(body.path("text").path("content").asText())
        .isEqualTo("Money arrived\nYour transfer of 120.00 CNY arrived.");
  }

  @Test
  void dingtalk_markdown_has_a_title_and_a_heading() {
    assertThat(send("ding-md")).isInstanceOf(Sent.class);
    JsonNode body = last("dingtalk");
    assertThat(body.path("msgtype").asText()).isEqualTo("markdown");
    assertThat(body.path("markdown").path("title").asText()).isEqualTo("Money arrived");
    assertThat(body.path("markdown").path("text").asText())
        .isEqualTo("#### Money arrived\n\nYour transfer of 120.00 CNY arrived.");
  }

  @Test
  void feishu_text_is_signed_in_the_body_and_posted() {
    assertThat(send("lark")).isInstanceOf(Sent.class);
    JsonNode body = last("feishu");
    assertThat(body.path("msg_type").asText()).isEqualTo("text");
    assertThat(body.path("timestamp").asText()).matches("\\d{10}");
    assertThat(body.path("content").path("text").asText()).startsWith("Money arrived\n");
  }

  @Test
  void feishu_markdown_is_a_card_with_a_header() {
    assertThat(send("lark-md")).isInstanceOf(Sent.class);
    JsonNode card = last("feishu").path("card");
    assertThat(card.path("header").path("title").path("content").asText())
        .isEqualTo("Money arrived");
    assertThat(card.path("elements").get(0).path("tag").asText()).isEqualTo("markdown");
  }

  @Test
  void wecom_text_and_markdown_are_posted_unsigned() {
    assertThat(send("wecom")).isInstanceOf(Sent.class);
    assertThat(last("wecom").path("msgtype").asText()).isEqualTo("text");
    assertThat(send("wecom-md")).isInstanceOf(Sent.class);
    assertThat(last("wecom").path("markdown").path("content").asText())
        .isEqualTo("### Money arrived\n\nYour transfer of 120.00 CNY arrived.");
  }

  @Test
  void a_refused_signature_is_permanent_and_shows_neither_token_nor_secret() {
    ChannelOutcome outcome = send("ding-wrong");

    assertThat(outcome).isInstanceOf(PermanentFailure.class);
    assertThat(((PermanentFailure) outcome).reason())
        .contains("robot ding-wrong (http://127.0.0.1:")
        .contains("/***)")
        .contains("code 310000")
        .doesNotContain(RobotServer.DINGTALK_TOKEN)
        .doesNotContain("not-the-secret");
  }

  @Test
  void each_platforms_rate_limit_is_retryable_after_a_minute() {
    for (String[] robot :
        new String[][] {
          {"ding", "dingtalk", "130101"}, {"lark", "feishu", "11232"}, {"wecom", "wecom", "45009"}
        }) {
      server.limit(robot[1]);
      try {
        ChannelOutcome outcome = send(robot[0]);
        assertThat(outcome).isInstanceOf(RetryableFailure.class);
        assertThat(((RetryableFailure) outcome).reason()).contains("code " + robot[2]);
        assertThat(((RetryableFailure) outcome).retryAfter()).isEqualTo(Duration.ofMinutes(1));
      } finally {
        server.unlimit(robot[1]);
      }
    }
  }

  @Test
  void an_unreachable_robot_is_retryable_and_its_url_masked() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    TestChannelContext c =
        new TestChannelContext("im-robot")
            .with("robot.gone.type", "wecom")
            .with(
                "robot.gone.url",
                "http://127.0.0.1:" + closed + "/cgi-bin/webhook/send?key=k-secret");
    try (Channel ch = new ImRobotChannelProvider().create(c)) {
      ChannelOutcome outcome =
          ch.send(TestDeliveries.aFreshDelivery("im-robot", "gone")).toCompletableFuture().join();
      assertThat(outcome).isInstanceOf(RetryableFailure.class);
      assertThat(((RetryableFailure) outcome).reason())
          .startsWith("cannot connect to robot gone (http://127.0.0.1:" + closed + "/***)")
          .doesNotContain("k-secret");
    }
  }

  @Test
  void an_unknown_robot_is_permanent_and_a_route_naming_one_stops_the_start() {
    ChannelOutcome outcome = send("nobody");
    assertThat(outcome).isInstanceOf(PermanentFailure.class);
    assertThat(((PermanentFailure) outcome).reason()).startsWith("no robot named nobody");
    channel.checkTarget("ding,wecom");
    assertThatThrownBy(() -> channel.checkTarget("ding, nobody"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("names robot nobody");
  }

  @Test
  void settings_are_checked_and_never_show_urls_or_secrets() {
    assertThatThrownBy(() -> RobotSettings.from(new TestChannelContext("im-robot")))
        .hasMessageContaining("at least one robot");
    assertThatThrownBy(
            () ->
                RobotSettings.from(
                    new TestChannelContext("im-robot")
                        .with("robot.w.type", "wecom")
                        .with(
                            "robot.w.url", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")
                        .with("robot.w.secret", "s")))
        .hasMessageContaining("channel.im-robot.robot.w.secret");
    assertThatThrownBy(
            () ->
                RobotSettings.from(
                    new TestChannelContext("im-robot")
                        .with("robot.x.type", "slack")
                        .with("robot.x.url", "https://hooks.example/x")))
        .hasMessageContaining("must be dingtalk, feishu or wecom");
    assertThatThrownBy(
            () ->
                RobotSettings.from(
                    new TestChannelContext("im-robot").with("robot.x.colour", "red")))
        .hasMessageContaining("is not a robot setting");
    String shown = RobotSettings.from(robots(server)).toString();
    assertThat(shown)
        .doesNotContain(RobotServer.DINGTALK_TOKEN)
        .doesNotContain(RobotServer.FEISHU_HOOK)
        .doesNotContain(RobotServer.WECOM_KEY)
        .doesNotContain(RobotServer.DINGTALK_SECRET);
  }
}
