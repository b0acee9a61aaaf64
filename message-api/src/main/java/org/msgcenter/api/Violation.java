package org.msgcenter.api;

import java.io.Serializable;
import java.util.Objects;

/**
 * One broken rule of an input: the field's path as it is written on the wire (for example {@code
 * recipient.email}) and the rule it broke, in words.
 */
public final class Violation implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String rule;

  public Violation(String field, String rule) {
    this.field = Objects.requireNonNull(field, "field");
    this.rule = Objects.requireNonNull(rule, "rule");
  }

  /** The field's path, as written in the JSON wire format. */
  public String field() {
    return field;
  }

  /** The rule the field broke, in words. */
  public String rule() {
    return rule;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Violation v && v.field.equals(field) && v.rule.equals(rule);
  }

  @Override
  public int hashCode() {
    return Objects.hash(field, rule);
  }

  @Override
  public String toString() {
    return field + ": " + rule;
  }
}
