package org.msgcenter.center.dynamic;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.data.Stat;
import org.msgcenter.center.channel.ChannelProvider;
import org.msgcenter.center.channel.ChannelRegistry;
import org.msgcenter.center.config.CenterConfig;
import org.msgcenter.center.config.ConfigException;
import org.msgcenter.center.config.Settings;
import org.msgcenter.center.render.Renderer;

/**
 * {@code scripts/msgcenter-config.sh}: reads, validates and writes the dynamic configuration in
 * ZooKeeper ({@value DynamicConfig#PATH}).
 *
 * <pre>
 * get                 print the document (or say that there is none)
 * validate FILE       check FILE as the running centers would, without writing
 * set FILE            validate FILE, then write it; running centers apply it within seconds
 * options: --config conf/message-center.properties   the file configuration it overrides
 *          --zookeeper host:port                     default: zookeeper.connect of --config
 * </pre>
 */
public final class ConfigTool {
  private ConfigTool() {}

  public static void main(String[] args) {
    try {
      System.exit(run(args));
    } catch (ConfigException e) {
      System.err.println("msgcenter-config: " + e.getMessage());
      System.exit(1);
    }
  }

  static int run(String[] args) {
    List<String> positional = new ArrayList<>();
    Path configFile = Path.of("conf/message-center.properties");
    String zookeeper = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> configFile = Path.of(value(args, ++i, "--config"));
        case "--zookeeper" -> zookeeper = value(args, ++i, "--zookeeper");
        default -> positional.add(args[i]);
      }
    }
    if (positional.isEmpty() || !Set.of("get", "set", "validate").contains(positional.get(0))) {
      System.err.println(
          "usage: msgcenter-config.sh get|validate FILE|set FILE [--config FILE] [--zookeeper host:port]");
      return 2;
    }
    CenterConfig base =
        CenterConfig.from(
            Settings.load(
                configFile, CenterConfig.DEFAULTS, System.getenv(), System.getProperties()));
    String command = positional.get(0);
    if (command.equals("get")) {
      return get(connect(zookeeper, base));
    }
    if (positional.size() != 2) {
      throw new ConfigException(command + " needs the file to " + command);
    }
    String document = read(Path.of(positional.get(1)));
    Map<String, ChannelProvider> providers =
        ChannelRegistry.load(ConfigTool.class.getClassLoader());
    DynamicConfig.Applied applied =
        DynamicConfig.validate(
            document,
            ChannelRegistry.withDefaults(base, providers),
            providers.keySet(),
            Renderer.load(base.templatesDir()));
    System.out.println(
        "valid: "
            + applied.rules().all().size()
            + " routes; channel policies "
            + applied.policies().values());
    if (command.equals("validate")) {
      return 0;
    }
    return set(connect(zookeeper, base), document);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new ConfigException(option + " needs a value");
    }
    return args[i];
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static String connect(String zookeeper, CenterConfig base) {
    String connect = zookeeper != null ? zookeeper : base.zooKeeper().connect();
    if (connect.isBlank()) {
      throw new ConfigException(
          "no ZooKeeper: give --zookeeper host:port or set zookeeper.connect");
    }
    return connect;
  }

  private static CuratorFramework client(String connect) {
    CuratorFramework client = CuratorFrameworkFactory.newClient(connect, new RetryOneTime(500));
    client.start();
    try {
      if (!client.blockUntilConnected(10, TimeUnit.SECONDS)) {
        client.close();
        throw new ConfigException("ZooKeeper at " + connect + " cannot be reached");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      client.close();
      throw new ConfigException("interrupted");
    }
    return client;
  }

  private static int get(String connect) {
    try (CuratorFramework client = client(connect)) {
      Stat stat = client.checkExists().forPath(DynamicConfig.PATH);
      if (stat == null) {
        System.out.println(
            "# no dynamic configuration at " + DynamicConfig.PATH + ": the file's applies");
        return 0;
      }
      System.out.println("# " + DynamicConfig.PATH + " version " + stat.getVersion());
      System.out.print(
          new String(client.getData().forPath(DynamicConfig.PATH), StandardCharsets.UTF_8));
      return 0;
    } catch (ConfigException e) {
      throw e;
    } catch (Exception e) {
      throw new ConfigException("reading " + DynamicConfig.PATH + " failed: " + e.getMessage());
    }
  }

  private static int set(String connect, String document) {
    try (CuratorFramework client = client(connect)) {
      byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
      Stat stat;
      if (client.checkExists().forPath(DynamicConfig.PATH) == null) {
        client.create().creatingParentsIfNeeded().forPath(DynamicConfig.PATH, bytes);
        stat = client.checkExists().forPath(DynamicConfig.PATH);
      } else {
        stat = client.setData().forPath(DynamicConfig.PATH, bytes);
      }
      System.out.println(
          "written: "
              + DynamicConfig.PATH
              + " version "
              + stat.getVersion()
              + "; running centers apply it within seconds");
      return 0;
    } catch (ConfigException e) {
      throw e;
    } catch (Exception e) {
      throw new ConfigException("writing " + DynamicConfig.PATH + " failed: " + e.getMessage());
    }
  }
}
