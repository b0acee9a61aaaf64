package org.msgcenter.notifier.socket.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.msgcenter.api.Uuid7;

/**
 * A client's {@code read} event, {@code {messageIds: [...]}}, checked: the valid ids are kept (in
 * order, once each), each invalid one is named in {@link #errors}, so one bad id loses nothing
 * else.
 */
public record ReadRequest(List<String> messageIds, List<String> errors) {
  /** Most ids in one {@code read}. */
  public static final int MAX_IDS = 500;

  public static ReadRequest parse(Object payload) {
    List<String> errors = new ArrayList<>();
    if (!(payload instanceof Map<?, ?> map)) {
      errors.add("read: payload must be an object {messageIds: [...]}");
      return new ReadRequest(List.of(), errors);
    }
    Object ids = map.get("messageIds");
    if (!(ids instanceof List<?> list)) {
      errors.add("messageIds: required array of messageIds");
      return new ReadRequest(List.of(), errors);
    }
    if (list.size() > MAX_IDS) {
      errors.add("messageIds: at most " + MAX_IDS + " per read (was " + list.size() + ")");
      return new ReadRequest(List.of(), errors);
    }
    Set<String> valid = new LinkedHashSet<>();
    for (int i = 0; i < list.size(); i++) {
      Object id = list.get(i);
      if (id instanceof String s && Uuid7.isCanonical(s)) {
        valid.add(s);
      } else {
        errors.add(
            "messageIds[" + i + "]: must be a messageId (canonical UUIDv7), was " + shown(id));
      }
    }
    return new ReadRequest(List.copyOf(valid), errors);
  }

  private static String shown(Object v) {
    String s = String.valueOf(v);
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }
}
