package org.msgcenter.api;

/** A service call with a bad argument; names the field and the rule it broke. */
public class InvalidRequestException extends MessageCenterException {
  private static final long serialVersionUID = 1L;

  private final String field;

  public InvalidRequestException(String field, String rule) {
    super(field + ": " + rule);
    this.field = field;
  }

  /** The argument or DTO field at fault, such as {@code limit}. */
  public String getField() {
    return field;
  }
}
