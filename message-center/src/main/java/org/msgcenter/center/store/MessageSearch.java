package org.msgcenter.center.store;

/**
 * The filters of one search page, as {@link QueryMapper#search} binds them: null means no filter.
 * Ids are bounds on {@code message_id}, whose UUIDv7 bytes order by time.
 */
public final class MessageSearch {
  public String userId;
  public String bizType;
  public String bizId;
  public String traceId;
  public String status;
  public String channel;

  /** Inclusive lower bound of {@code message_id}, or null. */
  public byte[] lower;

  /** Exclusive upper bound of {@code message_id}, or null. */
  public byte[] upper;

  /** Rows to read: the page size plus one, to tell whether another page follows. */
  public int limit;
}
