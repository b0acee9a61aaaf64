package org.msgcenter.api;

/**
 * Read access to what the center recorded. Exported by the message center over Dubbo ({@code
 * dubbo}, port 20880) and Triple ({@code tri}, port 50051, also HTTP/JSON), registered in
 * ZooKeeper. Every call needs the access token as the {@code token} attachment (a {@code token}
 * header over HTTP/JSON); without it, or with a wrong one, a call fails with {@link
 * AccessDeniedException}.
 *
 * <p>Ids are UUIDs in text form. Times are ISO-8601 UTC strings. Pages are newest first and keyed
 * by the messageId, whose UUIDv7 timestamp is when the publisher created the notification: {@code
 * from}/{@code to} select on that time. {@code docs/query-api.md} has examples in Java and curl.
 */
public interface MessageQueryService {

  /**
   * The message with its deliveries and each delivery's attempts.
   *
   * @throws MessageNotFoundException when no message has this id
   * @throws InvalidRequestException when {@code messageId} is not a UUID
   */
  MessageView getMessage(String messageId)
      throws MessageNotFoundException, InvalidRequestException, AccessDeniedException;

  /**
   * Messages matching every given filter, newest first, a page at a time (keyset pagination).
   *
   * @throws InvalidRequestException naming the field: limit above 200, no time range without a
   *     selective key, a malformed time or cursor
   */
  MessagePage search(MessageQuery query) throws InvalidRequestException, AccessDeniedException;

  /**
   * The user's in-app notifications that reached the inbox (SENT, ACKED or READ), newest first;
   * with {@code since}, those after it, oldest first (for replay).
   *
   * @throws InvalidRequestException naming the field
   */
  MessagePage inbox(String userId, InboxQuery query)
      throws InvalidRequestException, AccessDeniedException;

  /**
   * How many of the user's in-app notifications are in the inbox and not yet read (SENT or ACKED).
   *
   * @throws InvalidRequestException when {@code userId} is blank
   */
  long unreadCount(String userId) throws InvalidRequestException, AccessDeniedException;
}
