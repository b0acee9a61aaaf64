package org.msgcenter.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service method's calls as the provider timed them, between two scrapes of the center's {@code
 * /metrics}: the successful calls' histogram ({@code msgcenter_service_calls_seconds_bucket}) of
 * the later scrape minus the earlier one. Percentiles are estimated the way Prometheus's {@code
 * histogram_quantile} does, by linear interpolation inside the bucket that holds the rank, so they
 * are as fine as the buckets (about a third apart) and no finer.
 */
final class ProviderTimes {
  private static final String BUCKET = "msgcenter_service_calls_seconds_bucket";
  private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

  /** Upper bound in seconds to the number of calls at or below it. */
  private final TreeMap<Double, Double> cumulative = new TreeMap<>();

  ProviderTimes(Map<String, Double> before, Map<String, Double> after, String method) {
    String label = "method=\"" + method + "\"";
    for (var e : after.entrySet()) {
      String key = e.getKey();
      if (!key.startsWith(BUCKET + "{")
          || !key.contains(label)
          || !key.contains("outcome=\"ok\"")) {
        continue;
      }
      Matcher le = LE.matcher(key);
      if (le.find()) {
        double bound =
            le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
        cumulative.put(bound, e.getValue() - before.getOrDefault(key, 0.0));
      }
    }
  }

  double calls() {
    return cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
  }

  /** The {@code q} quantile in milliseconds, or NaN without calls. */
  double millis(double q) {
    double total = calls();
    if (total <= 0) {
      return Double.NaN;
    }
    double rank = q * total;
    double lowerBound = 0;
    double lowerCount = 0;
    for (var e : cumulative.entrySet()) {
      if (e.getValue() >= rank) {
        if (e.getKey().isInfinite()) {
          return lowerBound * 1000; // beyond the last finite bound: that bound, as Prometheus says
        }
        double inBucket = e.getValue() - lowerCount;
        double fraction = inBucket <= 0 ? 1 : (rank - lowerCount) / inBucket;
        return (lowerBound + (e.getKey() - lowerBound) * fraction) * 1000;
      }
      lowerBound = e.getKey();
      lowerCount = e.getValue();
    }
    return Double.NaN;
  }
}
