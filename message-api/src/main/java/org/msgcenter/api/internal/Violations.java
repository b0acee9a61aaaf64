package org.msgcenter.api.internal;

import java.util.ArrayList;
import java.util.List;
import org.msgcenter.api.InvalidNotificationException;
import org.msgcenter.api.Violation;

/** Collects broken rules so that one error can name all of them. */
public final class Violations {
  private final List<Violation> list = new ArrayList<>();

  public void add(String field, String rule) {
    list.add(new Violation(field, rule));
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }

  public List<Violation> list() {
    return list;
  }

  /** Throws if any rule was broken. */
  public void throwIfAny(InvalidNotificationException.Reason reason) {
    if (!list.isEmpty()) {
      throw new InvalidNotificationException(reason, list);
    }
  }
}
