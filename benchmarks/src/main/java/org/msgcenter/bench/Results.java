package org.msgcenter.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run measured: the figures for the table and the headline lines, and per scenario the
 * details that explain them (counts, timings, CPU, database counters) for the JSON file.
 */
final class Results {

  /**
   * One measured figure: which scenario, what, how much, in what unit, a short note, and how busy
   * the machine was meanwhile ({@link ProcStats.Snapshot#until()}, or null).
   */
  record Figure(
      String scenario,
      String name,
      double value,
      String unit,
      String notes,
      Map<String, Object> cpu) {}

  private final List<Figure> figures = new ArrayList<>();
  private final Map<String, Map<String, Object>> details = new LinkedHashMap<>();

  synchronized void add(Figure figure) {
    figures.add(figure);
  }

  synchronized void detail(String scenario, String key, Object value) {
    details.computeIfAbsent(scenario, s -> new LinkedHashMap<>()).put(key, value);
  }

  synchronized List<Figure> figures() {
    return List.copyOf(figures);
  }

  /** The first figure named {@code name} of {@code scenario}, or null. */
  synchronized Figure figure(String scenario, String name) {
    for (Figure f : figures) {
      if (f.scenario().equals(scenario) && f.name().equals(name)) {
        return f;
      }
    }
    return null;
  }

  synchronized Map<String, Map<String, Object>> details() {
    Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
    details.forEach((k, v) -> copy.put(k, new LinkedHashMap<>(v)));
    return copy;
  }
}
