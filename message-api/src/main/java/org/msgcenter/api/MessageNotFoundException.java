package org.msgcenter.api;

/** No message has this id. Distinct from a failure: the id is simply unknown. */
public class MessageNotFoundException extends MessageCenterException {
  private static final long serialVersionUID = 1L;

  private final String messageId;

  public MessageNotFoundException(String messageId) {
    super("message not found: " + messageId);
    this.messageId = messageId;
  }

  public String getMessageId() {
    return messageId;
  }
}
