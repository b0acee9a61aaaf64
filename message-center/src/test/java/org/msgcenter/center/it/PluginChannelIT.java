package org.msgcenter.center.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.msgcenter.api.Notification;
import org.msgcenter.api.Recipient;
import org.msgcenter.center.channel.ChannelProvider;
import org.msgcenter.center.channel.ChannelRegistry;
import org.msgcenter.center.peers.HttpPeer;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedKafka;
import org.msgcenter.testkit.TestDatabase;

/**
 * A channel added by a jar: the documented example ({@code docs/examples/channel-example}) is
 * compiled against the center's SPI alone, packaged into a jar of its own, and given to the center
 * as its plugin class loader, the way {@code ServiceLoader} finds channels on the class path.
 */
@ExtendWith(EmbeddedInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PluginChannelIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Path EXAMPLE = Path.of("..", "docs", "examples", "channel-example");

  /** Slack's incoming webhooks: {@code ok}, or an error word such as {@code channel_not_found}. */
  static final class SlackWebhooks extends HttpPeer {
    @Override
    protected Answer answer(Request r) {
      if (r.path().equals("/services/T000/B000/XXXX")) {
        return Answer.json(200, "ok");
      }
      return Answer.json(404, "channel_not_found");
    }
  }

  private SlackWebhooks slack;
  private URLClassLoader plugins;
  private CenterHarness harness;

  @BeforeAll
  void start(EmbeddedKafka kafka, TestDatabase db, @TempDir Path dir) throws Exception {
    Path jar = buildExampleJar(dir);
    plugins = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader());
    slack = new SlackWebhooks();
    harness = new CenterHarness(kafka, db.jdbcUrl(), db.user(), db.password(), dir);
    harness.set("route.deploy.finished.channels", "in-app,slack");
    harness.set("route.deploy.finished.target.slack", slack.url("/services/T000/B000/XXXX"));
    harness.set("route.deploy.failed.channels", "slack");
    harness.set("route.deploy.failed.target.slack", slack.url("/services/T000/B000/gone"));
    harness.start(plugins);
  }

  @AfterAll
  void stop() throws IOException {
    harness.close();
    slack.close();
    plugins.close();
  }

  /**
   * javac on the example's sources, against the SPI's classes only; then a jar with its services
   * file.
   */
  static Path buildExampleJar(Path dir) throws IOException, URISyntaxException {
    Path classes = Files.createDirectories(dir.resolve("example-classes"));
    List<String> args = new ArrayList<>();
    args.add("-d");
    args.add(classes.toString());
    args.add("--release");
    args.add("17");
    args.add("-classpath");
    args.add(
        location(ChannelProvider.class) + java.io.File.pathSeparator + location(Recipient.class));
    try (Stream<Path> sources = Files.walk(EXAMPLE.resolve("src/main/java"))) {
      sources.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac.run(null, null, null, args.toArray(String[]::new))).as("javac").isZero();

    Path jar = dir.resolve("msgcenter-slack-channel.jar");
    Path resources = EXAMPLE.resolve("src/main/resources");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(out)) {
      for (Path root : List.of(classes, resources)) {
        try (Stream<Path> files = Files.walk(root)) {
          for (Path f : files.filter(Files::isRegularFile).toList()) {
            j.putNextEntry(new JarEntry(root.relativize(f).toString().replace('\\', '/')));
            j.write(Files.readAllBytes(f));
            j.closeEntry();
          }
        }
      }
    }
    return jar;
  }

  private static String location(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  @Test
  void the_channel_is_found_in_the_jar_and_only_there() {
    assertThat(ChannelRegistry.load(getClass().getClassLoader())).doesNotContainKey("slack");
    assertThat(ChannelRegistry.load(plugins))
        .containsKey("slack")
        .containsKeys("email", "sms", "app-push", "im-robot", "webhook", "in-app");
  }

  @Test
  void a_notification_routed_to_the_jars_channel_is_posted_and_recorded_sent() {
    Notification n =
        Notification.builder()
            .bizType("deploy.finished")
            .recipient(Recipient.ofUser("release-bot"))
            .title("Deploy finished")
            .content("payments-api 2.14.0 is live in production.")
            .build();
    harness.publish(n);

    await().atMost(WAIT).until(() -> "DELIVERED".equals(harness.messageStatus(n.messageId())));
    assertThat(harness.byChannel(n.messageId()).get("slack")).containsEntry("status", "SENT");
    assertThat(
            slack.requests().stream()
                .filter(r -> r.path().endsWith("/XXXX"))
                .findFirst()
                .orElseThrow()
                .json()
                .path("text")
                .asText())
        .isEqualTo("*Deploy finished*\npayments-api 2.14.0 is live in production.");
  }

  @Test
  void the_jars_channel_reports_a_permanent_failure_as_dead() {
    Notification n =
        Notification.builder()
            .bizType("deploy.failed")
            .recipient(Recipient.ofUser("release-bot"))
            .content("payments-api 2.14.1 failed its health check.")
            .build();
    harness.publish(n);

    await().atMost(WAIT).until(() -> "FAILED".equals(harness.messageStatus(n.messageId())));
    Map<String, Object> d = harness.deliveries(n.messageId()).get(0);
    assertThat(d).containsEntry("status", "DEAD");
    assertThat((String) d.get("last_error"))
        .contains("HTTP 404")
        .contains("channel_not_found")
        .doesNotContain("/services/");
  }
}
