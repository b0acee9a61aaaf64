package org.msgcenter.api;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A notification, or a record claiming to be one, that breaks the contract. Never retryable: the
 * same input fails the same way. {@link #reason()} classifies the problem (the message center uses
 * it as the dead-letter reason) and {@link #violations()} names every broken field.
 */
public class InvalidNotificationException extends MessageCenterException {
  private static final long serialVersionUID = 1L;

  /** What kind of problem made the input unacceptable. */
  public enum Reason {
    /** Not JSON, or JSON that is not an object. */
    MALFORMED,
    /** A {@code schema} this reader does not know. */
    UNSUPPORTED_SCHEMA,
    /** JSON with fields that break the rules; see {@link #violations()}. */
    INVALID_FIELDS,
    /** Larger than a record may be. */
    TOO_LARGE
  }

  private final Reason reason;
  private final List<Violation> violations;

  public InvalidNotificationException(Reason reason, List<Violation> violations) {
    super(describe(violations));
    this.reason = reason;
    this.violations = List.copyOf(violations);
  }

  public InvalidNotificationException(Reason reason, String field, String rule) {
    this(reason, List.of(new Violation(field, rule)));
  }

  public Reason reason() {
    return reason;
  }

  /** Every broken rule, in field order; never empty. */
  public List<Violation> violations() {
    return violations;
  }

  private static String describe(List<Violation> violations) {
    return "invalid notification: "
        + violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
  }
}
