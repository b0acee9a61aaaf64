package org.msgcenter.center.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.msgcenter.api.Notification;
import org.msgcenter.api.Priority;
import org.msgcenter.center.config.ConfigException;
import org.msgcenter.center.config.Settings;

/**
 * The routing rules, parsed from the {@code route.*} keys of the configuration:
 *
 * <pre>
 * route.default.channels=in-app
 * route.payment.succeeded.channels=in-app,webhook
 * route.payment.succeeded.template=payment.received
 * route.payment.succeeded.priority=HIGH
 * route.payment.succeeded.target.webhook=https://hooks.example.com/payments
 * route.payment.*.dedupWindow=1h
 * </pre>
 *
 * Immutable; validated when parsed, so an unknown channel or a bad value stops the start.
 */
public final class RoutingRules {
  private static final Set<String> PROPERTIES =
      Set.of("channels", "template", "priority", "dedupWindow", "quietHours", "quietZone");
  private static final Pattern PATTERN =
      Pattern.compile(
          "default|" + Notification.BIZ_TYPE.pattern() + "(\\.\\*)?|[a-z][a-z0-9_-]*\\.\\*");

  private final List<Route> rules;
  private final Route defaultRoute;

  RoutingRules(List<Route> rules, Route defaultRoute) {
    List<Route> sorted = new ArrayList<>(rules);
    sorted.sort(Comparator.comparingInt(Route::specificity).reversed());
    this.rules = List.copyOf(sorted);
    this.defaultRoute = defaultRoute;
  }

  /**
   * The rule for {@code bizType}: the exact one, else the longest matching prefix, else default.
   */
  public Optional<Route> match(String bizType) {
    for (Route r : rules) {
      if (r.matches(bizType)) {
        return Optional.of(r);
      }
    }
    return Optional.ofNullable(defaultRoute);
  }

  public List<Route> all() {
    List<Route> all = new ArrayList<>(rules);
    if (defaultRoute != null) {
      all.add(defaultRoute);
    }
    return all;
  }

  /**
   * @param settings the {@code route.*} keys with the prefix removed
   * @param channels the channels the center has
   */
  public static RoutingRules parse(Map<String, String> settings, Set<String> channels) {
    Map<String, Map<String, String>> byPattern = new TreeMap<>();
    settings.forEach(
        (key, value) -> {
          int target = key.lastIndexOf(".target.");
          String pattern;
          String property;
          if (target > 0) {
            pattern = key.substring(0, target);
            property = key.substring(target + 1);
          } else {
            int dot = key.lastIndexOf('.');
            pattern = dot > 0 ? key.substring(0, dot) : "";
            property = key.substring(dot + 1);
            if (!PROPERTIES.contains(property)) {
              throw Settings.error(
                  "route." + key,
                  value,
                  "is not a route setting; use one of " + PROPERTIES + " or target.<channel>");
            }
          }
          if (!PATTERN.matcher(pattern).matches()) {
            throw Settings.error(
                "route." + key,
                value,
                "names a bizType pattern that is not a bizType, a prefix like payment.* or default");
          }
          byPattern.computeIfAbsent(pattern, p -> new LinkedHashMap<>()).put(property, value);
        });
    List<Route> rules = new ArrayList<>();
    Route defaultRoute = null;
    for (Map.Entry<String, Map<String, String>> e : byPattern.entrySet()) {
      Route r = route(e.getKey(), e.getValue(), channels);
      if (Route.DEFAULT.equals(r.pattern())) {
        defaultRoute = r;
      } else {
        rules.add(r);
      }
    }
    return new RoutingRules(rules, defaultRoute);
  }

  private static Route route(String pattern, Map<String, String> p, Set<String> known) {
    String prefix = "route." + pattern + ".";
    String list = p.get("channels");
    if (list == null || list.isBlank()) {
      throw Settings.error(prefix + "channels", list, "is required for every route");
    }
    List<String> channels = Arrays.stream(list.split(",")).map(String::trim).toList();
    for (String c : channels) {
      if (!known.contains(c)) {
        throw Settings.error(
            prefix + "channels",
            list,
            "names channel " + c + ", which this center does not have " + known);
      }
    }
    Map<String, String> targets = new TreeMap<>();
    p.forEach(
        (k, v) -> {
          if (k.startsWith("target.")) {
            String channel = k.substring("target.".length());
            if (!known.contains(channel)) {
              throw new ConfigException(
                  prefix
                      + k
                      + " names channel "
                      + channel
                      + ", which this center does not have "
                      + known);
            }
            targets.put(channel, v);
          }
        });
    Priority priority = null;
    if (p.containsKey("priority")) {
      try {
        priority = Priority.valueOf(p.get("priority"));
      } catch (IllegalArgumentException e) {
        throw Settings.error(prefix + "priority", p.get("priority"), "must be HIGH, NORMAL or LOW");
      }
    }
    String template = p.get("template");
    if (template != null && !Notification.TEMPLATE.matcher(template).matches()) {
      throw Settings.error(prefix + "template", template, "must be a template name");
    }
    Duration window =
        p.containsKey("dedupWindow")
            ? Settings.parseDuration(prefix + "dedupWindow", p.get("dedupWindow"))
            : Route.DEFAULT_DEDUP_WINDOW;
    QuietHours quiet = null;
    if (p.containsKey("quietHours")) {
      quiet =
          QuietHours.parse(
              prefix + "quietHours",
              p.get("quietHours"),
              prefix + "quietZone",
              p.getOrDefault("quietZone", "UTC"));
    } else if (p.containsKey("quietZone")) {
      throw Settings.error(
          prefix + "quietZone", p.get("quietZone"), "needs " + prefix + "quietHours");
    }
    return new Route(pattern, channels, template, priority, targets, window, quiet);
  }
}
