package org.msgcenter.access.http;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An HTTP error with a JSON body: {@code {status, error, message, violations: [{field, rule}]}}.
 * Every 4xx names the field and the rule it broke ({@code (body)} when it is the body as a whole, a
 * header's name when it is a header).
 */
public class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;
  private final transient List<Map.Entry<String, String>> violations;
  private final transient Map<String, String> headers;

  public ApiException(
      int status,
      String error,
      List<Map.Entry<String, String>> violations,
      Map<String, String> headers) {
    super(describe(violations));
    this.status = status;
    this.error = error;
    this.violations = List.copyOf(violations);
    this.headers = Map.copyOf(headers);
  }

  private static String describe(List<Map.Entry<String, String>> violations) {
    return violations.stream()
        .map(v -> v.getKey() + " " + v.getValue())
        .collect(Collectors.joining("; "));
  }

  public static ApiException badRequest(List<Map.Entry<String, String>> violations) {
    return new ApiException(400, "invalid_request", violations, Map.of());
  }

  public static ApiException badRequest(String field, String rule) {
    return badRequest(List.of(Map.entry(field, rule)));
  }

  /** 401 with {@code WWW-Authenticate}: no credentials, or wrong ones. */
  public static ApiException unauthorized(String field, String rule, String scheme) {
    return new ApiException(
        401, "unauthorized", List.of(Map.entry(field, rule)), Map.of("WWW-Authenticate", scheme));
  }

  public static ApiException forbidden(String field, String rule) {
    return new ApiException(403, "forbidden", List.of(Map.entry(field, rule)), Map.of());
  }

  public static ApiException notFound(String field, String rule) {
    return new ApiException(404, "not_found", List.of(Map.entry(field, rule)), Map.of());
  }

  public static ApiException tooLarge(int maxBytes) {
    return new ApiException(
        413,
        "too_large",
        List.of(Map.entry("(body)", "must be at most " + maxBytes + " bytes")),
        Map.of());
  }

  public static ApiException tooManyRequests(String field, String rule, long retryAfterSeconds) {
    return new ApiException(
        429,
        "rate_limited",
        List.of(Map.entry(field, rule)),
        Map.of("Retry-After", Long.toString(retryAfterSeconds)));
  }

  public static ApiException unavailable(String what) {
    return new ApiException(
        503, "unavailable", List.of(Map.entry("(server)", what)), Map.of("Retry-After", "5"));
  }

  public int status() {
    return status;
  }

  public String error() {
    return error;
  }

  public List<Map.Entry<String, String>> violations() {
    return violations;
  }

  public Map<String, String> headers() {
    return headers;
  }
}
