package org.msgcenter.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time of processes and of the whole host, from Linux's {@code /proc}, so that a figure comes
 * with how busy the machine was and who kept it busy. Elsewhere every reading is -1 and the report
 * says "n/a".
 */
final class ProcStats {
  /** Linux reports process times in clock ticks of 1/100 s on every common architecture. */
  private static final double TICKS_PER_SECOND = 100.0;

  private ProcStats() {}

  /** CPU seconds (user + system) a process has used so far, or -1. */
  static double processCpuSeconds(long pid) {
    if (pid <= 0) {
      return -1;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name (field 2) is in parentheses and may hold spaces: count after it.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long utime = Long.parseLong(f[11]);
      long stime = Long.parseLong(f[12]);
      return (utime + stime) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Busy and total CPU seconds of the whole host since boot (all cores), or {-1, -1}. */
  static double[] hostCpuSeconds() {
    try {
      String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = first.trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new double[] {(total - idle) / TICKS_PER_SECOND, total / TICKS_PER_SECOND};
    } catch (IOException | RuntimeException e) {
      return new double[] {-1, -1};
    }
  }

  /** A snapshot of the CPU time of named processes and of the host. */
  static final class Snapshot {
    private final long nanos = System.nanoTime();
    private final Map<String, Long> pids;
    private final Map<String, Double> cpu = new LinkedHashMap<>();
    private final double[] host = hostCpuSeconds();

    Snapshot(Map<String, Long> pids) {
      this.pids = new LinkedHashMap<>(pids);
      pids.forEach((name, pid) -> cpu.put(name, processCpuSeconds(pid)));
    }

    /**
     * What happened since {@code this}, measured now: for each process the cores it kept busy on
     * average, the host's busy share, and the share of the host busy with other processes.
     */
    Map<String, Object> until() {
      Snapshot end = new Snapshot(pids);
      double wall = (end.nanos - nanos) / 1e9;
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("wallSeconds", round(wall));
      double ours = 0;
      boolean known = true;
      Map<String, Object> cores = new LinkedHashMap<>();
      for (String name : pids.keySet()) {
        double before = cpu.get(name);
        double after = end.cpu.get(name);
        if (before < 0 || after < 0) {
          cores.put(name, null);
          known = false;
          continue;
        }
        ours += after - before;
        cores.put(name, round((after - before) / wall));
      }
      out.put("coresBusyByProcess", cores);
      if (host[1] >= 0 && end.host[1] > host[1]) {
        double busy = end.host[0] - host[0];
        double total = end.host[1] - host[1];
        out.put("hostBusyPercent", round(100 * busy / total));
        if (known) {
          out.put("otherProcessesPercent", round(100 * Math.max(0, busy - ours) / total));
        }
      }
      return out;
    }
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
