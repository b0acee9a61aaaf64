package org.msgcenter.api.publish;

import java.util.Objects;

/** Where the broker stored an acknowledged notification. */
public final class PublishResult {
  private final String messageId;
  private final String topic;
  private final int partition;
  private final long offset;

  public PublishResult(String messageId, String topic, int partition, long offset) {
    this.messageId = Objects.requireNonNull(messageId, "messageId");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.partition = partition;
    this.offset = offset;
  }

  public String messageId() {
    return messageId;
  }

  public String topic() {
    return topic;
  }

  public int partition() {
    return partition;
  }

  public long offset() {
    return offset;
  }

  @Override
  public String toString() {
    return messageId + " @ " + topic + "-" + partition + "@" + offset;
  }
}
