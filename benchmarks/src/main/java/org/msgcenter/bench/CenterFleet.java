package org.msgcenter.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.msgcenter.testkit.FreePorts;

/**
 * One or more message-center processes of a run, side by side on this host, each with its own
 * instance id, data directory, HTTP port and Dubbo ports, all against the run's Kafka, MariaDB and
 * ZooKeeper. They are launched together and the fleet is ready once every one is healthy; the bench
 * reads their metrics over HTTP and stops them with SIGTERM.
 */
final class CenterFleet implements AutoCloseable {
  static final Duration START_TIMEOUT = Duration.ofSeconds(180);

  private final List<CenterProcess> centers;
  private final List<String> names;
  private final Processes processes;

  private CenterFleet(List<CenterProcess> centers, List<String> names, Processes processes) {
    this.centers = centers;
    this.names = names;
    this.processes = processes;
  }

  /**
   * The settings of one instance, {@code instanceId}, as the drain's center has them: the run's
   * infrastructure, and a data directory and ports of its own.
   */
  static Map<String, String> settings(
      Infrastructure infra, Path dir, String database, String group, String instanceId)
      throws IOException {
    Path templates = Files.createDirectories(dir.resolve("templates"));
    Path template = templates.resolve(Payloads.TEMPLATE + ".properties");
    if (!Files.exists(template)) {
      Files.writeString(template, Payloads.TEMPLATE_TEXT);
    }
    Map<String, String> s = new LinkedHashMap<>();
    s.put("profile", "local");
    s.put("instance.id", instanceId);
    s.put(
        "data.dir",
        Files.createDirectories(dir.resolve(instanceId + "-data")).toAbsolutePath().toString());
    s.put("kafka.bootstrapServers", infra.bootstrapServers());
    s.put("kafka.groupId", group);
    s.put("db.url", infra.jdbcUrl(database));
    s.put("db.user", Infrastructure.USER);
    s.put("db.password", Infrastructure.PASSWORD);
    s.put("zookeeper.connect", infra.zooKeeperConnect());
    s.put("http.port", Integer.toString(FreePorts.next()));
    // The query services start with the center: free ports, so that a local stack may run too.
    s.put("dubbo.port", Integer.toString(FreePorts.next()));
    s.put("dubbo.tri.port", Integer.toString(FreePorts.next()));
    s.put("templates.dir", templates.toAbsolutePath().toString());
    // Channels as conf/message-center.properties ships them.
    s.put("channel.in-app.topic", "msgcenter.realtime");
    s.put("channel.in-app.capacity", "256");
    s.put("channel.webhook.secret", "local-dev-webhook-secret");
    s.put("channel.webhook.allowPrivateTargets", "true");
    s.put("channel.webhook.timeout", "5s");
    s.put("route.default.channels", "in-app");
    return s;
  }

  /**
   * Sets the committed offsets of consumer group {@code group} on {@code topic} to the topic's
   * current end, so that centers of that group read only what is published from now on, not what
   * earlier scenarios of the run left on the topic.
   *
   * @return the offsets set, by partition
   */
  static Map<TopicPartition, Long> startGroupAtEnd(Admin admin, String group, String topic)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
    for (int p = 0; p < Infrastructure.PARTITIONS; p++) {
      latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> ends = new LinkedHashMap<>();
    Map<TopicPartition, OffsetAndMetadata> commit = new LinkedHashMap<>();
    admin
        .listOffsets(latest)
        .all()
        .get(30, TimeUnit.SECONDS)
        .forEach(
            (tp, info) -> {
              ends.put(tp, info.offset());
              commit.put(tp, new OffsetAndMetadata(info.offset()));
            });
    admin.alterConsumerGroupOffsets(group, commit).all().get(30, TimeUnit.SECONDS);
    return ends;
  }

