package org.msgcenter.api;

import java.io.Serializable;

/** Filters for {@link MessageQueryService#inbox(String, InboxQuery)}. */
public class InboxQuery implements Serializable {
  private static final long serialVersionUID = 1L;

  private boolean unreadOnly;
  private boolean unackedOnly;
  private String since;
  private String cursor;
  private Integer limit;

  public InboxQuery() {}

  /** Only in-app notifications not yet read (SENT or ACKED). */
  public boolean isUnreadOnly() {
    return unreadOnly;
  }

  public InboxQuery setUnreadOnly(boolean unreadOnly) {
    this.unreadOnly = unreadOnly;
    return this;
  }

  /** Only in-app notifications no client has acked (SENT). */
  public boolean isUnackedOnly() {
    return unackedOnly;
  }

  public InboxQuery setUnackedOnly(boolean unackedOnly) {
    this.unackedOnly = unackedOnly;
    return this;
  }

  /**
   * Only notifications after this messageId (the last one a client saw), and then oldest first, for
   * replay.
   */
  public String getSince() {
    return since;
  }

  public InboxQuery setSince(String since) {
    this.since = since;
    return this;
  }

  /** The {@code nextCursor} of the previous page; null for the first page. */
  public String getCursor() {
    return cursor;
  }

  public InboxQuery setCursor(String cursor) {
    this.cursor = cursor;
    return this;
  }

  /** Page size, 1 to 200; default 50. */
  public Integer getLimit() {
    return limit;
  }

  public InboxQuery setLimit(Integer limit) {
    this.limit = limit;
    return this;
  }

  @Override
  public String toString() {
    return "InboxQuery{"
        + "unreadOnly="
        + unreadOnly
        + ", "
        + "unackedOnly="
        + unackedOnly
        + ", "
        + "since="
        + since
        + ", "
        + "cursor="
        + cursor
        + ", "
        + "limit="
        + limit
        + "}";
  }
}
