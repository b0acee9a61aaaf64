package org.msgcenter.bench;

import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The message center as production runs it: its own JVM, {@code java -cp <jar>:<class path>
 * org.msgcenter.center.MessageCenter <config file>}, with a configuration file written for the run,
 * its output in a log file, stopped with SIGTERM. The bench reads its health and metrics over HTTP
 * like any operator would.
 */
final class CenterProcess implements AutoCloseable {
  static final String MAIN_CLASS = "org.msgcenter.center.MessageCenter";

  private final Process process;
  private final int httpPort;
  private final Path log;
  private final HttpClient http = HttpClient.newHttpClient();

  private CenterProcess(Process process, int httpPort, Path log) {
    this.process = process;
    this.httpPort = httpPort;
    this.log = log;
  }

  /**
   * Writes {@code settings} to {@code <runDir>/center.properties}, starts the center with it, and
   * returns once its health check answers 200.
   *
   * @throws IllegalStateException if the process exits or is not healthy within {@code timeout}
   */
  static CenterProcess start(
      Path runDir,
      String classpath,
      List<String> jvmOptions,
      Map<String, String> settings,
      int httpPort,
      Duration timeout)
      throws IOException, InterruptedException {
    CenterProcess center = launch(runDir, "center", classpath, jvmOptions, settings, httpPort);
    center.awaitHealthy(timeout);
    return center;
  }

  /**
   * Writes {@code settings} to {@code <runDir>/<name>.properties} and starts the center with it,
   * its output in {@code <name>.log}, without waiting for it: several instances start side by side,
   * then {@link #awaitHealthy} each.
   */
  static CenterProcess launch(
      Path runDir,
      String name,
      String classpath,
      List<String> jvmOptions,
      Map<String, String> settings,
      int httpPort)
      throws IOException {
    return launch(runDir, name, MAIN_CLASS, classpath, jvmOptions, settings, httpPort);
  }

  /**
   * As {@link #launch(Path, String, String, List, Map, int)}, for another program of the project
   * that reads a properties file and serves {@code /health} and {@code /metrics} the same way (the
   * websocket-notifier).
   */
  static CenterProcess launch(
      Path runDir,
      String name,
      String mainClass,
      String classpath,
      List<String> jvmOptions,
      Map<String, String> settings,
      int httpPort)
      throws IOException {
    Path config = runDir.resolve(name + ".properties");
    try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
      w.write("# The message center's configuration for one benchmark run (scripts/bench.sh).\n");
      w.write("# Keys not set here have the defaults of docs/configuration.md.\n");
      for (var e : settings.entrySet()) {
        w.write(e.getKey() + "=" + e.getValue() + "\n");
      }
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classpath, mainClass, config.toAbsolutePath().toString()));
    Path log = runDir.resolve(name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(runDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    // MSGCENTER_* variables of the caller's shell (the local stack's ports, say) would override
    // the generated file: the center of a run reads that file only.
    builder.environment().keySet().removeIf(k -> k.startsWith("MSGCENTER_"));
    Files.writeString(
        runDir.resolve(name + ".command"),
        String.join(" ", command.stream().map(CenterProcess::quote).toList()) + "\n");
    return new CenterProcess(builder.start(), httpPort, log);
  }

  /** Returns once the health check answers 200; stops the process if it does not in time. */
  void awaitHealthy(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the message center exited with "
                + process.exitValue()
                + " during start:\n"
                + tail(40));
      }
      try {
        if (get("/health").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      if (System.nanoTime() > deadline) {
        close();
        throw new IllegalStateException(
            "the message center is not healthy after " + timeout + ":\n" + tail(40));
      }
      Thread.sleep(100);
    }
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * The center's Prometheus metrics, {@code name{labels}} to value; empty if it does not answer.
   */
  Map<String, Double> metrics() {
    Map<String, Double> out = new LinkedHashMap<>();
    try {
      HttpResponse<String> response = get("/metrics");
      for (String line : response.body().split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int space = line.lastIndexOf(' ');
        try {
          out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        } catch (NumberFormatException ignored) {
          // NaN and the like are of no use here.
        }
      }
    } catch (IOException e) {
      // Reported as missing metrics.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out;
  }

  /** The sum of every series of {@code name} whose labels contain every one of {@code labels}. */
  static double sum(Map<String, Double> metrics, String name, String... labels) {
    double total = 0;
    for (var e : metrics.entrySet()) {
      String key = e.getKey();
      String base = key.contains("{") ? key.substring(0, key.indexOf('{')) : key;
      if (base.equals(name) && Arrays.stream(labels).allMatch(key::contains)) {
        total += e.getValue();
      }
    }
    return total;
  }

  /** The last {@code lines} lines of the center's log. */
  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  Path log() {
    return log;
  }

  /**
   * The center's WARN and ERROR log lines, without time and thread, counted by text: the {@code
   * limit} most frequent.
   */
  Map<String, Long> warnings(int limit) {
    Map<String, Long> counts = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        int level = Math.max(line.indexOf(" WARN "), line.indexOf(" ERROR "));
        if (level < 0) {
          continue;
        }
        String text = line.substring(level).replaceFirst("\\[[^]]*\\] ", "");
        text = text.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "<id>").replaceAll("\\d+", "N");
        counts.merge(text.length() > 200 ? text.substring(0, 200) : text, 1L, Long::sum);
      }
    } catch (IOException e) {
      counts.put("(cannot read " + log + ")", 1L);
    }
    Map<String, Long> top = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(limit)
        .forEach(e -> top.put(e.getKey(), e.getValue()));
    return top;
  }

  /**
   * Stops the center with SIGTERM (a graceful stop) and waits up to a minute; kills it after that.
   *
   * @return the exit code, or -1 if it had to be killed
   */
  int stop() throws InterruptedException {
    if (!process.isAlive()) {
      return process.exitValue();
    }
    process.destroy();
    if (process.waitFor(60, TimeUnit.SECONDS)) {
      return process.exitValue();
    }
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    return -1;
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static String quote(String s) {
    return s.matches("[A-Za-z0-9_./:=,+@%-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
