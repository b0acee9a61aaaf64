package org.msgcenter.api;

import java.io.Serializable;
import java.util.List;

/** One page of messages, newest first, with the cursor to the next page. */
public class MessagePage implements Serializable {
  private static final long serialVersionUID = 1L;

  private List<MessageView> items;
  private String nextCursor;

  public MessagePage() {}

  /** The messages of this page. */
  public List<MessageView> getItems() {
    return items;
  }

  public MessagePage setItems(List<MessageView> items) {
    this.items = items;
    return this;
  }

  /** Opaque cursor for the next page; null on the last page. */
  public String getNextCursor() {
    return nextCursor;
  }

  public MessagePage setNextCursor(String nextCursor) {
    this.nextCursor = nextCursor;
    return this;
  }

  @Override
  public String toString() {
    return "MessagePage{" + "nextCursor=" + nextCursor + "}";
  }
}
