package org.msgcenter.center.store;

import java.util.List;

/** One page of a user's inbox, as {@link QueryMapper#inbox} binds it. */
public final class InboxSearch {
  public String userId;
  public String channel;
  public List<String> statuses;

  /** Exclusive lower bound of {@code message_id}, or null. */
  public byte[] after;

  /** Exclusive upper bound of {@code message_id}, or null. */
  public byte[] before;

  /** Oldest first (replay after {@code since}) instead of newest first. */
  public boolean ascending;

  /** Rows to read: the page size plus one. */
  public int limit;
}
