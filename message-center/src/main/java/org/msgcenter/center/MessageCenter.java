package org.msgcenter.center;

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
import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.msgcenter.api.Uuid7;
import org.msgcenter.center.channel.CenterChannelContext;
import org.msgcenter.center.channel.Channel;
import org.msgcenter.center.channel.ChannelProvider;
import org.msgcenter.center.channel.ChannelRegistry;
import org.msgcenter.center.command.MessageCommands;
import org.msgcenter.center.config.CenterConfig;
import org.msgcenter.center.config.ConfigException;
import org.msgcenter.center.config.Settings;
import org.msgcenter.center.delivery.ChannelPolicy;
import org.msgcenter.center.delivery.Dispatcher;
import org.msgcenter.center.delivery.OutcomeRecorder;
import org.msgcenter.center.delivery.Policies;
import org.msgcenter.center.dynamic.ConfigWatcher;
import org.msgcenter.center.ingest.DeadLetters;
import org.msgcenter.center.ingest.IngestProcessor;
import org.msgcenter.center.ingest.IngestStore;
import org.msgcenter.center.kafka.BatchConsumer;
import org.msgcenter.center.ops.AlertNotifier;
import org.msgcenter.center.ops.HealthServer;
import org.msgcenter.center.ops.InstanceId;
import org.msgcenter.center.ops.InstanceRegistry;
import org.msgcenter.center.query.DubboProvider;
import org.msgcenter.center.query.MessageQueries;
import org.msgcenter.center.receipts.ReceiptsRecorder;
import org.msgcenter.center.render.Renderer;
import org.msgcenter.center.retry.RetryPoller;
import org.msgcenter.center.routing.Route;
import org.msgcenter.center.routing.Router;
import org.msgcenter.center.routing.RoutingRules;
import org.msgcenter.center.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message center, wired by hand: this class builds the whole object graph with constructors, in
 * start order, and takes it down in the reverse order. {@link #main} loads the configuration file
 * (default {@code conf/message-center.properties}) and runs until SIGTERM or Ctrl-C.
 */
public final class MessageCenter implements AutoCloseable {
  static {
    // The JDK's HttpClient completes every sendAsync future on CompletableFuture's default
    // executor, which on a host of 2 cores or fewer (common pool parallelism 1) starts a new
    // thread per task: one thread per webhook or gateway response. A common pool of 2 threads
    // avoids that. Set before CompletableFuture is first used; an explicit setting is kept.
    String parallelism = "java.util.concurrent.ForkJoinPool.common.parallelism";
    if (System.getProperty(parallelism) == null
        && Runtime.getRuntime().availableProcessors() <= 2) {
      System.setProperty(parallelism, "2");
    }
  }

  private static final Logger log = LoggerFactory.getLogger(MessageCenter.class);

  private final CenterConfig config;
  private final String instanceId;
  private final PrometheusMeterRegistry metrics;
  private final InstanceRegistry registry;
  private final ConfigWatcher configWatcher;
  private final Database db;

  /** The query and command services' own pool; null when {@code dubbo.enabled} is false. */
  private final Database serviceDb;

  private final OutcomeRecorder recorder;
  private final Dispatcher dispatcher;
  private final DeadLetters deadLetters;

  /** The HIGH lane, the normal lane and the receipts consumer, in start order. */
  private final List<BatchConsumer> consumers = new ArrayList<>();

  private final RetryPoller poller;

  /** The query and command services; null when {@code dubbo.enabled} is false. */
  private final DubboProvider dubbo;

  private final HealthServer health;
  private boolean closed;

  private MessageCenter(CenterConfig fileConfig, Clock clock, ClassLoader plugins)
      throws IOException {
    Map<String, ChannelProvider> providers = ChannelRegistry.load(plugins);
    CenterConfig config = ChannelRegistry.withDefaults(fileConfig, providers);
    this.config = config;
    this.instanceId = InstanceId.resolve(config.instanceId(), config.dataDir());
    log.info("Message center {} starting: {}", instanceId, config.describe());
    this.metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics.config().commonTags("instance", instanceId);
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmGcMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);

    Map<String, Object> producerSettings = new LinkedHashMap<>(config.kafka().clientSettings());
    producerSettings.put(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
    producerSettings.put(ProducerConfig.CLIENT_ID_CONFIG, "msgcenter-" + instanceId);

    Map<String, Channel> channels = new TreeMap<>();
    Map<String, ChannelPolicy> policies = new TreeMap<>();
    Set<String> disabled = new TreeSet<>();
    for (ChannelProvider p : providers.values()) {
      Map<String, String> settings = config.channelSettings().getOrDefault(p.name(), Map.of());
      if (!ChannelRegistry.enabled(p.name(), settings)) {
        disabled.add(p.name());
        Map<String, String> own = fileConfig.channelSettings().getOrDefault(p.name(), Map.of());
        if (!own.isEmpty() && !own.containsKey("enabled")) {
          log.warn(
              "channel.{}.* is configured but the channel is off by default: set channel.{}.enabled=true, or its deliveries are SKIPPED",
              p.name(),
              p.name());
        }
        continue;
      }
      policies.put(p.name(), ChannelPolicy.from(p.name(), settings));
      channels.put(
          p.name(),
          p.create(new CenterChannelContext(p.name(), settings, clock, producerSettings)));
    }
    for (String configured : config.channelSettings().keySet()) {
      if (!providers.containsKey(configured)) {
        throw new ConfigException(
            "channel."
                + configured
                + ".* configures a channel this center does not have "
                + providers.keySet());
      }
    }
    log.info("Channels: {}; disabled: {}", policies.values(), disabled);

    RoutingRules rules = RoutingRules.parse(config.routeSettings(), providers.keySet());
    for (Route r : rules.all()) {
      r.targets()
          .forEach(
              (channel, target) -> {
                if (channels.containsKey(channel)) {
                  channels.get(channel).checkTarget(target);
                }
              });
    }
    Renderer renderer = Renderer.load(config.templatesDir());
    for (Route r : rules.all()) {
      if (r.template() != null && !renderer.has(r.template())) {
        throw new ConfigException(
            "route."
                + r.pattern()
                + ".template names "
                + r.template()
                + ", which is not in "
                + config.templatesDir());
      }
    }

    CenterConfig.ZooKeeper zk = config.zooKeeper();
    if (zk.connect().isBlank()) {
      log.warn(
          "zookeeper.connect is empty: instance {} is not registered, and nothing stops a second live instance with the same id",
          instanceId);
      this.registry = null;
    } else {
      this.registry =
          InstanceRegistry.register(zk.connect(), zk.sessionTimeout(), instanceId, clock);
    }
    this.db = Database.open(config.db());
    Policies live = new Policies(policies);
    this.recorder =
        new OutcomeRecorder(
            db,
            live,
            clock,
            new Random(),
            config.recorder().batchSize(),
            config.recorder().flushInterval(),
            metrics);
    this.dispatcher =
        new Dispatcher(
            channels,
            policies,
            recorder,
            config.leaseMargin(),
            clock,
            metrics,
            new AlertNotifier(config.alertsWebhookUrl(), instanceId, clock));
    this.deadLetters = new DeadLetters(config.kafka().dlqTopic(), producerSettings);
    Router router = new Router(rules, providers, disabled);
    IngestStore store =
        new IngestStore(
            db, dispatcher, renderer, policies, config.leaseMargin(), instanceId, new Uuid7(clock));
    IngestProcessor processor =
        new IngestProcessor(router, renderer, store, deadLetters, dispatcher, clock, metrics);

    this.poller =
        new RetryPoller(
            db,
            dispatcher,
            renderer,
            live,
            clock,
            instanceId,
            config.leaseMargin(),
            config.poller().interval(),
            config.poller().batchSize(),
            new Random(),
            recorder::isBehind,
            metrics);
    dispatcher.onRoomFreed(poller::roomFreed);

    if (registry != null) {
      this.configWatcher =
          new ConfigWatcher(
              registry.client(),
              config,
              providers.keySet(),
              renderer,
              applied -> {
                router.update(applied.rules());
                live.update(applied.policies());
                dispatcher.updatePolicies(live);
              },
              metrics);
      try {
        configWatcher.start();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ConfigException("interrupted while reading the dynamic configuration");
      }
    } else {
      this.configWatcher = null;
    }

    recorder.start();
    poller.releaseOwnLeases();
    CenterConfig.Kafka k = config.kafka();
    consumers.add(
        new BatchConsumer(
            "high", k.highTopic(), consumerSettings(k, "-high"), processor::process, metrics));
    consumers.add(
        new BatchConsumer(
            "normal",
            k.notificationsTopic(),
            consumerSettings(k, ""),
            processor::process,
            metrics));
    consumers.add(
        new BatchConsumer(
            "receipts",
            k.receiptsTopic(),
            consumerSettings(k, "-receipts"),
            new ReceiptsRecorder(db, clock, metrics),
            metrics));
    consumers.forEach(BatchConsumer::start);
    poller.start();

    // Last, once the center is running: registering tells consumers they may call.
    if (config.dubbo().enabled()) {
      this.serviceDb = Database.openServicePool(config.db());
      this.dubbo =
          DubboProvider.start(
              config.dubbo(),
              zk.connect(),
              instanceId,
              new MessageQueries(serviceDb, metrics),
              new MessageCommands(serviceDb, clock, metrics));
    } else {
      log.info("dubbo.enabled is false: no query and command services");
      this.serviceDb = null;
      this.dubbo = null;
    }

    Map<String, java.util.function.Supplier<String>> checks = new LinkedHashMap<>();
    checks.put("database", this::databaseProblem);
    if (registry != null) {
      checks.put(
          "registration",
          () -> registry.registered() ? null : "instance node missing in ZooKeeper");
    }
    this.health = new HealthServer(config.httpPort(), instanceId, metrics, checks);
    log.info(
        "Message center {} running: health and metrics on http://localhost:{}/health",
        instanceId,
        health.port());
  }

  private Map<String, Object> consumerSettings(CenterConfig.Kafka k, String groupSuffix) {
    Map<String, Object> s = new LinkedHashMap<>(k.clientSettings());
    s.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, k.bootstrapServers());
    s.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) k.sessionTimeout().toMillis());
    s.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) k.sessionTimeout().toMillis() / 3);
    s.put(ConsumerConfig.GROUP_ID_CONFIG, k.groupId() + groupSuffix);
    s.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, k.maxPollRecords());
    s.put(ConsumerConfig.CLIENT_ID_CONFIG, "msgcenter-" + instanceId);
    return s;
  }

  private String databaseProblem() {
    try (Connection c = db.dataSource().getConnection()) {
      return c.isValid(2) ? null : "connection not valid";
    } catch (Exception e) {
      return e.getMessage();
    }
  }

  /** Starts a center; classes that add channels are looked up with {@code plugins}. */
  public static MessageCenter start(CenterConfig config, Clock clock, ClassLoader plugins) {
    try {
      return new MessageCenter(config, clock, plugins);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String instanceId() {
    return instanceId;
  }

  public int httpPort() {
    return health.port();
  }

  public Dispatcher dispatcher() {
    return dispatcher;
  }

  /** The query and command services, or null when {@code dubbo.enabled} is false. */
  public DubboProvider dubbo() {
    return dubbo;
  }

  /**
   * Graceful stop, in this order: unregister and stop the query and command services, stop polling
   * (each lane finishes and commits the batch in hand), let sends in flight finish within {@code
   * shutdown.grace} and release the rest to PENDING, flush the recorder, close the dead-letter
   * producer and the database. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    log.info("Message center {} stopping", instanceId);
    health.close();
    if (dubbo != null) {
      dubbo.close();
      serviceDb.close();
    }
    consumers.forEach(BatchConsumer::close);
    if (configWatcher != null) {
      configWatcher.close();
    }
    poller.close();
    dispatcher.close(config.shutdownGrace());
    recorder.close();
    deadLetters.close();
    db.close();
    if (registry != null) {
      registry.close();
    }
    metrics.close();
    log.info("Message center {} stopped", instanceId);
  }

  public static void main(String[] args) {
    Path file = Path.of(args.length > 0 ? args[0] : "conf/message-center.properties");
    try {
      CenterConfig config =
          CenterConfig.from(
              Settings.load(
                  Files.exists(file) || args.length > 0 ? file : null,
                  CenterConfig.DEFAULTS,
                  System.getenv(),
                  System.getProperties()));
      MessageCenter center = start(config, Clock.systemUTC(), MessageCenter.class.getClassLoader());
      Runtime.getRuntime().addShutdownHook(new Thread(center::close, "shutdown"));
    } catch (ConfigException e) {
      System.err.println("message-center: configuration error: " + e.getMessage());
      System.exit(2);
    }
  }
}
