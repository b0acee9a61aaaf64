package org.msgcenter.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Runs the benchmark scenarios of a run in one go ({@code scripts/bench.sh} is the front door):
 * starts the infrastructure (Kafka and MariaDB, embedded, on random ports), measures the roof of
 * this machine, then the project against it, and writes the results as JSON and into {@code
 * docs/benchmarks.md}. Each scenario prints its headline as {@code <scenario>: <value> <unit>}.
 * Exit code 2 for a bad command line, 1 if a scenario failed.
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) {
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    String timestamp = now.format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"));
    BenchOptions options;
    try {
      options = BenchOptions.parse(args, timestamp);
    } catch (IllegalArgumentException e) {
      if (!"help".equals(e.getMessage())) {
        System.err.println("bench: " + e.getMessage());
      }
      System.err.print(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    int exit;
    try {
      Files.createDirectories(options.runDir());
      // Before the first logger exists: the broker and the database log to the run's file.
      System.setProperty("bench.log", options.runDir().resolve("bench.log").toString());
      if (System.getProperty("logback.configurationFile") == null) {
        System.setProperty("logback.configurationFile", "logback-bench.xml");
      }
      exit = run(options, timestamp);
    } catch (Exception e) {
      System.err.println("bench: " + e);
      e.printStackTrace();
      exit = 1;
    }
    // The embedded broker leaves non-daemon threads behind.
    System.exit(exit);
  }

  private static int run(BenchOptions options, String timestamp) throws Exception {
    Map<String, Object> machine = Machine.describe();
    System.out.printf(
        "Benchmarks %s: %s on %s cores, %s GiB, %s; run directory %s%n",
        options.scenarios(),
        timestamp,
        machine.get("cores"),
        machine.get("memoryGiB"),
        machine.get("jvm"),
        options.runDir());
    Results results = new Results();
    Processes processes = new Processes();
    Map<String, Object> infrastructure;
    boolean failed = false;
    long started = System.nanoTime();
    Path keptDataDir = options.usesGrownData() ? options.grownDataDir().toAbsolutePath() : null;
    System.out.println(
        "Starting Kafka and MariaDB (buffer pool "
            + options.bufferPool()
            + ", random ports"
            + (keptDataDir != null ? ", data kept in " + keptDataDir : "")
            + ")");
    try (Infrastructure infra = Infrastructure.start(options.bufferPool(), keptDataDir)) {
      infrastructure = infra.describe();
      System.out.printf(
          "  Kafka %s at %s; MariaDB %s at %s%n",
          infrastructure.get("kafka"),
          infra.bootstrapServers(),
          ((Map<?, ?>) infrastructure.get("mariadb")).get("version"),
          infra.jdbcUrl(""));
      processes.add("MariaDB", infra.mariaDbPid());
      try {
        double sqlRoof = 0;
        double rawProducer = 0;
        if (options.runs("roof")) {
          System.out.println("roof: the bare loops of this machine");
          new KafkaRoof(infra, processes, results).run(options.roofCount());
          rawProducer = results.figure("roof", "kafka produce").value();
          sqlRoof =
              new SqlRoof(infra, processes, results).run(options.roofCount(), options.batchSize());
          System.out.println("roof: " + Progress.plain(sqlRoof) + " notifications/s");
        }
        if (options.runs("accept")) {
          System.out.println("accept: one publisher, acks=all");
          Publishing.accept(infra, processes, results, options.acceptCount(), rawProducer);
        }
        if (options.runs("drain")) {
          if (sqlRoof == 0) {
            System.out.println("drain: measuring the SQL roof of this run first, to compare with");
            sqlRoof =
                new SqlRoof(infra, processes, results)
                    .run(options.roofCount(), options.batchSize());
          }
          System.out.println(
              "drain: " + Progress.grouped(options.count()) + " notifications, in-app + webhook");
          new DrainScenario(infra, processes, results, options, options.runDir()).run(sqlRoof);
        }
        if (options.runs("latency")) {
          System.out.println(
              "latency: publish to recorded SENT, open-loop at " + options.rates() + " per second");
          new LatencyScenario(infra, processes, results, options).run();
        }
        if (options.runs("poller")) {
          System.out.println(
              "poller: claims of "
                  + Progress.grouped(options.count())
                  + " due deliveries, bare loop and message center, 1 and 2 of each");
          new PollerScenario(infra, processes, results, options).run();
        }
        if (options.runs("shapes")) {
          System.out.println(
              "shapes: the center's hot statements, shape by shape, "
                  + Progress.grouped(ShapesScenario.ROWS_PER_SHAPE)
                  + " rows each");
          new ShapesScenario(infra, processes, results).run();
        }
        if (options.runs("scale")) {
          System.out.println(
              "scale: drains of "
                  + Progress.grouped(options.count())
                  + " notifications with 1, 2 and 3 message centers");
          new ScaleScenario(infra, processes, results, options).run();
        }
        if (options.runs("notifier")) {
          System.out.println(
              "notifier: heap per idle Socket.IO connection, publish to client receipt at "
                  + Progress.grouped(options.notifierRate())
                  + "/s");
          new NotifierScenario(infra, processes, results, options).run();
        }
        if (options.runs("growth")) {
          System.out.println(
              "growth: the drain of "
                  + Progress.grouped(options.count())
                  + " notifications into empty tables, then with "
                  + Progress.grouped(options.stored())
                  + " messages stored");
          new GrowthScenario(infra, processes, results, options).run();
        }
        if (options.runs("query")) {
          System.out.println(
              "query: the query service over the grown tables, open-loop at "
                  + options.queryRate()
                  + " calls/s");
          new QueryScenario(infra, processes, results, options).run();
        }
      } catch (Exception e) {
        failed = true;
        results.detail("run", "error", e.toString());
        System.err.println("bench: the run failed: " + e);
        e.printStackTrace();
      }
    }
    results.detail("run", "seconds", (System.nanoTime() - started) / 1e9);
    Report report = new Report(timestamp, options, machine, infrastructure, results);
    Path json = report.writeJson();
    System.out.println("Results: " + json);
    if (!failed && options.docFile() != null) {
      report.writeMarkdown(json);
      System.out.println("Markdown: " + options.docFile());
    }
    System.out.printf("Run took %.0f s%n", (System.nanoTime() - started) / 1e9);
    return failed ? 1 : 0;
  }
}
