package org.msgcenter.notifier;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;
import org.msgcenter.notifier.auth.TokenVerifier;
import org.msgcenter.notifier.config.ConfigException;
import org.msgcenter.notifier.config.NotifierConfig;
import org.msgcenter.notifier.config.Settings;
import org.msgcenter.notifier.ops.HealthServer;
import org.msgcenter.notifier.realtime.RealtimeConsumer;
import org.msgcenter.notifier.realtime.RecentEvents;
import org.msgcenter.notifier.receipts.ReceiptPublisher;
import org.msgcenter.notifier.replay.CenterClient;
import org.msgcenter.notifier.replay.Replayer;
import org.msgcenter.notifier.socket.SocketGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The websocket-notifier, wired by hand: this class builds the whole object graph with
 * constructors, in start order, and takes it down in the reverse order. {@link #main} loads the
 * configuration file (default {@code conf/websocket-notifier.properties}) and runs until SIGTERM.
 *
 * <p>Start order: the center's Dubbo services (consumer), the receipts producer, the realtime
 * consumer (its partitions assigned and their end fixed before any client can connect, so no event
 * written after a client connected is missed), the Socket.IO port, then health and metrics.
 */
public final class Notifier implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Notifier.class);

  /** Realtime events remembered per user for replay (see {@link RecentEvents}). */
  private static final int RECENT_PER_USER = 1_000;

  private final String instanceId;
  private final PrometheusMeterRegistry metrics;
  private final ScheduledExecutorService timers;
  private final ExecutorService replays;
  private final CenterClient center;
  private final ReceiptPublisher receipts;
  private final RealtimeConsumer realtime;
  private final SocketGateway gateway;
  private final HealthServer health;
  private boolean closed;

  private Notifier(NotifierConfig config, Clock clock) throws IOException, InterruptedException {
    this.instanceId =
        config.instanceId().isEmpty()
            ? "notifier-" + UUID.randomUUID().toString().substring(0, 8)
            : config.instanceId();
    log.info("Notifier {} starting: {}", instanceId, config.describe());
    this.metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics.config().commonTags("instance", instanceId);
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmGcMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);

    this.timers = Executors.newSingleThreadScheduledExecutor(daemon("notifier-timer"));
    NotifierConfig.Replay r = config.replay();
    // Bounded: a reconnect storm queues its inbox calls instead of opening thousands of threads.
    this.replays =
        new ThreadPoolExecutor(
            r.threads(),
            r.threads(),
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(100_000),
            daemon("notifier-replay"));

    // What is built so far, closed in reverse if a later step fails (a port taken, say).
    java.util.Deque<AutoCloseable> built = new java.util.ArrayDeque<>();
    built.push(timers::shutdownNow);
    built.push(replays::shutdownNow);
    try {
      this.center = new CenterClient(config.center(), instanceId);
      built.push(center);
      Map<String, Object> kafka = new LinkedHashMap<>(config.kafka().clientSettings());
      kafka.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
      kafka.put(CommonClientConfigs.CLIENT_ID_CONFIG, "msgcenter-" + instanceId);
      this.receipts =
          new ReceiptPublisher(
              config.kafka().receiptsTopic(),
              kafka,
              config.kafka().receiptsLinger(),
              clock,
              metrics);
      built.push(receipts);
      RecentEvents recent = new RecentEvents(r.recentWindow(), RECENT_PER_USER, clock);
      timers.scheduleWithFixedDelay(
          () -> {
            try {
              recent.evict();
            } catch (Throwable t) {
              log.error("Evicting recent events failed; going on", t);
            }
          },
          5,
          5,
          TimeUnit.SECONDS);
      TokenVerifier verifier =
          new TokenVerifier(config.jwt().secret(), config.jwt().leeway(), clock);
      this.gateway =
          new SocketGateway(
              config.socketIo(),
              verifier,
              new Replayer(center, recent, r.pageSize(), r.maxMessages()),
              center,
              receipts,
              recent,
              replays,
              timers,
              clock,
              metrics);
      this.realtime =
          new RealtimeConsumer(
              config.kafka().realtimeTopic(), kafka, gateway::deliver, clock, metrics);
      built.push(realtime);
      realtime.start(Duration.ofSeconds(30));
      gateway.start();
      built.push(gateway);

      Map<String, java.util.function.Supplier<String>> checks = new LinkedHashMap<>();
      checks.put("realtime", realtime::problem);
      this.health = new HealthServer(config.httpPort(), instanceId, metrics, checks);
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      while (!built.isEmpty()) {
        try {
          built.pop().close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      metrics.close();
      throw e;
    }
    log.info(
        "Notifier {} running: Socket.IO on port {}, health and metrics on http://localhost:{}/health",
        instanceId,
        gateway.port(),
        health.port());
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return task -> {
      Thread t = new Thread(task, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Starts a notifier; fails when a port is taken or the configuration cannot run. */
  public static Notifier start(NotifierConfig config, Clock clock) {
    try {
      return new Notifier(config, clock);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting", e);
    }
  }

  public String instanceId() {
    return instanceId;
  }

  public int socketIoPort() {
    return gateway.port();
  }

  public int httpPort() {
    return health.port();
  }

  /** Authenticated connections now open on this notifier. */
  public int connectedClients() {
    return gateway.sessions().connected();
  }

  /**
   * Graceful stop, in this order: health, the realtime consumer, the Socket.IO port and its
   * connections, replays in flight, the receipts producer (flushing what clients acked), the Dubbo
   * consumer. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    log.info("Notifier {} stopping", instanceId);
    health.close();
    realtime.close();
    gateway.close();
    replays.shutdown();
    try {
      replays.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timers.shutdownNow();
    receipts.close();
    center.close();
    metrics.close();
    log.info("Notifier {} stopped", instanceId);
  }

  public static void main(String[] args) {
    Path file = Path.of(args.length > 0 ? args[0] : "conf/websocket-notifier.properties");
    try {
      NotifierConfig config =
          NotifierConfig.from(
              Settings.load(
                  Files.exists(file) || args.length > 0 ? file : null,
                  NotifierConfig.DEFAULTS,
                  System.getenv(),
                  System.getProperties()));
      Notifier notifier = start(config, Clock.systemUTC());
      Runtime.getRuntime().addShutdownHook(new Thread(notifier::close, "shutdown"));
    } catch (ConfigException e) {
      System.err.println("websocket-notifier: configuration error: " + e.getMessage());
      System.exit(2);
    }
  }
}
