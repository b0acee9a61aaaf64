package org.msgcenter.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording of the center (made with {@code settings=profile}) so that a
 * bottleneck can be named with counts:
 *
 * <ul>
 *   <li>where each thread runs Java code ({@code jdk.ExecutionSample}): its CPU;
 *   <li>where each thread waits inside project code in native methods ({@code
 *       jdk.NativeMethodSample} with a project frame on the stack: mostly socket reads, that is,
 *       waiting for the database);
 *   <li>how long each thread was blocked inside project code, and where: sleeping, parked, waiting
 *       on a monitor, or reading a socket ({@code jdk.ThreadSleep}, {@code jdk.ThreadPark}, {@code
 *       jdk.JavaMonitorWait}, {@code jdk.SocketRead}, each recorded from 10-20 ms on);
 *   <li>which threads were started, and from where ({@code jdk.ThreadStart});
 *   <li>each thread's share of the process's CPU, user and kernel time apart ({@code
 *       jdk.ThreadCPULoad}, {@code jdk.CPULoad}): this counts what Java samples do not see, the JIT
 *       compiler, the garbage collector and the kernel working for a thread's system calls.
 * </ul>
 *
 * For each site it names the innermost project method and the SQL statement (the MyBatis mapper
 * method) on the stack. Also runnable on its own: {@code JfrSummary <file.jfr> [rows]}.
 */
final class JfrSummary {
  private static final String PROJECT = "org.msgcenter.";
  private static final Map<String, String> BLOCKING =
      Map.of(
          "jdk.ThreadSleep", "sleep",
          "jdk.ThreadPark", "park",
          "jdk.JavaMonitorWait", "wait",
          "jdk.SocketRead", "socket read");