  /** Records of {@code topic} that {@code group} committed beyond {@code base}: stored. */
  static long committedSince(
      Admin admin, String group, String topic, Map<TopicPartition, Long> base)
      throws InterruptedException {
    try {
      long sum = 0;
      for (var e :
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(5, TimeUnit.SECONDS)
              .entrySet()) {
        if (e.getKey().topic().equals(topic) && e.getValue() != null) {
          sum += e.getValue().offset() - base.getOrDefault(e.getKey(), 0L);
        }
      }
      return sum;
    } catch (ExecutionException | TimeoutException e) {
      return -1;
    }
  }

  /**
   * Launches one center per settings map in {@code dir} ({@code center-<n>.log} and so on; a lone
   * center is {@code center.log}) and waits until every one is healthy.
   */
  static CenterFleet start(
      Path dir,
      BenchOptions options,
      List<Map<String, String>> settings,
      Processes processes,
      String label)
      throws IOException, InterruptedException {
    List<String> jvm =
        new ArrayList<>(Arrays.asList(options.centerJavaOptions().trim().split("\\s+")));
    List<CenterProcess> centers = new ArrayList<>();
    List<String> names = new ArrayList<>();
    CenterFleet fleet = new CenterFleet(centers, names, processes);
    long launched = System.nanoTime();
    try {
      for (int i = 0; i < settings.size(); i++) {
        String name = settings.size() == 1 ? "center" : "center-" + (i + 1);
        Map<String, String> s = new LinkedHashMap<>(settings.get(i));
        s.putAll(options.centerSettings());
        centers.add(
            CenterProcess.launch(
                dir,
                name,
                options.centerClasspath(),
                jvm,
                s,
                Integer.parseInt(s.get("http.port"))));
        names.add(name);
      }
      for (CenterProcess c : centers) {
        c.awaitHealthy(START_TIMEOUT);
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      fleet.close();
      throw e;
    }
    for (int i = 0; i < centers.size(); i++) {
      processes.add("message center " + (i + 1), centers.get(i).pid());
    }
    System.out.printf(
        "  %s: %d message center process%s healthy after %.1f s (logs: %s)%n",
        label,
        centers.size(),
        centers.size() == 1 ? "" : "es",
        (System.nanoTime() - launched) / 1e9,
        dir.resolve(names.get(0) + ".log"));
    return fleet;
  }

  List<CenterProcess> centers() {
    return centers;
  }

  /** Throws if any center has died, with the end of its log. */
  void requireAlive(String during) {
    for (int i = 0; i < centers.size(); i++) {
      if (!centers.get(i).isAlive()) {
        throw new IllegalStateException(
            names.get(i) + " died during " + during + ":\n" + centers.get(i).tail(40));
      }
    }
  }

  /** The sum over every center of a metric's series that carry all of {@code labels}. */
  double sum(String name, String... labels) {
    double total = 0;
    for (CenterProcess c : centers) {
      total += CenterProcess.sum(c.metrics(), name, labels);
    }
    return total;
  }

  /** Each center's value of a metric, in order. */
  List<Double> each(String name, String... labels) {
    List<Double> out = new ArrayList<>();
    for (CenterProcess c : centers) {
      out.add(CenterProcess.sum(c.metrics(), name, labels));
    }
    return out;
  }

  /**
   * Stops every center (SIGTERM, in parallel) and returns, per center, its exit code and its most
   * frequent warnings.
   */
  Map<String, Object> stop() throws InterruptedException {
    List<Thread> stoppers = new ArrayList<>();
    int[] exits = new int[centers.size()];
    for (int i = 0; i < centers.size(); i++) {
      int k = i;
      Thread t =
          new Thread(
              () -> {
                try {
                  exits[k] = centers.get(k).stop();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "stop-" + names.get(i));
      stoppers.add(t);
      t.start();
    }
    for (Thread t : stoppers) {
      t.join();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < centers.size(); i++) {
      processes.remove("message center " + (i + 1));
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("exitCode", exits[i]);
      one.put("warnings", centers.get(i).warnings(10));
      out.put(names.get(i), one);
    }
    return out;
  }

  @Override
  public void close() {
    for (CenterProcess c : centers) {
      c.close();
    }
    for (int i = 0; i < centers.size(); i++) {
      processes.remove("message center " + (i + 1));
    }
  }
}
