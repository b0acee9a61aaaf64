package org.msgcenter.api;

import java.util.List;

/**
 * Commands on recorded messages, exported beside {@link MessageQueryService} with the same access
 * control.
 */
public interface MessageCommandService {

  /**
   * Marks the user's in-app deliveries of these messages READ (one-way).
   *
   * @return how many deliveries changed
   * @throws InvalidRequestException naming the field
   */
  int markRead(String userId, List<String> messageIds) throws InvalidRequestException;

  /**
   * Sends DEAD and RETRYING deliveries again: back to PENDING, attempts reset, the next attempt
   * recorded as manual.
   *
   * @throws MessageNotFoundException when no message has this id
   */
  ResendResult resend(String messageId) throws MessageNotFoundException, InvalidRequestException;

  /**
   * Cancels the deliveries not yet sent (SCHEDULED, PENDING, RETRYING).
   *
   * @return whether any delivery was cancelled
   * @throws MessageNotFoundException when no message has this id
   */
  boolean cancel(String messageId) throws MessageNotFoundException, InvalidRequestException;
}
