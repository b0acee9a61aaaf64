package org.msgcenter.center.channel.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.msgcenter.center.channel.TestDeliveries.aDelivery;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.msgcenter.center.channel.ChannelOutcome;
import org.msgcenter.center.channel.ChannelOutcome.PermanentFailure;
import org.msgcenter.center.channel.ChannelOutcome.RetryableFailure;
import org.msgcenter.center.channel.TestChannelContext;

class WebhookSsrfTest {
  private TestHttpServer server;
  private WebhookChannel guarded;
  private WebhookChannel open;

  @BeforeEach
  void start() throws Exception {
    server = new TestHttpServer();
    guarded = channel(false);
    open = channel(true);
  }

  @AfterEach
  void stop() {
    guarded.close();
    open.close();
    server.close();
  }

  private static WebhookChannel channel(boolean allowPrivateTargets) {
    return (WebhookChannel)
        new WebhookChannelProvider()
            .create(
                new TestChannelContext("webhook")
                    .with("secret", "s3cret")
                    .with("timeout", "2s")
                    .with("allowPrivateTargets", Boolean.toString(allowPrivateTargets)));
  }

  private static ChannelOutcome send(WebhookChannel channel, String url) throws Exception {
    return channel.send(aDelivery("webhook", url)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String reasonOf(ChannelOutcome outcome) {
    if (outcome instanceof PermanentFailure f) {
      return f.reason();
    }
    if (outcome instanceof RetryableFailure f) {
      return f.reason();
    }
    throw new AssertionError("not a failure: " + outcome);
  }

  @Test
  void the_local_test_server_is_refused_and_receives_nothing() throws Exception {
    ChannelOutcome outcome = send(guarded, server.url("/hook"));

    assertThat(outcome)
        .isEqualTo(
            new PermanentFailure(
                "refused "
                    + server.url("/***")
                    + ": 127.0.0.1 is a loopback address (127.0.0.0/8);"
                    + " set channel.webhook.allowPrivateTargets=true to allow private targets"));
    assertThat(server.requests()).isEmpty();
  }

  @ParameterizedTest(name = "{0} is refused as {1}")
  @CsvSource({
    "http://169.254.169.254/latest/meta-data/, link-local",
    "http://10.0.0.1/, private",
    "http://172.16.5.4:8080/admin, private",
    "http://192.168.1.1/, private",
    "http://[::1]/, loopback",
    "http://localhost/, loopback",
    "http://0.0.0.0:8080/, any-local",
    "http://[::]/, any-local",
    "http://100.100.100.200/latest/meta-data/, CGNAT",
    "http://[fd00:ec2::254]/latest/meta-data/, unique-local",
    "http://[fe80::1]/, link-local",
    "http://[::ffff:169.254.169.254]/, link-local",
    "http://[64:ff9b::a00:1]/, private",
    "http://224.0.0.1/, multicast",
    "https://127.1.2.3:8443/x, loopback"
  })
  void private_targets_are_permanent_failures_naming_the_rule_and_the_setting(
      String url, String rule) throws Exception {
    ChannelOutcome outcome = send(guarded, url);

    assertThat(outcome).isInstanceOf(PermanentFailure.class);
    assertThat(reasonOf(outcome)).contains(rule).contains("channel.webhook.allowPrivateTargets");
    assertThat(server.requests()).isEmpty();
  }

  @ParameterizedTest(name = "{0} is refused")
  @ValueSource(
      strings = {
        "file:///etc/passwd",
        "ftp://ftp.example.com/pub/file",
        "gopher://127.0.0.1:6379/_FLUSHALL",
        "jar:file:///tmp/x.jar!/",
        "http:///no-host"
      })
  void only_http_and_https_urls_with_a_host_are_sent(String url) throws Exception {
    ChannelOutcome outcome = send(open, url);

    assertThat(outcome).isInstanceOf(PermanentFailure.class);
    assertThat(reasonOf(outcome)).doesNotContain("passwd", "pub/file", "FLUSHALL", "x.jar");
  }

  @Test
  void a_file_url_names_its_scheme() throws Exception {
    assertThat(send(open, "file:///etc/passwd"))
        .isEqualTo(
            new PermanentFailure("unsupported scheme 'file' in file:///***: only http and https"));
  }

  @Test
  void public_addresses_pass_the_guard() throws Exception {
    for (String ip : new String[] {"93.184.215.14", "8.8.8.8", "172.32.0.1", "2606:4700::1111"}) {
      assertThat(SsrfGuard.refusedRange(InetAddress.getByName(ip))).as(ip).isEmpty();
    }
  }

  @Test
  void reasons_never_contain_the_path_or_query() throws Exception {
    server.on(
        "/hooks/T0KEN-PATH",
        (ex, req) ->
            TestHttpServer.respond(
                ex, 404, "no hook at " + req.pathAndQuery() + " (" + ex.getRequestURI() + ")"));
    String secretUrl = server.url("/hooks/T0KEN-PATH?key=T0KEN-QUERY");
    String withUserInfo = "http://user:T0KEN-PASS@127.0.0.1:" + server.port() + "/x";

    for (ChannelOutcome outcome :
        new ChannelOutcome[] {
          send(open, secretUrl),
          send(guarded, secretUrl),
          send(open, "http://127.0.0.1:1/hooks/T0KEN-PATH?key=T0KEN-QUERY"),
          send(open, withUserInfo),
          send(open, "ftp://127.0.0.1/T0KEN-PATH?key=T0KEN-QUERY")
        }) {
      assertThat(reasonOf(outcome)).doesNotContain("T0KEN").contains("127.0.0.1");
    }
    assertThat(server.requests("/hooks/T0KEN-PATH")).hasSize(1);
  }
}
