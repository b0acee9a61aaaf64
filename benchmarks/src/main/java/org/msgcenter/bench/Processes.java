package org.msgcenter.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** The processes of a run whose CPU time is accounted: the bench JVM, MariaDB, the center. */
final class Processes {
  private final Map<String, Long> pids = new LinkedHashMap<>();

  Processes() {
    pids.put("bench JVM (load, Kafka broker)", ProcessHandle.current().pid());
  }

  synchronized void add(String name, long pid) {
    pids.put(name, pid);
  }

  synchronized void remove(String name) {
    pids.remove(name);
  }

  /** CPU times now; {@link ProcStats.Snapshot#until()} gives the usage since. */
  synchronized ProcStats.Snapshot snapshot() {
    return new ProcStats.Snapshot(pids);
  }
}
