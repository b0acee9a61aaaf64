package org.msgcenter.access.module;

/** Does an operation's work; the request is already authenticated and validated. */
@FunctionalInterface
public interface OperationHandler {

  /**
   * @throws OperationException for a business rule the request breaks (mapped to its 4xx)
   */
  OperationResult handle(OperationRequest request);
}
