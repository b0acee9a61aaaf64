package org.msgcenter.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.RpcContext;
import org.apache.dubbo.rpc.model.FrameworkModel;
import org.apache.dubbo.rpc.service.EchoService;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.msgcenter.api.InboxQuery;
import org.msgcenter.api.MessagePage;
import org.msgcenter.api.MessageQuery;
import org.msgcenter.api.MessageQueryService;
import org.msgcenter.api.MessageStatus;
import org.msgcenter.api.MessageView;

/**
 * Query: the center's {@code MessageQueryService} over the grown tables. One center runs on the
 * grown database with its Dubbo provider on free ports, registered in the run's ZooKeeper; one
 * consumer in the bench JVM finds it there (as any Java caller does, over the {@code dubbo}
 * protocol with the access token) and calls it on an open-loop schedule: call {@code i} is due at
 * {@code start + i / rate} whatever happened before, and its latency runs from that due time to the
 * answer, so a provider that falls behind adds its queue to the figures instead of slowing the
 * load. Each call picks a stored message at random ({@link GrowthData} says what its id, user,
 * business id and trace id are), uniformly over all stored or, with {@code --query-recent-days D},
 * by an age spread exponentially with a mean of D days, and asks one of the shapes of {@link Op}.
 * p50, p99 and p999 (nearest rank) per method; failed calls are counted, not timed.
 */
final class QueryScenario {
  static final String TOKEN = "local-dev-token";
  static final int PAGE = 20;

  /** Calls in flight at most; more wait in the queue, and their wait counts. */
  private static final int CLIENT_THREADS = 64;

  /** The call shapes, with their share of the calls in 100 and the method they measure. */
  enum Op {
    GET_MESSAGE("getMessage", "getMessage", 35),
    SEARCH_USER("search", "search by userId", 10),
    SEARCH_BIZ_ID("search", "search by bizId", 10),
    SEARCH_TRACE("search", "search by traceId", 10),
    SEARCH_BIZ_TYPE_DAY("search", "search by bizType, one day", 5),
    SEARCH_HOUR_STATUS("search", "search by status, one hour", 5),
    INBOX("inbox", "inbox", 15),
    UNREAD_COUNT("unreadCount", "unreadCount", 10),
    /**
     * Dubbo's built-in echo, answered by the provider's framework before any service code: the
     * transport and the host's scheduling alone, the floor under every call of the run. On top of
     * the 100 shares of the service calls, so that those keep their rate.
     */
    ECHO("$echo", "$echo", 5);

    final String method;
    final String shape;
    final int weight;

    Op(String method, String shape, int weight) {
      this.method = method;
      this.shape = shape;
      this.weight = weight;
    }

    static Op ofShape(String shape) {
      for (Op op : values()) {
        if (op.shape.equals(shape)) {
          return op;
        }
      }
      throw new IllegalArgumentException(shape);
    }

    static Op pick(int share) {
      for (Op op : values()) {
        if (share < op.weight) {
          return op;
        }
        share -= op.weight;
      }
      throw new IllegalArgumentException("share " + share + " beyond " + SHARES);
    }

    /** All shares, the echo's included. */
    static final int SHARES = Arrays.stream(values()).mapToInt(op -> op.weight).sum();
  }

  static final List<String> METHODS = List.of("getMessage", "search", "inbox", "unreadCount");

  /**
   * What the calls read, in the order the pool is warmed with them: those read last stay when they
   * do not all fit, so the rows every call reads come last. The poller's index is left out.
   */
  static final List<String> WARM_INDEXES =
      List.of(
          "delivery_attempt.PRIMARY",
          "message.ix_message_biz_type",
          "message.ix_message_biz",
          "message.ix_message_trace",
          "message.ix_message_user",
          "delivery.ix_delivery_inbox",
          "delivery.uk_delivery_address",
          "delivery.PRIMARY",
          "message.PRIMARY");

  /** How the messages asked for are picked, in words. */
  static String pickName(int recentDays) {
    return recentDays == 0
        ? "uniform over all stored messages"
        : "recent first: ages exponential, mean " + recentDays + " days";
  }

  private final Infrastructure infra;
  private final Processes processes;
  private final Results results;
  private final BenchOptions options;

  QueryScenario(Infrastructure infra, Processes processes, Results results, BenchOptions options) {
    this.infra = infra;
    this.processes = processes;
    this.results = results;
    this.options = options;
  }