  private JfrSummary() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: JfrSummary <recording.jfr> [rows]");
      System.exit(2);
    }
    System.out.print(summarise(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 25));
  }

  /** Amounts by key: sample counts, or nanoseconds. */
  private static final class Tally {
    final Map<String, Long> byKey = new HashMap<>();
    long total;

    void add(String key, long amount) {
      byKey.merge(key, amount, Long::sum);
      total += amount;
    }

    List<Map.Entry<String, Long>> top(int n) {
      List<Map.Entry<String, Long>> list = new ArrayList<>(byKey.entrySet());
      list.sort(Map.Entry.<String, Long>comparingByValue().reversed());
      return list.subList(0, Math.min(n, list.size()));
    }
  }

  static String summarise(Path file, int rows) throws IOException {
    Tally cpuByThread = new Tally();
    Tally selfFrames = new Tally();
    Map<String, Tally> cpuWhere = new HashMap<>();
    Tally waitByThread = new Tally();
    Map<String, Tally> waitWhere = new HashMap<>();
    long idleNative = 0;
    Tally blockedByThread = new Tally();
    Map<String, Tally> blockedWhere = new HashMap<>();
    Tally started = new Tally();
    Map<String, Tally> startedFrom = new HashMap<>();
    Map<String, double[]> threadCpu = new HashMap<>();
    double[] processCpu = new double[3]; // user, system, events
    int cores = Runtime.getRuntime().availableProcessors();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
      String type = e.getEventType().getName();
      first = Math.min(first, e.getStartTime().toEpochMilli());
      last = Math.max(last, e.getEndTime().toEpochMilli());
      RecordedStackTrace stack = e.getStackTrace();
      List<RecordedFrame> frames = stack == null ? List.of() : stack.getFrames();
      switch (type) {
        case "jdk.ExecutionSample" -> {
          String thread = threadOf(e.getThread("sampledThread"));
          cpuByThread.add(thread, 1);
          selfFrames.add(frames.isEmpty() ? "?" : name(frames.get(0)), 1);
          cpuWhere.computeIfAbsent(thread, x -> new Tally()).add(where(frames), 1);
        }
        case "jdk.NativeMethodSample" -> {
          String where = where(frames);
          if (where.startsWith("(")) {
            idleNative++; // a thread idling in a selector or the like, outside project code
          } else {
            String thread = threadOf(e.getThread("sampledThread"));
            waitByThread.add(thread, 1);
            String top = frames.isEmpty() ? "?" : name(frames.get(0));
            waitWhere.computeIfAbsent(thread, x -> new Tally()).add(where + "  [" + top + "]", 1);
          }
        }
        case "jdk.ThreadStart" -> {
          RecordedThread t = e.getThread("thread");
          String name = threadOf(t);
          started.add(name, 1);
          startedFrom.computeIfAbsent(name, x -> new Tally()).add(starter(frames), 1);
        }
        case "jdk.ThreadCPULoad" -> {
          double[] cpu = threadCpu.computeIfAbsent(threadOf(e.getThread()), x -> new double[2]);
          cpu[0] += e.getFloat("user");
          cpu[1] += e.getFloat("system");
        }
        case "jdk.CPULoad" -> {
          processCpu[0] += e.getFloat("jvmUser");
          processCpu[1] += e.getFloat("jvmSystem");
          processCpu[2]++;
        }
        case "jdk.CPUInformation" -> cores = e.getInt("hwThreads");
        default -> {
          String kind = BLOCKING.get(type);
          String where = kind == null ? null : where(frames);
          // Only inside project code: idle pool threads park all the time and say nothing.
          if (kind != null && !where.startsWith("(")) {
            String thread = threadOf(e.getThread());
            long nanos = e.getDuration().toNanos();
            blockedByThread.add(thread, nanos);
            blockedWhere.computeIfAbsent(thread, x -> new Tally()).add(kind + ": " + where, nanos);
          }
        }
      }
    }
    StringBuilder out = new StringBuilder();
    double seconds = first < last ? (last - first) / 1000.0 : 0;
    out.append(
        String.format(
            Locale.ROOT,
            "Profile of the message center (%s, %.0f s): %,d samples running Java code, %,d"
                + " samples waiting in native code inside project code, %,d idle native"
                + " samples%n",
            file.getFileName(),
            seconds,
            cpuByThread.total,
            waitByThread.total,
            idleNative));
    threadCpu(out, threadCpu, processCpu, cores, rows);
    table(out, "Samples running Java code, by thread", cpuByThread, rows, false);
    table(out, "Hottest methods (top frame of Java samples)", selfFrames, rows, false);
    out.append(
        "\nWhere each busy thread runs Java code (innermost project method · SQL statement):\n");
    perThread(out, cpuWhere, cpuByThread, 8, 6, false);
    out.append(
        "\nWhere threads wait in native code inside project code (project method · SQL statement"
            + " [native frame]):\n");
    perThread(out, waitWhere, waitByThread, 8, 6, false);
    out.append(
        "\nTime blocked inside project code (sleep, park, monitor wait, socket read; events of"
            + " 10-20 ms and more), by thread and site, in seconds:\n");
    perThread(out, blockedWhere, blockedByThread, 10, 4, true);
    out.append("\nThreads started during the recording, by name, and what started them:\n");
    perThread(out, startedFrom, started, 6, 2, false);
    return out.toString();
  }

  private static void threadCpu(
      StringBuilder out, Map<String, double[]> threads, double[] process, int cores, int rows) {
    double total = threads.values().stream().mapToDouble(c -> c[0] + c[1]).sum();
    if (total <= 0) {
      return;
    }
    out.append("\nCPU by thread, all of it (JIT, GC and kernel time included):");
    if (process[2] > 0) {
      out.append(
          String.format(
              Locale.ROOT,
              " the process used %.2f cores on average, %.2f in user mode and %.2f in the kernel",
              (process[0] + process[1]) / process[2] * cores,
              process[0] / process[2] * cores,
              process[1] / process[2] * cores));
    }
    out.append('\n');
    List<Map.Entry<String, double[]>> list = new ArrayList<>(threads.entrySet());
    list.sort(
        (a, b) ->
            Double.compare(b.getValue()[0] + b.getValue()[1], a.getValue()[0] + a.getValue()[1]));
    for (var e : list.subList(0, Math.min(rows, list.size()))) {
      double[] c = e.getValue();
      out.append(
          String.format(
              Locale.ROOT,
              "  %5.1f%%  (kernel %3.0f%% of it)  %s%n",
              100 * (c[0] + c[1]) / total,
              100 * c[1] / Math.max(1e-9, c[0] + c[1]),
              e.getKey()));
    }
  }

  private static void table(StringBuilder out, String title, Tally t, int rows, boolean nanos) {
    out.append('\n').append(title).append(":\n");
    for (var e : t.top(rows)) {
      out.append(
          String.format(
              Locale.ROOT,
              "  %s  %5.1f%%  %s%n",
              amount(e.getValue(), nanos),
              100.0 * e.getValue() / Math.max(1, t.total),
              e.getKey()));
    }
  }

  private static void perThread(
      StringBuilder out,
      Map<String, Tally> where,
      Tally threads,
      int threadRows,
      int rows,
      boolean nanos) {
    for (var t : threads.top(threadRows)) {
      Tally c = where.get(t.getKey());
      if (c == null) {
        continue;
      }
      out.append(
          String.format(
              Locale.ROOT, "  %s (%s)%n", t.getKey(), amount(t.getValue(), nanos).strip()));
      for (var e : c.top(rows)) {
        out.append(
            String.format(
                Locale.ROOT,
                "    %s  %5.1f%%  %s%n",
                amount(e.getValue(), nanos),
                100.0 * e.getValue() / Math.max(1, c.total),
                e.getKey()));
      }
    }
  }

  private static String amount(long value, boolean nanos) {
    return nanos
        ? String.format(Locale.ROOT, "%8.1f s", Duration.ofNanos(value).toMillis() / 1000.0)
        : String.format(Locale.ROOT, "%,8d", value);
  }

  /** The innermost project method of a stack, and the mapper method (SQL statement) if any. */
  private static String where(List<RecordedFrame> frames) {
    String project = null;
    String statement = null;
    for (RecordedFrame f : frames) {
      String type = f.getMethod().getType().getName();
      if (statement == null && type.startsWith("jdk.proxy") && type.contains("$Proxy")) {
        statement = f.getMethod().getName();
      }
      if (isProject(f)) {
        project = name(f);
        break;
      }
    }
    if (project == null) {
      return "(no project frame" + (frames.isEmpty() ? "" : ": " + name(frames.get(0))) + ")";
    }
    return statement == null ? project : project + " · " + statement;
  }

  /** Who started a thread: the innermost project frame, else the first frame outside java.*. */
  private static String starter(List<RecordedFrame> frames) {
    String outsideJdk = null;
    String top = frames.isEmpty() ? "?" : name(frames.get(0));
    for (RecordedFrame f : frames) {
      if (isProject(f)) {
        return name(f) + " (via " + top + ")";
      }
      String type = f.getMethod().getType().getName();
      if (outsideJdk == null && !type.startsWith("java.") && !type.startsWith("jdk.")) {
        outsideJdk = name(f);
      }
    }
    return (outsideJdk != null ? outsideJdk : "JDK code") + " (via " + top + ")";
  }

  private static boolean isProject(RecordedFrame f) {
    return f.getMethod().getType().getName().startsWith(PROJECT);
  }

  /** {@code o.m.c.i.IngestStore.write}: the package shortened, the class and method kept. */
  private static String name(RecordedFrame f) {
    String type = f.getMethod().getType().getName();
    int lambda = type.indexOf("$$Lambda");
    if (lambda > 0) {
      type = type.substring(0, lambda) + "$$Lambda";
    }
    int dot = type.lastIndexOf('.', lambda > 0 ? lambda : type.length());
    StringBuilder shortName = new StringBuilder();
    for (String part : type.substring(0, Math.max(0, dot)).split("\\.")) {
      if (!part.isEmpty()) {
        shortName.append(part.charAt(0)).append('.');
      }
    }
    return shortName + type.substring(dot + 1) + "." + f.getMethod().getName();
  }

  /** A thread's name without its running number: {@code channel-webhook-3} -> {@code -N}. */
  private static String threadOf(RecordedThread t) {
    if (t == null) {
      return "?";
    }
    String name = t.getJavaName() != null ? t.getJavaName() : t.getOSName();
    if (name == null) {
      return "?";
    }
    return name.replaceAll("-\\d+$", "-N").replaceAll("#\\d+", "#N");
  }
}
