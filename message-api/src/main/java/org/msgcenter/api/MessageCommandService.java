package org.msgcenter.api;

import java.util.List;

/**
 * Commands on recorded messages, exported beside {@link MessageQueryService} with the same access
 * control. Each command is one transaction that changes only deliveries in the from-states of
 * {@code docs/states.md}; deliveries in any other state are left alone.
 */
public interface MessageCommandService {

  /**
   * Marks the user's in-app deliveries of these messages READ (one-way).
   *
   * @return how many deliveries changed
   * @throws InvalidRequestException naming the field
   */
  int markRead(String userId, List<String> messageIds)
      throws InvalidRequestException, AccessDeniedException;

  /**
   * Sends DEAD and RETRYING deliveries again: back to PENDING and due now, attempts reset, the next
   * attempt recorded as manual. The retry poller sends them within {@code poller.interval}.
   * Deliveries in other states, and one the poller is claiming at that instant, are listed in
   * {@link ResendResult#getSkipped()} with the reason.
   *
   * @throws MessageNotFoundException when no message has this id
   */
  ResendResult resend(String messageId)
      throws MessageNotFoundException, InvalidRequestException, AccessDeniedException;

  /**
   * Cancels the deliveries not yet sent (SCHEDULED, PENDING, RETRYING).
   *
   * @return whether any delivery was cancelled
   * @throws MessageNotFoundException when no message has this id
   */
  boolean cancel(String messageId)
      throws MessageNotFoundException, InvalidRequestException, AccessDeniedException;
}
