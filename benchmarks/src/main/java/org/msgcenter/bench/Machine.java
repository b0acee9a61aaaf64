package org.msgcenter.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the run ran on: cores, CPU model, memory, operating system, JVM. */
final class Machine {
  private Machine() {}

  static Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("cores", Runtime.getRuntime().availableProcessors());
    out.put("cpu", cpuModel());
    out.put("memoryGiB", memoryGiB());
    out.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " ("
            + System.getProperty("os.arch")
            + ")");
    out.put(
        "jvm",
        System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version")
            + " ("
            + System.getProperty("java.vm.vendor")
            + ")");
    out.put(
        "benchJvmOptions",
        String.join(
            " ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
    try {
      out.put("host", InetAddress.getLocalHost().getHostName());
    } catch (IOException e) {
      out.put("host", "unknown");
    }
    out.put("allOnOneHost", true);
    return out;
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (IOException e) {
      // Not Linux.
    }
    return System.getProperty("os.arch");
  }

  private static Double memoryGiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return Math.round(kb / 1024.0 / 1024.0 * 10) / 10.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // Not Linux.
    }
    return null;
  }
}
