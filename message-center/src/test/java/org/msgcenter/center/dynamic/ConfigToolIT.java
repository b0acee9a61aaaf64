package org.msgcenter.center.dynamic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.msgcenter.center.config.ConfigException;
import org.msgcenter.testkit.EmbeddedInfrastructure;
import org.msgcenter.testkit.EmbeddedZooKeeper;

/** The operator's tool against a real ZooKeeper. */
@ExtendWith(EmbeddedInfrastructure.class)
class ConfigToolIT {

  private static String run(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertThat(ConfigTool.run(args)).isZero();
    } finally {
      System.setOut(original);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void validate_set_and_get_round_trip_and_a_bad_document_is_refused_naming_the_key(
      EmbeddedZooKeeper zk, @TempDir Path dir) throws Exception {
    clear(zk); // the ZooKeeper is shared by the test run: start from no document
    Path config = dir.resolve("center.properties");
    Files.writeString(
        config, "templates.dir=" + dir.resolve("templates") + "\nroute.default.channels=in-app\n");
    Path good = dir.resolve("good.properties");
    Files.writeString(
        good,
        "route.default.channels=in-app\nroute.refund.*.channels=webhook\nchannel.webhook.rateLimit.perSecond=50\n");
    Path bad = dir.resolve("bad.properties");
    Files.writeString(bad, "channel.webhook.capacity=10\n");

    assertThat(run("validate", good.toString(), "--config", config.toString()))
        .startsWith("valid: 2 routes");
    assertThatThrownBy(
            () ->
                ConfigTool.run(
                    new String[] {"validate", bad.toString(), "--config", config.toString()}))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("channel.webhook.capacity: only");

    assertThat(run("get", "--config", config.toString(), "--zookeeper", zk.connectString()))
        .contains("no dynamic configuration");
    assertThat(
            run(
                "set",
                good.toString(),
                "--config",
                config.toString(),
                "--zookeeper",
                zk.connectString()))
        .contains("written: /msgcenter/config/center");
    assertThat(run("get", "--config", config.toString(), "--zookeeper", zk.connectString()))
        .contains("route.refund.*.channels=webhook")
        .contains("channel.webhook.rateLimit.perSecond=50");
    // An invalid document never reaches ZooKeeper.
    assertThatThrownBy(
            () ->
                ConfigTool.run(
                    new String[] {
                      "set",
                      bad.toString(),
                      "--config",
                      config.toString(),
                      "--zookeeper",
                      zk.connectString()
                    }))
        .isInstanceOf(ConfigException.class);
    assertThat(run("get", "--config", config.toString(), "--zookeeper", zk.connectString()))
        .contains("route.refund.*.channels=webhook");
    clear(zk);
  }

  private static void clear(EmbeddedZooKeeper zk) throws Exception {
    try (var client =
        org.apache.curator.framework.CuratorFrameworkFactory.newClient(
            zk.connectString(), new org.apache.curator.retry.RetryOneTime(200))) {
      client.start();
      client.blockUntilConnected();
      client.delete().quietly().forPath(DynamicConfig.PATH);
    }
  }
}
