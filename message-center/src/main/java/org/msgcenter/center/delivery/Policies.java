package org.msgcenter.center.delivery;

import java.util.Map;
import java.util.Set;

/**
 * The channels' current policies. Retry policies and rate limits can change at run time (dynamic
 * configuration in ZooKeeper); readers always see one whole, consistent set.
 */
public final class Policies {
  private volatile Map<String, ChannelPolicy> current;

  public Policies(Map<String, ChannelPolicy> initial) {
    this.current = Map.copyOf(initial);
  }

  public ChannelPolicy get(String channel) {
    return current.get(channel);
  }

  public boolean has(String channel) {
    return current.containsKey(channel);
  }

  public Set<String> channels() {
    return current.keySet();
  }

  public Map<String, ChannelPolicy> all() {
    return current;
  }

  /** Replaces every policy at once. */
  public void update(Map<String, ChannelPolicy> policies) {
    this.current = Map.copyOf(policies);
  }
}
