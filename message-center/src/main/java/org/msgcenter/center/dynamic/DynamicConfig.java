package org.msgcenter.center.dynamic;

import java.io.IOException;
import java.io.StringReader;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.msgcenter.center.channel.ChannelRegistry;
import org.msgcenter.center.config.CenterConfig;
import org.msgcenter.center.config.ConfigException;
import org.msgcenter.center.delivery.ChannelPolicy;
import org.msgcenter.center.render.Renderer;
import org.msgcenter.center.routing.Route;
import org.msgcenter.center.routing.RoutingRules;

/**
 * The part of the configuration that can change at run time, kept in ZooKeeper at {@value #PATH} as
 * a properties document: the routing rules ({@code route.*}, quiet hours included) and each
 * channel's retry policy and rate limit ({@code channel.<name>.retry.maxAttempts}, {@code
 * retry.initialBackoff}, {@code retry.maxBackoff}, {@code rateLimit.perSecond}). When the document
 * has {@code route.*} keys they replace the file's routing table as a whole; channel keys override
 * the file's, key by key. A document is validated completely before anything of it is applied.
 *
 * <p>{@code base} is the configuration with the channels' defaults merged in ({@link
 * ChannelRegistry#withDefaults}); policies are made for the enabled channels only.
 */
public final class DynamicConfig {
  public static final String PATH = "/msgcenter/config/center";
  public static final Set<String> CHANNEL_KEYS =
      Set.of(
          "retry.maxAttempts", "retry.initialBackoff", "retry.maxBackoff", "rateLimit.perSecond");

  /** A validated document, ready to apply. */
  public record Applied(RoutingRules rules, Map<String, ChannelPolicy> policies) {}

  private DynamicConfig() {}

  /**
   * @param document the properties text; empty or null means "the file's configuration"
   * @throws ConfigException naming the key and the rule
   */
  public static Applied validate(
      String document, CenterConfig base, Set<String> channels, Renderer renderer) {
    Properties p = new Properties();
    try {
      p.load(new StringReader(document == null ? "" : document));
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("the document is not a properties file: " + e.getMessage());
    }
    Map<String, String> routes = new TreeMap<>();
    Map<String, Map<String, String>> channelOverrides = new TreeMap<>();
    for (String key : p.stringPropertyNames()) {
      String value = p.getProperty(key).trim();
      if (key.startsWith("route.")) {
        routes.put(key.substring("route.".length()), value);
      } else if (key.startsWith("channel.")) {
        String rest = key.substring("channel.".length());
        int dot = rest.indexOf('.');
        String channel = dot > 0 ? rest.substring(0, dot) : rest;
        String setting = dot > 0 ? rest.substring(dot + 1) : "";
        if (!channels.contains(channel)) {
          throw new ConfigException(
              key + ": this center has no channel " + channel + " " + channels);
        }
        if (!CHANNEL_KEYS.contains(setting)) {
          throw new ConfigException(
              key + ": only " + CHANNEL_KEYS + " of a channel can change at run time");
        }
        channelOverrides.computeIfAbsent(channel, c -> new TreeMap<>()).put(setting, value);
      } else {
        throw new ConfigException(
            key
                + ": only route.* and channel.<name>.{"
                + String.join(",", CHANNEL_KEYS)
                + "} can change at run time");
      }
    }
    RoutingRules rules =
        RoutingRules.parse(routes.isEmpty() ? base.routeSettings() : routes, channels);
    for (Route r : rules.all()) {
      if (r.template() != null && !renderer.has(r.template())) {
        throw new ConfigException(
            "route."
                + r.pattern()
                + ".template names "
                + r.template()
                + ", which this center does not have");
      }
    }
    Map<String, ChannelPolicy> policies = new TreeMap<>();
    for (String channel : channels) {
      Map<String, String> merged =
          new TreeMap<>(base.channelSettings().getOrDefault(channel, Map.of()));
      if (!ChannelRegistry.enabled(channel, merged)) {
        continue;
      }
      merged.putAll(channelOverrides.getOrDefault(channel, Map.of()));
      policies.put(channel, ChannelPolicy.from(channel, merged));
    }
    return new Applied(rules, policies);
  }
}
