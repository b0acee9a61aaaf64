package org.msgcenter.api;

/**
 * Read access to what the center recorded. Exported by the message center over Dubbo ({@code
 * dubbo}, port 20880) and Triple ({@code tri}, port 50051, also HTTP/JSON), registered in
 * ZooKeeper. Every call needs the access token as the {@code token} attachment (a {@code token}
 * header over HTTP/JSON).
 */
public interface MessageQueryService {

  /**
   * The message with its deliveries and each delivery's attempts.
   *
   * @throws MessageNotFoundException when no message has this id
   * @throws InvalidRequestException when {@code messageId} is not a UUID
   */
  MessageView getMessage(String messageId) throws MessageNotFoundException, InvalidRequestException;

  /**
   * Messages matching every given filter, newest first, a page at a time (keyset pagination).
   *
   * @throws InvalidRequestException naming the field: limit above 200, no time range without a
   *     selective key, a malformed time or cursor
   */
  MessagePage search(MessageQuery query) throws InvalidRequestException;

  /**
   * The user's in-app notifications, newest first; with {@code since}, those after it, oldest first
   * (for replay).
   *
   * @throws InvalidRequestException naming the field
   */
  MessagePage inbox(String userId, InboxQuery query) throws InvalidRequestException;

  /**
   * How many of the user's in-app notifications are not yet read.
   *
   * @throws InvalidRequestException when {@code userId} is blank
   */
  long unreadCount(String userId) throws InvalidRequestException;
}
