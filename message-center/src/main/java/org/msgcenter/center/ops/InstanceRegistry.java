package org.msgcenter.center.ops;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.msgcenter.center.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers this instance as an ephemeral ZooKeeper node, {@code /msgcenter/instances/<id>}, for as
 * long as it runs. A second live instance with the same id cannot create the node and refuses to
 * start: two live instances sharing an id would each give back the other's leases. After a crash,
 * the old node lives until its session expires; the new run waits up to the session timeout (plus a
 * margin) for it to go before giving up.
 */
public final class InstanceRegistry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InstanceRegistry.class);
  public static final String ROOT = "/msgcenter/instances";

  private final CuratorFramework client;
  private final String path;

  private InstanceRegistry(CuratorFramework client, String path) {
    this.client = client;
    this.path = path;
  }

  /**
   * @throws ConfigException when ZooKeeper cannot be reached, or another live instance holds the id
   */
  public static InstanceRegistry register(
      String connect, Duration sessionTimeout, String instanceId, Clock clock) {
    CuratorFramework client =
        CuratorFrameworkFactory.builder()
            .connectString(connect)
            .sessionTimeoutMs((int) sessionTimeout.toMillis())
            .connectionTimeoutMs(10_000)
            .retryPolicy(new ExponentialBackoffRetry(200, 5))
            .build();
    client.start();
    try {
      if (!client.blockUntilConnected(
          (int) Math.min(15, 2 * Math.max(1, sessionTimeout.toSeconds())), TimeUnit.SECONDS)) {
        throw new ConfigException(
            "zookeeper.connect = \"" + connect + "\": ZooKeeper cannot be reached");
      }
      String path = ROOT + "/" + instanceId;
      byte[] data = describe(clock).getBytes(StandardCharsets.UTF_8);
      long deadline = System.nanoTime() + sessionTimeout.plusSeconds(2).toNanos();
      while (true) {
        try {
          client
              .create()
              .creatingParentsIfNeeded()
              .withMode(CreateMode.EPHEMERAL)
              .forPath(path, data);
          log.info("Registered instance {} at {}{}", instanceId, connect, path);
          return new InstanceRegistry(client, path);
        } catch (KeeperException.NodeExistsException e) {
          if (System.nanoTime() > deadline) {
            String holder = holder(client, path);
            throw new ConfigException(
                "instance.id "
                    + instanceId
                    + " is already live ("
                    + holder
                    + "); give each instance its own instance.id");
          }
          log.info(
              "Instance id {} is still registered (a previous run's session may not have expired yet); waiting",
              instanceId);
          Thread.sleep(500);
        }
      }
    } catch (ConfigException e) {
      client.close();
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      client.close();
      throw new ConfigException("interrupted while registering instance " + instanceId);
    } catch (Exception e) {
      client.close();
      throw new ConfigException(
          "registering instance " + instanceId + " in ZooKeeper failed: " + e.getMessage());
    }
  }

  private static String holder(CuratorFramework client, String path) {
    try {
      return new String(client.getData().forPath(path), StandardCharsets.UTF_8);
    } catch (Exception e) {
      return "holder unknown";
    }
  }

  private static String describe(Clock clock) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown";
    }
    return "host="
        + host
        + " pid="
        + ManagementFactory.getRuntimeMXBean().getPid()
        + " since="
        + clock.instant();
  }

  /** The ZooKeeper session, for the center's other uses of ZooKeeper (dynamic configuration). */
  public CuratorFramework client() {
    return client;
  }

  /** Whether the session still holds the node. */
  public boolean registered() {
    try {
      return client.checkExists().forPath(path) != null;
    } catch (Exception e) {
      return false;
    }
  }

  /** Removes the node and closes the session. */
  @Override
  public void close() {
    try {
      client.delete().quietly().forPath(path);
    } catch (Exception e) {
      log.debug("Removing {} failed; the session's end removes it", path, e);
    }
    client.close();
  }
}
