package org.msgcenter.center.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.msgcenter.api.Priority;

/**
 * One routing rule: which channels a bizType goes to, with what template, at what priority.
 *
 * @param pattern an exact bizType ({@code payment.succeeded}), a prefix ({@code payment.*}), or
 *     {@code default}
 * @param channels channel names, in order
 * @param template the template rendering each channel, when the notification names none; null for
 *     none
 * @param priority replaces the notification's priority when the notification left it NORMAL; null
 *     to keep it
 * @param targets per-channel fixed targets (a webhook URL, the names of IM robots), by channel name
 * @param dedupWindow how long a dedupKey suppresses repeats
 * @param quietHours when NORMAL and LOW deliveries wait, or null for never
 */
public record Route(
    String pattern,
    List<String> channels,
    String template,
    Priority priority,
    Map<String, String> targets,
    Duration dedupWindow,
    QuietHours quietHours) {

  public static final String DEFAULT = "default";
  public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofHours(24);

  public Route {
    channels = List.copyOf(channels);
    targets = Map.copyOf(targets);
  }

  public Optional<String> target(String channel) {
    return Optional.ofNullable(targets.get(channel));
  }

  boolean matches(String bizType) {
    if (pattern.endsWith(".*")) {
      return bizType.startsWith(pattern.substring(0, pattern.length() - 1));
    }
    return pattern.equals(bizType);
  }

  /** Exact rules first, then longer prefixes before shorter ones. */
  int specificity() {
    return pattern.endsWith(".*") ? pattern.length() : Integer.MAX_VALUE;
  }
}
