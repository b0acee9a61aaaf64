package org.msgcenter.center.channel;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.msgcenter.center.config.CenterConfig;
import org.msgcenter.center.config.ConfigException;
import org.msgcenter.center.config.Settings;

/** Finds the channel providers on the class path, refusing two with one name. */
public final class ChannelRegistry {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  private ChannelRegistry() {}

  /** Every provider listed in {@code META-INF/services}, by name. */
  public static Map<String, ChannelProvider> load(ClassLoader loader) {
    Map<String, ChannelProvider> providers = new TreeMap<>();
    for (ChannelProvider p : ServiceLoader.load(ChannelProvider.class, loader)) {
      String name = p.name();
      if (name == null || !NAME.matcher(name).matches()) {
        throw new ConfigException(
            "channel provider " + p.getClass().getName() + " has an invalid name: " + name);
      }
      ChannelProvider previous = providers.putIfAbsent(name, p);
      if (previous != null) {
        throw new ConfigException(
            "two channel providers are named "
                + name
                + ": "
                + previous.getClass().getName()
                + " and "
                + p.getClass().getName());
      }
    }
    return providers;
  }

  /**
   * The configuration with each provider's {@link ChannelProvider#defaults} under its channel's
   * settings: what the configuration sets wins, key by key. Everything that reads channel settings
   * (policies, the channel itself, the dynamic configuration) reads the result, so a channel's
   * defaults hold everywhere.
   */
  public static CenterConfig withDefaults(
      CenterConfig config, Map<String, ChannelProvider> providers) {
    Map<String, Map<String, String>> merged = new TreeMap<>();
    config.channelSettings().forEach((name, settings) -> merged.put(name, new TreeMap<>(settings)));
    providers.forEach(
        (name, provider) -> {
          Map<String, String> settings = merged.computeIfAbsent(name, n -> new TreeMap<>());
          provider.defaults().forEach(settings::putIfAbsent);
        });
    return config.withChannelSettings(merged);
  }

  /**
   * Whether {@code channel.<name>.enabled} turns the channel on; true when unset. A disabled
   * channel is not made; routes may still name it, and its deliveries are recorded SKIPPED.
   */
  public static boolean enabled(String channel, Map<String, String> settings) {
    String key = "channel." + channel + ".enabled";
    String value = settings.get("enabled");
    return new Settings(key, value == null ? Map.of() : Map.of(key, value.trim())).bool(key, true);
  }
}
