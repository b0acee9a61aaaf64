package org.msgcenter.center.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.msgcenter.api.Notification;
import org.msgcenter.api.Priority;
import org.msgcenter.center.channel.ChannelProvider;

/**
 * Decides a notification's deliveries: the route for its bizType (or its own {@code channels}),
 * then each channel's addresses for its recipient. Stateless and thread-safe.
 */
public final class Router {

  /** One delivery to create; {@code skipReason} is set when the recipient has no address. */
  public record PlannedDelivery(String channel, String address, String skipReason) {
    public boolean skipped() {
      return skipReason != null;
    }
  }

  /** The outcome of routing one notification. */
  public record Routing(
      Priority priority,
      String template,
      java.time.Duration dedupWindow,
      QuietHours quietHours,
      List<PlannedDelivery> deliveries) {}

  /** A notification that cannot be routed; it goes to the dead-letter topic. */
  public static final class RouteException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why. */
    public enum Kind {
      NO_ROUTE,
      UNKNOWN_CHANNEL
    }

    private final Kind kind;

    RouteException(Kind kind, String message) {
      super(message);
      this.kind = kind;
    }

    public Kind kind() {
      return kind;
    }
  }

  private volatile RoutingRules rules;
  private final Map<String, ChannelProvider> providers;
  private final Set<String> disabled;

  public Router(RoutingRules rules, Map<String, ChannelProvider> providers) {
    this(rules, providers, Set.of());
  }

  /**
   * @param disabled channels the center has but does not run ({@code
   *     channel.<name>.enabled=false}): routes and notifications may name them, and their
   *     deliveries are planned skipped
   */
  public Router(RoutingRules rules, Map<String, ChannelProvider> providers, Set<String> disabled) {
    this.rules = rules;
    this.providers = Map.copyOf(providers);
    this.disabled = Set.copyOf(disabled);
  }

  /** Replaces the rules (dynamic configuration); routings in progress keep the old ones. */
  public void update(RoutingRules rules) {
    this.rules = rules;
  }

  public Routing route(Notification n) throws RouteException {
    RoutingRules rules = this.rules;
    Optional<Route> route = rules.match(n.bizType());
    List<String> channels;
    if (!n.channels().isEmpty()) {
      channels = n.channels();
      for (String c : channels) {
        if (!providers.containsKey(c)) {
          throw new RouteException(
              RouteException.Kind.UNKNOWN_CHANNEL,
              "channels: this center has no channel "
                  + c
                  + " (it has "
                  + new TreeSet<>(providers.keySet())
                  + ")");
        }
      }
    } else if (route.isPresent()) {
      channels = route.get().channels();
    } else {
      throw new RouteException(
          RouteException.Kind.NO_ROUTE,
          "bizType: no route matches "
              + n.bizType()
              + ", there is no default route, and the notification names no channels");
    }
    List<PlannedDelivery> deliveries = new ArrayList<>();
    for (String channel : channels) {
      if (disabled.contains(channel)) {
        deliveries.add(
            new PlannedDelivery(
                channel,
                "",
                "channel " + channel + " is disabled (channel." + channel + ".enabled=false)"));
        continue;
      }
      String target = route.flatMap(r -> r.target(channel)).orElse(null);
      List<String> addresses = providers.get(channel).addresses(n.recipient(), target);
      if (addresses.isEmpty()) {
        deliveries.add(new PlannedDelivery(channel, "", "no address for channel " + channel));
      } else {
        for (String address : addresses) {
          deliveries.add(new PlannedDelivery(channel, address, null));
        }
      }
    }
    Priority priority = n.priority();
    if (priority == Priority.NORMAL && route.map(Route::priority).isPresent()) {
      priority = route.get().priority();
    }
    String template = n.template().or(() -> route.map(Route::template)).orElse(null);
    return new Routing(
        priority,
        template,
        route.map(Route::dedupWindow).orElse(Route.DEFAULT_DEDUP_WINDOW),
        route.map(Route::quietHours).orElse(null),
        deliveries);
  }
}
