package org.msgcenter.center.channel;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.msgcenter.center.config.ConfigException;

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
}
