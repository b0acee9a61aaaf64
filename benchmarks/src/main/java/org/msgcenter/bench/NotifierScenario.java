package org.msgcenter.bench;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.msgcenter.api.publish.NotificationPublisher;
import org.msgcenter.api.publish.PublisherConfig;
import org.msgcenter.testkit.FreePorts;

/**
 * The websocket-notifier: heap per idle connection, and publish → client receipt latency. One
 * message center (routing to in-app only) and one notifier run as their own processes; {@link
 * SocketLoad} opens the connections from the bench JVM (users {@code u-0..u-9999}, two connections
 * for some users above 10,000). The notifier's heap is read from its metrics after a full GC
 * ({@code jcmd GC.run}) before and after the connections open; the difference divided by the
 * connections is the heap per idle connection. Then notifications are published on an open-loop
 * schedule at {@code --notifier-rate} for {@code --latency-seconds} (after a warm-up of a fifth of
 * it); every receipt's latency is its arrival in the bench minus its due time.
 */
final class NotifierScenario {
  static final String DATABASE = "msgcenter_notifier";
  static final String GROUP = "bench-notifier";
  static final String MAIN_CLASS = "org.msgcenter.notifier.Notifier";
  private static final String SECRET = "bench-notifier-jwt-secret-of-32-bytes!";

  /** File descriptors each process keeps for everything but the sockets. */
  private static final int FD_RESERVE = 1_500;

  private final Infrastructure infra;
  private final Processes processes;
  private final Results results;
  private final BenchOptions options;

  NotifierScenario(
      Infrastructure infra, Processes processes, Results results, BenchOptions options) {
    this.infra = infra;
    this.processes = processes;
    this.results = results;
    this.options = options;
  }

