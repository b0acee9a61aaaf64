package org.msgcenter.notifier.socket;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connections of this notifier, by connection and by user: a user's "room" is the set of its
 * own connections, filled only by the server after the token named the user. Nothing a client sends
 * adds it to another user's.
 */
public final class Sessions {
  private final Map<UUID, Session> byId = new ConcurrentHashMap<>();
  private final Map<String, Set<Session>> byUser = new ConcurrentHashMap<>();

  void add(Session s) {
    byId.put(s.id(), s);
    byUser.compute(
        s.userId(),
        (user, set) -> {
          Set<Session> out = set == null ? ConcurrentHashMap.newKeySet() : set;
          out.add(s);
          return out;
        });
  }

  /** Removes a connection; returns it, or null when it was not there (a refused one). */
  Session remove(UUID id) {
    Session s = byId.remove(id);
    if (s != null) {
      byUser.computeIfPresent(
          s.userId(),
          (user, set) -> {
            set.remove(s);
            return set.isEmpty() ? null : set;
          });
      s.close();
    }
    return s;
  }

  Session get(UUID id) {
    return byId.get(id);
  }

  /** The user's connections to this notifier (every tab and device). */
  Collection<Session> of(String userId) {
    Set<Session> set = byUser.get(userId);
    return set == null ? List.of() : set;
  }

  Collection<Session> all() {
    return byId.values();
  }

  public int connected() {
    return byId.size();
  }

  public int users() {
    return byUser.size();
  }
}