  void run() throws Exception {
    GrowthLoader loader = new GrowthLoader(infra);
    loader.prepare();
    List<Integer> chunks = loader.loadedChunks();
    if (chunks.isEmpty()) {
      throw new IllegalStateException(
          "query: the grown database in "
              + options.grownDataDir()
              + " holds no messages; run the growth scenario first");
    }
    GrowthData.Plan plan = loader.plan(options.stored());
    long stored = (long) chunks.size() * GrowthLoader.CHUNK;
    int[] chunkList = chunks.stream().mapToInt(Integer::intValue).toArray();
    int rate = options.queryRate();
    int seconds = options.querySeconds();
    int warmup = Math.max(1, seconds / 5);
    System.out.printf(
        "  query: %s messages stored; %d calls/s for %d s after a warm-up of %d s%n",
        Progress.grouped(stored), rate, seconds, warmup);
    results.detail("query", "stored", stored);
    results.detail("query", "rate", rate);
    results.detail("query", "seconds", seconds);
    results.detail("query", "warmupSeconds", warmup);
    String pick = pickName(options.queryRecentDays());
    results.detail("query", "pick", pick);
    System.out.printf("  query: messages picked %s%n", pick);
    Path dir = Files.createDirectories(options.runDir().resolve("query"));
    Map<String, String> settings =
        CenterFleet.settings(infra, dir, GrowthLoader.DATABASE, "bench-query", "bench-query-1");
    results.detail("query", "centerSettings", settings);
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()))) {
      // Nothing for this center to ingest: only what is published from now on (nothing).
      CenterFleet.startGroupAtEnd(admin, "bench-query", DrainScenario.TOPIC);
    }
    try (CenterFleet fleet =
            CenterFleet.start(dir, options, List.of(settings), processes, "query center");
        Client client = new Client(infra.zooKeeperConnect());
        Connection root = infra.rootConnection(null)) {
      Map<String, Object> pool = DbStatus.awaitBufferPoolLoad(root, 1800);
      System.out.printf(
          "  query: buffer pool %s; %,d of %,d pages hold data%n",
          pool.get("loadStatus"), pool.get("pagesData"), pool.get("pagesTotal"));
      results.detail("query", "bufferPoolBefore", pool);
      if (!options.queryCold()) {
        Map<String, Object> warmed =
            DbStatus.warmBufferPool(root, GrowthLoader.DATABASE, WARM_INDEXES);
        System.out.printf(
            "  query: buffer pool warmed; %,d of %,d pages hold data%n",
            warmed.get("pagesData"), warmed.get("pagesTotal"));
        results.detail("query", "bufferPoolWarmed", warmed);
      }
      int recent = options.queryRecentDays();
      Schedule warm = new Schedule(rate, warmup, plan, chunkList, 1, recent);
      warm.run(client, "query warm-up");
      DbStatus before = DbStatus.read(root);
      Map<String, Double> metricsBefore = fleet.centers().get(0).metrics();
      ProcStats.Snapshot cpu = processes.snapshot();
      Schedule measured = new Schedule(rate, seconds, plan, chunkList, 2, recent);
      measured.run(client, "query");
      Map<String, Object> usage = cpu.until();
      results.detail("query", "cpu", usage);
      results.detail(
          "query", "databaseCounters", before.delta(DbStatus.read(root), measured.total, "call"));
      Map<String, ProviderTimes> inProvider = new LinkedHashMap<>();
      Map<String, Double> metricsAfter = fleet.centers().get(0).metrics();
      for (String method : METHODS) {
        inProvider.put(method, new ProviderTimes(metricsBefore, metricsAfter, method));
      }
      results.detail("query", "serviceMetrics", serviceMetrics(metricsAfter));
      results.detail("query", "centers", fleet.stop());
      report(measured, stored, usage, inProvider);
    }
  }

  private static Map<String, Object> serviceMetrics(Map<String, Double> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String method : METHODS) {
      String label = "method=\"" + method + "\"";
      double n = CenterProcess.sum(m, "msgcenter_service_calls_seconds_count", label);
      double sum = CenterProcess.sum(m, "msgcenter_service_calls_seconds_sum", label);
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("calls", n);
      one.put("meanMillisInProvider", n > 0 ? Math.round(sum / n * 1e5) / 100.0 : null);
      out.put(method, one);
    }
    return out;
  }

  private void report(
      Schedule s, long stored, Map<String, Object> usage, Map<String, ProviderTimes> inProvider) {
    Map<String, Object> shapes = new LinkedHashMap<>();
    for (Op op : Op.values()) {
      shapes.put(op.shape, s.summary(op.shape::equals));
    }
    results.detail("query", "byShape", shapes);
    results.detail("query", "lateDispatchMicrosMax", s.lateDispatchMicros.get());
    results.detail("query", "failedCalls", new LinkedHashMap<>(s.errors));
    String at =
        Progress.grouped(stored)
            + " messages stored"
            + (stored < GrowthLoader.DEFAULT_PLANNED ? " (NOT the 10,000,000 of the target)" : "")
            + "; messages picked "
            + pickName(s.recentDays)
            + (options.queryCold()
                ? "; buffer pool as MariaDB's start left it"
                : "; the indexes the calls use read into the buffer pool first");
    for (String method : METHODS) {
      Map<String, Object> sum = s.summary(shapeOf -> Op.ofShape(shapeOf).method.equals(method));
      results.detail("query", method, sum);
      long ok = (Long) sum.get("ok");
      long errors = (Long) sum.get("errors");
      for (String p : List.of("p50", "p99", "p999")) {
        Object v = sum.get(p + "Millis");
        double ms = v instanceof Double d ? d : Double.NaN;
        String note =
            Progress.grouped(ok)
                + " calls ("
                + (method.equals("search")
                    ? "userId, bizId, traceId, bizType + day, status + hour; "
                    : "")
                + errors
                + " failed) among "
                + Progress.grouped(s.total)
                + " made open-loop at "
                + s.rate
                + "/s (and "
                + (s.total / s.seconds - s.rate)
                + "/s of Dubbo's $echo on top) over "
                + s.seconds
                + " s by one Dubbo consumer through ZooKeeper; from the due time to the answer; "
                + at;
        results.add(
            new Results.Figure(
                "query", method + " " + p, ms, "ms", note, p.equals("p99") ? usage : null));
      }
      // The same calls as the provider timed them, from the start of the handler to its return:
      // what the client sees beyond it is Dubbo's transport, both processes' scheduling and the
      // client's own dispatch.
      ProviderTimes provider = inProvider.get(method);
      Map<String, Object> own = new LinkedHashMap<>();
      own.put("calls", provider.calls());
      for (String p : List.of("p50", "p99")) {
        double ms = provider.millis(p.equals("p50") ? 0.5 : 0.99);
        own.put(p + "Millis", Double.isNaN(ms) ? null : Math.round(ms * 1000) / 1000.0);
        results.add(
            new Results.Figure(
                "query",
                method + " " + p + " in provider",
                ms,
                "ms",
                "the same period's successful calls as the provider's histogram timed them, from"
                    + " the start of the handler to its return (interpolated inside buckets about a"
                    + " third apart, as Prometheus's histogram_quantile)",
                null));
      }
      results.detail("query", method + " in provider", own);
      printHeadline(method + " p99", sum.get("p99Millis"));
      printHeadline(method + " p99 in provider", provider.millis(0.99));
    }
    // The floor: the transport and the host's scheduling with no service code at all.
    Map<String, Object> echo = s.summary(Op.ECHO.shape::equals);
    results.detail("query", "echo", echo);
    for (String p : List.of("p50", "p99")) {
      Object v = echo.get(p + "Millis");
      results.add(
          new Results.Figure(
              "query",
              "$echo " + p,
              v instanceof Double d ? d : Double.NaN,
              "ms",
              Progress.grouped((Long) echo.get("ok"))
                  + " calls of Dubbo's built-in echo among the same schedule, answered by the"
                  + " provider's framework before any service code: what any call of this run"
                  + " pays for the transport and the host's scheduling",
              null));
    }
    printHeadline("$echo p99", echo.get("p99Millis"));
  }

  /** One line {@code query <what>: <ms> ms}, or n/a without calls. */
  private static void printHeadline(String what, Object millis) {
    boolean none = !(millis instanceof Double d) || d.isNaN();
    System.out.println(
        "query "
            + what
            + ": "
            + (none ? "n/a" : String.format(Locale.ROOT, "%.1f ms", (Double) millis)));
  }

  /** The calls of one period: what each asked, how long it took, whether it failed. */
  private static final class Schedule {
    final int rate;
    final int seconds;
    final int total;
    final GrowthData.Plan plan;
    final int[] chunks;
    final long seed;
    final int recentDays;

    /** The number of the newest stored message, and the plan's time between two messages. */
    final long newest;

    final double millisPerMessage;
    final Op[] ops;
    final long[] micros;
    final byte[] outcome; // 0 not done, 1 ok, 2 empty answer, 3 failed
    final Map<String, Long> errors = new java.util.concurrent.ConcurrentHashMap<>();
    final AtomicLong lateDispatchMicros = new AtomicLong();

    Schedule(int rate, int seconds, GrowthData.Plan plan, int[] chunks, long seed, int recentDays) {
      this.rate = rate;
      this.recentDays = recentDays;
      this.newest = (long) chunks[chunks.length - 1] * GrowthLoader.CHUNK + GrowthLoader.CHUNK - 1;
      this.millisPerMessage =
          (double) (plan.endMillis() - plan.startMillis()) / Math.max(1, plan.planned());
      this.seconds = seconds;
      // The service calls at the rate asked for, and the echo's share on top.
      this.total = rate * seconds * Op.SHARES / (Op.SHARES - Op.ECHO.weight);
      this.plan = plan;
      this.chunks = chunks;
      this.seed = seed;
      this.ops = new Op[total];
      this.micros = new long[total];
      this.outcome = new byte[total];
    }

    @SuppressWarnings("try") // the progress printer runs beside the loop
    void run(Client client, String label) throws InterruptedException {
      ExecutorService pool =
          new ThreadPoolExecutor(
              CLIENT_THREADS,
              CLIENT_THREADS,
              0,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              r -> {
                Thread t = new Thread(r, "query-client");
                t.setDaemon(true);
                return t;
              });
      AtomicLong done = new AtomicLong();
      long start = System.nanoTime() + 50_000_000L;
      try (Progress progress = Progress.every(label, total, done::get)) {
        for (int i = 0; i < total; i++) {
          long due = start + (long) (i * (seconds * 1e9) / total);
          long wait;
          while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
          }
          lateDispatchMicros.accumulateAndGet((-wait) / 1000, Math::max);
          int k = i;
          pool.execute(
              () -> {
                call(client, k, due);
                done.incrementAndGet();
              });
        }
        pool.shutdown();
        pool.awaitTermination(5, TimeUnit.MINUTES);
      } finally {
        pool.shutdownNow();
      }
    }

    private void call(Client client, int i, long due) {
      SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
      Op op = Op.pick(r.nextInt(Op.SHARES));
      ops[i] = op;
      GrowthData.Message m = GrowthData.message(plan, pick(r));
      try {
        boolean answered = client.call(op, m, r);
        micros[i] = (System.nanoTime() - due) / 1000;
        outcome[i] = (byte) (answered ? 1 : 2);
      } catch (RuntimeException e) {
        micros[i] = (System.nanoTime() - due) / 1000;
        outcome[i] = 3;
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
          root = root.getCause();
        }
        String text = op.method + ": " + root.getClass().getSimpleName() + ": " + root.getMessage();
        text = text.replaceAll("\\d+", "N");
        errors.merge(text.length() > 200 ? text.substring(0, 200) : text, 1L, Long::sum);
      }
    }

    /**
     * The number of a stored message: uniform over the loaded chunks, or the newest stored minus an
     * exponentially spread age (a message of a chunk not loaded falls back to a uniform pick).
     */
    private long pick(SplittableRandom r) {
      if (recentDays > 0) {
        double ageMillis = -Math.log(1 - r.nextDouble()) * recentDays * 86_400_000.0;
        long n = newest - (long) (ageMillis / millisPerMessage);
        if (n >= 0 && Arrays.binarySearch(chunks, (int) (n / GrowthLoader.CHUNK)) >= 0) {
          return n;
        }
      }
      int chunk = chunks[r.nextInt(chunks.length)];
      return (long) chunk * GrowthLoader.CHUNK + r.nextInt(GrowthLoader.CHUNK);
    }

    /** Percentiles and counts of the calls whose shape passes {@code shapes}. */
    Map<String, Object> summary(java.util.function.Predicate<String> shapes) {
      long[] ok = new long[total];
      int n = 0;
      long failed = 0;
      long empty = 0;
      for (int i = 0; i < total; i++) {
        if (ops[i] == null || !shapes.test(ops[i].shape)) {
          continue;
        }
        if (outcome[i] == 3 || outcome[i] == 0) {
          failed++;
          continue;
        }
        if (outcome[i] == 2) {
          empty++;
        }
        ok[n++] = micros[i];
      }
      long[] sorted = Arrays.copyOf(ok, n);
      Arrays.sort(sorted);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("ok", (long) n);
      out.put("errors", failed);
      out.put("emptyAnswers", empty);
      out.put("p50Millis", rank(sorted, 0.50));
      out.put("p99Millis", rank(sorted, 0.99));
      out.put("p999Millis", rank(sorted, 0.999));
      out.put("maxMillis", n == 0 ? null : sorted[n - 1] / 1000.0);
      return out;
    }

    private static Double rank(long[] sorted, double p) {
      if (sorted.length == 0) {
        return null;
      }
      int index = (int) Math.ceil(p * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1000.0;
    }
  }

  /** One Dubbo consumer of the query service, found through the ZooKeeper registry. */
  static final class Client implements AutoCloseable {
    private final FrameworkModel framework = new FrameworkModel();
    private final MessageQueryService queries;

    Client(String zooKeeper) throws InterruptedException {
      MessageQueryService found = null;
      RuntimeException last = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (found == null && System.nanoTime() < deadline) {
        try {
          DubboBootstrap bootstrap = DubboBootstrap.newInstance(framework);
          ApplicationConfig app = new ApplicationConfig("bench-query-consumer");
          app.setQosEnable(false);
          RegistryConfig registry = new RegistryConfig("zookeeper://" + zooKeeper);
          registry.setUseAsConfigCenter(false);
          registry.setUseAsMetadataCenter(false);
          ReferenceConfig<MessageQueryService> reference = new ReferenceConfig<>();
          reference.setInterface(MessageQueryService.class);
          reference.setProtocol("dubbo");
          reference.setTimeout(5_000);
          reference.setRetries(0);
          reference.setCheck(true);
          // The center registers interface-level URLs only.
          reference.setParameters(Map.of("migration.step", "FORCE_INTERFACE"));
          bootstrap.application(app).registry(registry).reference(reference).start();
          found = reference.get();
        } catch (RuntimeException e) {
          last = e;
          Thread.sleep(1000);
        }
      }
      if (found == null) {
        framework.destroy();
        throw new IllegalStateException("no query service found through ZooKeeper", last);
      }
      queries = found;
    }

    /**
     * Makes one call of shape {@code op} about stored message {@code m}.
     *
     * @return false if an answer that must hold something was empty
     */
    boolean call(Op op, GrowthData.Message m, SplittableRandom r) {
      RpcContext.getClientAttachment().setAttachment("token", TOKEN);
      switch (op) {
        case GET_MESSAGE -> {
          MessageView v = queries.getMessage(m.idText());
          return v != null && m.idText().equals(v.getMessageId());
        }
        case SEARCH_USER -> {
          return notEmpty(queries.search(new MessageQuery().setUserId(m.userId()).setLimit(PAGE)));
        }
        case SEARCH_BIZ_ID -> {
          if (m.bizId() == null) {
            return notEmpty(
                queries.search(new MessageQuery().setTraceId(m.traceId()).setLimit(PAGE)));
          }
          return notEmpty(queries.search(new MessageQuery().setBizId(m.bizId()).setLimit(PAGE)));
        }
        case SEARCH_TRACE -> {
          return notEmpty(
              queries.search(new MessageQuery().setTraceId(m.traceId()).setLimit(PAGE)));
        }
        case SEARCH_BIZ_TYPE_DAY -> {
          Instant from = Instant.ofEpochMilli(m.millis() - 12 * 3_600_000L);
          return notEmpty(
              queries.search(
                  new MessageQuery()
                      .setBizType(m.bizType())
                      .setFrom(from.toString())
                      .setTo(from.plusSeconds(86_400).toString())
                      .setLimit(PAGE)));
        }
        case SEARCH_HOUR_STATUS -> {
          Instant from = Instant.ofEpochMilli(m.millis() - 1_800_000L);
          queries.search(
              new MessageQuery()
                  .setStatus(
                      r.nextBoolean() ? MessageStatus.PARTIALLY_DELIVERED : MessageStatus.DELIVERED)
                  .setFrom(from.toString())
                  .setTo(from.plusSeconds(3_600).toString())
                  .setLimit(PAGE));
          return true;
        }
        case ECHO -> {
          return "ping".equals(((EchoService) queries).$echo("ping"));
        }
        case INBOX -> {
          // A user's unread ones may all be read; the whole inbox holds the message picked.
          boolean unreadOnly = r.nextBoolean();
          MessagePage page =
              queries.inbox(m.userId(), new InboxQuery().setUnreadOnly(unreadOnly).setLimit(PAGE));
          return unreadOnly || notEmpty(page);
        }
        default -> {
          queries.unreadCount(m.userId());
          return true;
        }
      }
    }

    private static boolean notEmpty(MessagePage page) {
      return page != null && page.getItems() != null && !page.getItems().isEmpty();
    }

    @Override
    public void close() {
      framework.destroy();
    }
  }
}
