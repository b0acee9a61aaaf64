package org.msgcenter.access.module;

/**
 * What an operation answers: an HTTP status (2xx) and a body that the server writes as JSON.
 *
 * @param status 200 or 201 (or another 2xx)
 * @param body a record, map or list that Jackson can write
 */
public record OperationResult(int status, Object body) {
  public OperationResult {
    if (status < 200 || status > 299) {
      throw new IllegalArgumentException(
          "status must be 2xx; failures are OperationExceptions (was " + status + ")");
    }
  }

  public static OperationResult ok(Object body) {
    return new OperationResult(200, body);
  }

  public static OperationResult created(Object body) {
    return new OperationResult(201, body);
  }
}
