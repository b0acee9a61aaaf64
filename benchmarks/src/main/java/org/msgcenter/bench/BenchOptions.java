package org.msgcenter.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The command line of {@link Bench}: {@code [scenario...] [--option value...]}. Scenarios are
 * {@code roof}, {@code accept}, {@code drain}, {@code latency}, {@code poller}, {@code scale},
 * {@code growth}, {@code query} and {@code all} (every one up to scale, in that order: growth and
 * query load millions of rows into a kept data directory, so they run only when named); with none
 * named, {@code roof}, {@code accept} and {@code drain} run. Immutable once parsed; {@link #parse}
 * names the bad argument.
 */
record BenchOptions(
    List<String> scenarios,
    int count,
    int warmup,
    int roofCount,
    int acceptCount,
    int batchSize,
    int claimBatch,
    List<Integer> rates,
    int latencySeconds,
    String bufferPool,
    String centerClasspath,
    String centerJavaOptions,
    Map<String, String> centerSettings,
    boolean profile,
    long drainTimeoutSeconds,
    long stored,
    Path grownDataDir,
    int loadConnections,
    long loadSeconds,
    int queryRate,
    int querySeconds,
    int queryRecentDays,
    boolean queryCold,
    Path resultsDir,
    Path docFile,
    Path runDir,
    String command,
    String source,
    Notifier notifier) {

  /**
   * The notifier scenario's settings.
   *
   * @param clients idle connections to open (capped by the open-files limit)
   * @param rate notifications/s published while measuring the latency
   * @param classpath class path of the websocket-notifier process
   * @param javaOptions JVM options of the websocket-notifier process
   */
  record Notifier(int clients, int rate, String classpath, String javaOptions) {}

  int notifierClients() {
    return notifier.clients();
  }

  int notifierRate() {
    return notifier.rate();
  }

  String notifierClasspath() {
    return notifier.classpath();
  }

  String notifierJavaOptions() {
    return notifier.javaOptions();
  }

  static final List<String> SCENARIOS =
      List.of(
          "roof",
          "accept",
          "drain",
          "latency",
          "poller",
          "shapes",
          "scale",
          "notifier",
          "growth",
          "query");

  /** What {@code all} runs: not growth and query, which load millions of rows first. */
  static final List<String> ALL_SCENARIOS =
      List.of("roof", "accept", "drain", "latency", "poller", "shapes", "scale", "notifier");

  /** Scenarios that run on the kept data directory {@link #grownDataDir}. */
  static final List<String> GROWN_SCENARIOS = List.of("growth", "query");

  /** What runs when no scenario is named. */
  static final List<String> DEFAULT_SCENARIOS = List.of("roof", "accept", "drain");

  static final List<Integer> DEFAULT_RATES = List.of(1_000, 5_000);
  static final int DEFAULT_LATENCY_SECONDS = 60;
  static final int DEFAULT_COUNT = 200_000;
  static final int DEFAULT_WARMUP = 200_000;
  static final int DEFAULT_BATCH = 500;
  static final String DEFAULT_BUFFER_POOL = "2G";
  static final String DEFAULT_CENTER_JAVA_OPTIONS = "-Xms1g -Xmx1g";
  static final long DEFAULT_DRAIN_TIMEOUT_SECONDS = 360;
  static final int DEFAULT_NOTIFIER_CLIENTS = 20_000;
  static final int DEFAULT_NOTIFIER_RATE = 2_000;
  static final String DEFAULT_NOTIFIER_JAVA_OPTIONS = "-Xms1g -Xmx1g";

  static final long DEFAULT_STORED = 10_000_000L;
  static final Path DEFAULT_GROWN_DATA_DIR = Path.of("benchmarks", "target", "growth-db");
  static final int DEFAULT_LOAD_CONNECTIONS = 4;
  static final int DEFAULT_QUERY_RATE = 200;
  static final int DEFAULT_QUERY_SECONDS = 60;

  static final String USAGE =
      """
      usage: bench [roof|accept|drain|latency|poller|scale|notifier|growth|query|all]... [options]
                               (none named: roof, accept, drain; all: roof to notifier; growth
                               and query run only when named)
        --count N              notifications the drain and each scale drain pre-publish; due
                               deliveries the poller claims (default 200000)
        --warmup N             notifications the drain pre-publishes in front of the --count
                               ones and drains first, uncounted, so that its figure is the
                               warm center's; the latency scenario's center drains as many
                               before its first rate (default 200000; 0: cold starts count)
        --roof-count N         records of each roof loop (default: 200000)
        --accept-count N       notifications the accept scenario publishes (default: 200000)
        --batch N              notifications per batch of the SQL roof, as the center's
                               kafka.maxPollRecords (default 500)
        --claim-batch N        deliveries per claim transaction of the poller scenario: the bare
                               loop's and the center's poller.batchSize (default 500)
        --rates R,R...         notifications/s the latency scenario publishes at (default
                               1000,5000)
        --latency-seconds SEC  how long the latency scenario publishes at each rate, after a
                               warm-up of a fifth of that (default 60)
        --notifier-clients N   idle Socket.IO connections the notifier scenario opens (default
                               20000, capped by the open-files limit)
        --notifier-rate R      notifications/s of the notifier scenario's latency (default 2000;
                               measured for --latency-seconds)
        --notifier-classpath CP  class path of the websocket-notifier process (required for
                               notifier)
        --notifier-java-opts S JVM options of the notifier process (default -Xms1g -Xmx1g)
        --buffer-pool SIZE     InnoDB buffer pool of the MariaDB the run starts (default 2G)
        --center-classpath CP  class path of the message center process (required for drain)
        --center-java-opts S   JVM options of the message center process (default -Xms1g -Xmx1g)
        --center KEY=VALUE     a setting of the center's generated configuration file (repeatable)
        --profile              record the center with JFR during the drain and summarise it
        --drain-timeout SEC    report a drain not finished after SEC seconds as INCOMPLETE, with
                               the rate of what it finished (default 360); also bounds each
                               drain of the scale scenario and the waits of latency and poller
        --stored N             messages the growth loader keeps stored in the grown database
                               (default 10000000; rounded up to chunks of 500); resumable
        --grown-dir DIR        the kept MariaDB data directory of growth and query (default
                               benchmarks/target/growth-db)
        --load-connections N   connections the growth loader writes on (default 4)
        --load-seconds SEC     stop loading after SEC seconds (in-flight chunks finish) and go
                               on with what is stored (default: no limit)
        --query-rate N         calls/s the query scenario makes, open loop (default 200)
        --query-seconds SEC    how long it measures, after a warm-up of a fifth of that
                               (default 60)
        --query-recent-days D  pick the messages the query scenario asks for by age, most of them
                               recent: ages spread exponentially with a mean of D days, as users
                               read mostly what came lately (default: uniform over all stored)
        --query-cold           measure the query scenario right after MariaDB's start, without first
                               reading the indexes the calls use into the buffer pool
        --results DIR          where the JSON results go (default benchmarks/results)
        --doc FILE             the Markdown page the results go into (default docs/benchmarks.md;
                               'none' to skip)
        --run-dir DIR          logs, generated configuration and recordings (default
                               benchmarks/target/bench-runs/<time>)
        --command TEXT         the command line to print in the results
        --source TEXT          the version of the code measured, for the results (bench.sh
                               passes the git commit)
      """;

  static BenchOptions parse(String[] args, String timestamp) {
    List<String> scenarios = new ArrayList<>();
    int count = DEFAULT_COUNT;
    int warmup = DEFAULT_WARMUP;
    Integer roofCount = null;
    Integer acceptCount = null;
    int batch = DEFAULT_BATCH;
    int claimBatch = DEFAULT_BATCH;
    List<Integer> rates = DEFAULT_RATES;
    int latencySeconds = DEFAULT_LATENCY_SECONDS;
    String bufferPool = DEFAULT_BUFFER_POOL;
    String classpath = null;
    String centerOpts = DEFAULT_CENTER_JAVA_OPTIONS;
    Map<String, String> center = new LinkedHashMap<>();
    boolean profile = false;
    long drainTimeout = DEFAULT_DRAIN_TIMEOUT_SECONDS;
    long stored = DEFAULT_STORED;
    Path grownDir = DEFAULT_GROWN_DATA_DIR;
    int loadConnections = DEFAULT_LOAD_CONNECTIONS;
    long loadSeconds = 0;
    int queryRate = DEFAULT_QUERY_RATE;
    int querySeconds = DEFAULT_QUERY_SECONDS;
    int queryRecentDays = 0;
    boolean queryCold = false;
    Path results = Path.of("benchmarks", "results");
    Path doc = Path.of("docs", "benchmarks.md");
    Path runDir = null;
    String command = null;
    String source = "unknown";
    int notifierClients = DEFAULT_NOTIFIER_CLIENTS;
    int notifierRate = DEFAULT_NOTIFIER_RATE;
    String notifierClasspath = null;
    String notifierOpts = DEFAULT_NOTIFIER_JAVA_OPTIONS;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        String s = a.toLowerCase(Locale.ROOT);
        if (s.equals("all")) {
          scenarios.addAll(ALL_SCENARIOS);
        } else if (SCENARIOS.contains(s)) {
          scenarios.add(s);
        } else {
          throw new IllegalArgumentException(
              "unknown scenario '" + a + "'; one of " + SCENARIOS + " or all");
        }
        continue;
      }
      if (a.equals("--query-cold")) {
        queryCold = true;
        continue;
      }
      if (a.equals("--profile")) {
        profile = true;
        continue;
      }
      if (a.equals("--help")) {
        throw new IllegalArgumentException("help");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--count" -> count = positive(a, v);
        case "--warmup" -> warmup = nonNegative(a, v);
        case "--roof-count" -> roofCount = positive(a, v);
        case "--accept-count" -> acceptCount = positive(a, v);
        case "--batch" -> batch = positive(a, v);
        case "--claim-batch" -> claimBatch = positive(a, v);
        case "--rates" -> {
          List<Integer> parsed = new ArrayList<>();
          for (String r : v.split(",")) {
            parsed.add(positive(a, r.strip()));
          }
          rates = List.copyOf(parsed);
        }
        case "--latency-seconds" -> latencySeconds = positive(a, v);
        case "--buffer-pool" -> bufferPool = v;
        case "--center-classpath" -> classpath = v;
        case "--center-java-opts" -> centerOpts = v;
        case "--center" -> {
          int eq = v.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("--center needs KEY=VALUE, was '" + v + "'");
          }
          center.put(v.substring(0, eq), v.substring(eq + 1));
        }
        case "--drain-timeout" -> drainTimeout = positive(a, v);
        case "--stored" -> stored = positiveLong(a, v);
        case "--grown-dir" -> grownDir = Path.of(v);
        case "--load-connections" -> loadConnections = positive(a, v);
        case "--load-seconds" -> loadSeconds = positive(a, v);
        case "--query-rate" -> queryRate = positive(a, v);
        case "--query-seconds" -> querySeconds = positive(a, v);
        case "--query-recent-days" -> queryRecentDays = positive(a, v);
        case "--results" -> results = Path.of(v);
        case "--doc" -> doc = v.equals("none") ? null : Path.of(v);
        case "--run-dir" -> runDir = Path.of(v);
        case "--command" -> command = v;
        case "--source" -> source = v;
        case "--notifier-clients" -> notifierClients = positive(a, v);
        case "--notifier-rate" -> notifierRate = positive(a, v);
        case "--notifier-classpath" -> notifierClasspath = v;
        case "--notifier-java-opts" -> notifierOpts = v;
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (scenarios.isEmpty()) {
      scenarios.addAll(DEFAULT_SCENARIOS);
    }
    List<String> ordered = SCENARIOS.stream().filter(scenarios::contains).toList();
    for (String needsCenter :
        List.of("drain", "latency", "poller", "scale", "notifier", "growth", "query")) {
      if (ordered.contains(needsCenter) && (classpath == null || classpath.isBlank())) {
        throw new IllegalArgumentException(
            "the "
                + needsCenter
                + " scenario runs the message center as its own process: --center-classpath is"
                + " required");
      }
    }
    if (batch > 5_000) {
      throw new IllegalArgumentException("--batch must be at most 5000, was " + batch);
    }
    if (claimBatch > 5_000) {
      throw new IllegalArgumentException(
          "--claim-batch must be at most 5000 (the center's poller.batchSize), was " + claimBatch);
    }
    int roof = roofCount != null ? roofCount : DEFAULT_COUNT;
    return new BenchOptions(
        ordered,
        count,
        warmup,
        roof,
        acceptCount != null ? acceptCount : DEFAULT_COUNT,
        batch,
        claimBatch,
        rates,
        latencySeconds,
        bufferPool,
        classpath,
        centerOpts,
        Map.copyOf(center),
        profile,
        drainTimeout,
        stored,
        grownDir,
        loadConnections,
        loadSeconds,
        queryRate,
        querySeconds,
        queryRecentDays,
        queryCold,
        results,
        doc,
        runDir != null ? runDir : Path.of("benchmarks", "target", "bench-runs", timestamp),
        command != null ? command : "bench " + String.join(" ", args),
        source,
        new Notifier(notifierClients, notifierRate, notifierClasspath, notifierOpts));
  }

  private static int nonNegative(String option, String value) {
    return "0".equals(value.strip()) ? 0 : positive(option, value);
  }

  private static int positive(String option, String value) {
    try {
      int n = Integer.parseInt(value.replace("_", "").replace(",", ""));
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          option + " needs a positive whole number, was '" + value + "'");
    }
  }

  private static long positiveLong(String option, String value) {
    try {
      long n = Long.parseLong(value.replace("_", "").replace(",", ""));
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          option + " needs a positive whole number, was '" + value + "'");
    }
  }

  /** Whether the run's MariaDB must use the kept data directory. */
  boolean usesGrownData() {
    return GROWN_SCENARIOS.stream().anyMatch(scenarios::contains);
  }

  boolean runs(String scenario) {
    return scenarios.contains(scenario);
  }
}
