package org.msgcenter.api.publish;

import org.msgcenter.api.Notification;
import org.msgcenter.api.Priority;

/** Where a notification goes and under which key; shared by every publisher. */
final class RecordShape {
  /** Header carrying the wire-format version, so consumers can route before parsing. */
  static final String SCHEMA_HEADER = "schema";

  /** Header carrying the caller's trace id, when it has one. */
  static final String TRACE_ID_HEADER = "traceId";

  private RecordShape() {}

  static String topic(PublisherConfig config, Notification n) {
    return n.priority() == Priority.HIGH ? config.highTopic() : config.topic();
  }

  /** The recipient's userId keeps one user's notifications in order; else bizId, else messageId. */
  static String key(Notification n) {
    return n.recipient().userId().or(n::bizId).orElse(n.messageId());
  }
}
