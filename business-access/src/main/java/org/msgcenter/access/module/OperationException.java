package org.msgcenter.access.module;

/**
 * A request that breaks a business rule: the server answers {@link #status()} with an error body
 * naming {@link #field()} and {@link #rule()}, and the module's transaction rolls back (nothing is
 * published).
 */
public class OperationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String field;
  private final String rule;

  public OperationException(int status, String field, String rule) {
    super(field + " " + rule);
    if (status < 400 || status > 499) {
      throw new IllegalArgumentException("status must be 4xx (was " + status + ")");
    }
    this.status = status;
    this.field = field;
    this.rule = rule;
  }

  /** 422: the request is well-formed but the rule forbids it (insufficient funds, say). */
  public static OperationException rejected(String field, String rule) {
    return new OperationException(422, field, rule);
  }

  /** 404: what the field names does not exist for this user. */
  public static OperationException notFound(String field, String rule) {
    return new OperationException(404, field, rule);
  }

  /** 409: the object is not in a state that allows this (already shipped, say). */
  public static OperationException conflict(String field, String rule) {
    return new OperationException(409, field, rule);
  }

  public int status() {
    return status;
  }

  public String field() {
    return field;
  }

  public String rule() {
    return rule;
  }
}