  void run() throws Exception {
    if (options.notifierClasspath() == null) {
      throw new IllegalArgumentException("the notifier scenario needs --notifier-classpath");
    }
    infra.freshDatabase(DATABASE);
    Path dir = Files.createDirectories(options.runDir().resolve("notifier"));
    int clients = clients(options.notifierClients());
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()))) {
      CenterFleet.startGroupAtEnd(admin, GROUP, DrainScenario.TOPIC);
    }
    Map<String, String> center =
        CenterFleet.settings(infra, dir, DATABASE, GROUP, "bench-notifier-center");
    center.put("route." + Payloads.BIZ_TYPE + ".channels", "in-app");
    try (CenterFleet fleet =
            CenterFleet.start(dir, options, List.of(center), processes, "notifier");
        CenterProcess notifier = startNotifier(dir);
        SocketLoad load = new SocketLoad()) {
      double heapBefore = heapAfterGc(notifier);
      long started = System.nanoTime();
      System.out.printf("  opening %s connections%n", Progress.grouped(clients));
      load.connect(
          Integer.parseInt(notifierSettings.get("socketio.port")),
          clients,
          i -> token(Payloads.userId(i)),
          200,
          Duration.ofMinutes(5));
      double connectSeconds = (System.nanoTime() - started) / 1e9;
      Thread.sleep(2_000);
      double heapAfter = heapAfterGc(notifier);
      Map<String, Double> m = notifier.metrics();
      double connected = CenterProcess.sum(m, "notifier_clients_connected");
      double perConnection = (heapAfter - heapBefore) / Math.max(1, connected);
      System.out.printf(
          "  %s connected (%s failed) in %.1f s; heap %s MiB -> %s MiB after GC: %s bytes per"
              + " idle connection%n",
          Progress.grouped((long) connected),
          load.failed(),
          connectSeconds,
          Progress.plain(heapBefore / (1 << 20)),
          Progress.plain(heapAfter / (1 << 20)),
          Progress.grouped((long) perConnection));
      Map<String, Object> idle = new LinkedHashMap<>();
      idle.put("requested", options.notifierClients());
      idle.put("opened", clients);
      idle.put("connected", connected);
      idle.put("failed", load.failed());
      idle.put("connectSeconds", connectSeconds);
      idle.put("heapBeforeBytes", heapBefore);
      idle.put("heapAfterBytes", heapAfter);
      idle.put("heapPerConnectionBytes", perConnection);
      idle.put("heapFor20000Bytes", heapBefore + perConnection * 20_000);
      results.detail("notifier", "idle", idle);
      results.add(
          new Results.Figure(
              "notifier",
              "heap per idle connection",
              perConnection,
              "bytes",
              Progress.grouped((long) connected)
                  + " connections; heap after GC "
                  + Progress.plain(heapAfter / (1 << 20))
                  + " MiB",
              null));

      latency(fleet, notifier, load);
      results.detail("notifier", "notifierMetrics", notifierFigures(notifier.metrics()));
      results.detail("notifier", "notifierWarnings", notifier.warnings(10));
      results.detail("notifier", "centers", fleet.stop());
    }
  }

  private Map<String, String> notifierSettings;

  private CenterProcess startNotifier(Path dir) throws IOException, InterruptedException {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("profile", "local");
    s.put("instance.id", "bench-notifier");
    s.put("socketio.host", "127.0.0.1");
    s.put("socketio.port", Integer.toString(FreePorts.next()));
    int http = FreePorts.next();
    s.put("http.port", Integer.toString(http));
    s.put("jwt.secret", SECRET);
    s.put("kafka.bootstrapServers", infra.bootstrapServers());
    s.put("zookeeper.connect", infra.zooKeeperConnect());
    notifierSettings = s;
    results.detail("notifier", "notifierSettings", s);
    List<String> jvm = Arrays.asList(options.notifierJavaOptions().trim().split("\\s+"));
    CenterProcess p =
        CenterProcess.launch(
            dir, "websocket-notifier", MAIN_CLASS, options.notifierClasspath(), jvm, s, http);
    p.awaitHealthy(Duration.ofMinutes(2));
    processes.add("notifier", p.pid());
    return p;
  }

  private static String token(String userId) {
    return JWT.create()
        .withSubject(userId)
        .withExpiresAt(Instant.now().plus(Duration.ofHours(4)))
        .sign(Algorithm.HMAC256(SECRET));
  }

  /** The connections this machine allows: each side needs a descriptor per socket. */
  private int clients(int requested) throws IOException {
    long limit = Long.MAX_VALUE;
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max open files")) {
        String[] f = line.trim().split("\\s+");
        limit = f[3].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(f[3]);
      }
    }
    long open;
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      open = fds.count();
    }
    long allowed = Math.min(limit - open, limit) - FD_RESERVE;
    if (requested > allowed) {
      System.out.printf(
          "  the open-files limit (%d, %d in use here) allows %d connections, not %d%n",
          limit, open, allowed, requested);
      results.detail("notifier", "clientsCappedBy", "open files limit " + limit);
      return (int) Math.max(1, allowed);
    }
    return requested;
  }

  private static double heapAfterGc(CenterProcess p) throws IOException, InterruptedException {
    Process gc =
        new ProcessBuilder("jcmd", Long.toString(p.pid()), "GC.run")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    gc.waitFor(60, TimeUnit.SECONDS);
    Thread.sleep(500);
    return CenterProcess.sum(p.metrics(), "jvm_memory_used_bytes", "area=\"heap\"");
  }

  /**
   * Both paths at {@code --notifier-rate}: end to end (a notification published to the center,
   * routed to in-app, read from the realtime topic by the notifier, received by a client), then the
   * notifier alone (events written straight to the realtime topic in the center's format).
   */
  private void latency(CenterFleet fleet, CenterProcess notifier, SocketLoad load)
      throws Exception {
    ReceiptLatency latency = new ReceiptLatency(results, options, processes);
    Map<String, Object> producerSettings = new LinkedHashMap<>();
    producerSettings.put("bootstrap.servers", infra.bootstrapServers());
    producerSettings.put("acks", "all");
    producerSettings.put("linger.ms", 5);
    producerSettings.put("compression.type", "lz4");
    try (var producer =
        new org.apache.kafka.clients.producer.KafkaProducer<String, String>(
            producerSettings,
            new org.apache.kafka.common.serialization.StringSerializer(),
            new org.apache.kafka.common.serialization.StringSerializer())) {
      latency.measure(
          "notifier only",
          "realtime event to client",
          fleet,
          load,
          (i, due) -> {
            String user = Payloads.userId(i);
            String event =
                "{\"messageId\":\""
                    + org.msgcenter.api.Uuid7.generate()
                    + "\",\"deliveryId\":\""
                    + org.msgcenter.api.Uuid7.generate()
                    + "\",\"userId\":\""
                    + user
                    + "\",\"bizType\":\""
                    + Payloads.BIZ_TYPE
                    + "\",\"title\":\""
                    + Payloads.TITLE
                    + "\",\"content\":\""
                    + Payloads.renderedContent(i)
                    + "\",\"data\":{\""
                    + LatencyScenario.PUBLISHED_AT
                    + "\":"
                    + due
                    + "},\"createdAt\":\""
                    + Instant.now()
                    + "\"}";
            var future = new java.util.concurrent.CompletableFuture<Object>();
            producer.send(
                new org.apache.kafka.clients.producer.ProducerRecord<>(
                    "msgcenter.realtime", user, event),
                (m, e) -> {
                  if (e == null) {
                    future.complete(m);
                  } else {
                    future.completeExceptionally(e);
                  }
                });
            return future;
          });
    }
    PublisherConfig config =
        PublisherConfig.builder()
            .bootstrapServers(infra.bootstrapServers())
            .topic(DrainScenario.TOPIC)
            .highTopic("msgcenter.notifications.high")
            .clientId("bench-notifier-publisher")
            .build();
    try (NotificationPublisher publisher = NotificationPublisher.kafka(config)) {
      publisher.publish(Payloads.notification(0, "bench-notifier-warm", Map.of())).join();
      latency.measure(
          "end to end",
          "publish to client",
          fleet,
          load,
          (i, due) ->
              publisher.publish(
                  Payloads.notification(
                      i, "bench-notifier", Map.of(LatencyScenario.PUBLISHED_AT, due))));
    }
  }

  private static Map<String, Double> notifierFigures(Map<String, Double> m) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String name :
        new ArrayList<>(
            List.of(
                "notifier_clients_connected",
                "notifier_emitted_total",
                "notifier_acked_total",
                "notifier_replayed_total",
                "notifier_refused_total",
                "notifier_receipts_written_total",
                "notifier_receipts_failed_total",
                "notifier_duplicates_skipped_total",
                "notifier_loop_errors_total"))) {
      out.put(name, CenterProcess.sum(m, name));
    }
    return out;
  }
}
