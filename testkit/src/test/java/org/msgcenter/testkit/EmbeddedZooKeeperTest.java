package org.msgcenter.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(EmbeddedInfrastructure.class)
class EmbeddedZooKeeperTest {

  @Test
  void zookeeper_answers_a_curator_client(EmbeddedZooKeeper zooKeeper) throws Exception {
    try (CuratorFramework client = connect(zooKeeper)) {
      client.create().creatingParentsIfNeeded().forPath("/testkit/answers", bytes("yes"));

      assertThat(client.getData().forPath("/testkit/answers")).isEqualTo(bytes("yes"));
    }
  }

  @Test
  void zookeeper_keeps_its_data_across_stop_and_start(@TempDir Path dataDir) throws Exception {
    try (EmbeddedZooKeeper zooKeeper = new EmbeddedZooKeeper(0, dataDir).start()) {
      int port = zooKeeper.port();
      try (CuratorFramework client = connect(zooKeeper)) {
        client.create().forPath("/kept", bytes("across restarts"));
      }

      zooKeeper.stop();
      assertThat(zooKeeper.isRunning()).isFalse();
      zooKeeper.start();

      assertThat(zooKeeper.port()).isEqualTo(port);
      try (CuratorFramework client = connect(zooKeeper)) {
        assertThat(client.getData().forPath("/kept")).isEqualTo(bytes("across restarts"));
      }
    }
    assertThat(dataDir).isNotEmptyDirectory();
  }

  @Test
  void a_temporary_data_directory_is_deleted_on_close() {
    EmbeddedZooKeeper zooKeeper = new EmbeddedZooKeeper().start();
    Path dataDir = zooKeeper.dataDir();

    zooKeeper.close();

    assertThat(dataDir).doesNotExist();
  }

  private static CuratorFramework connect(EmbeddedZooKeeper zooKeeper) throws InterruptedException {
    CuratorFramework client =
        CuratorFrameworkFactory.newClient(zooKeeper.connectString(), new RetryOneTime(100));
    client.start();
    assertThat(client.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
    return client;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
