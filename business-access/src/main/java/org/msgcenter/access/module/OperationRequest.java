package org.msgcenter.access.module;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;

/**
 * An authenticated, validated request to an operation.
 *
 * @param userId the signed-in user (the token's subject)
 * @param fields the declared fields that were given, typed: {@link String}, {@link BigDecimal},
 *     {@link Long}
 * @param clientIp the client's address
 * @param userAgent the {@code User-Agent} header, or empty
 * @param traceId the request's trace id, to pass on to notifications
 */
public record OperationRequest(
    String userId, Map<String, Object> fields, String clientIp, String userAgent, String traceId) {

  public OperationRequest {
    fields = Map.copyOf(fields);
  }

  /** A required text field (validation guarantees presence). */
  public String text(String name) {
    return (String) require(name);
  }

  public Optional<String> optionalText(String name) {
    return Optional.ofNullable((String) fields.get(name));
  }

  public BigDecimal decimal(String name) {
    return (BigDecimal) require(name);
  }

  public long integer(String name) {
    return (Long) require(name);
  }

  private Object require(String name) {
    Object v = fields.get(name);
    if (v == null) {
      throw new IllegalStateException(name + " is not a required field of this operation");
    }
    return v;
  }
}
