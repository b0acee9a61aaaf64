package org.msgcenter.api.outbox;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import org.msgcenter.api.Notification;
import org.msgcenter.api.NotificationCodec;

/**
 * Publishes a notification from inside the caller's own database transaction: {@link
 * #publish(Connection, Notification)} inserts the notification's wire-format JSON into an outbox
 * table on the caller's connection, so the notification exists exactly when the caller's business
 * change commits. A rolled-back transaction leaves nothing behind; a committed one is handed to
 * Kafka by an {@link OutboxRelay}, even if the process dies right after the commit.
 *
 * <p>Delivery semantics: at-least-once from the outbox to Kafka. The relay may publish a row again
 * after a crash (between the broker's acknowledgement and marking the row sent); the message center
 * records a {@code messageId} once, so the second copy is harmless.
 *
 * <p>The table is created by the caller's own migrations: {@link OutboxTable#ddl(String)} gives the
 * statement (MySQL 8 / MariaDB 10.6+). Thread-safe and stateless apart from its settings.
 */
public final class OutboxPublisher {
  /** The table name used unless another is given. */
  public static final String DEFAULT_TABLE = "msgcenter_outbox";

  private final String table;
  private final Clock clock;
  private final String insert;

  private OutboxPublisher(String table, Clock clock) {
    this.table = OutboxTable.checkName(table);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.insert =
        "INSERT INTO "
            + this.table
            + " (message_id, payload, created_at, next_attempt_at, attempts)"
            + " VALUES (?, ?, ?, ?, 0)";
  }

  /** A publisher writing to {@value #DEFAULT_TABLE} with the system UTC clock. */
  public static OutboxPublisher create() {
    return new OutboxPublisher(DEFAULT_TABLE, Clock.systemUTC());
  }

  /**
   * A publisher writing to {@code table}, stamping rows with {@code clock}.
   *
   * @throws IllegalArgumentException when {@code table} is not a plain SQL identifier
   */
  public static OutboxPublisher create(String table, Clock clock) {
    return new OutboxPublisher(table, clock);
  }

  public String table() {
    return table;
  }

  /**
   * Writes {@code notification} into the outbox on {@code transaction}. Nothing is published until
   * the caller commits; nothing is ever published if it rolls back.
   *
   * @param transaction a connection with auto-commit off, in the caller's transaction
   * @throws IllegalStateException when {@code transaction} is in auto-commit mode (the row would
   *     commit on its own, apart from the business change)
   * @throws OutboxException when the insert fails (the caller's transaction should roll back); a
   *     second publish of the same {@code messageId} fails on the table's unique key
   */
  public void publish(Connection transaction, Notification notification) {
    Objects.requireNonNull(transaction, "transaction");
    Objects.requireNonNull(notification, "notification");
    try {
      if (transaction.getAutoCommit()) {
        throw new IllegalStateException(
            "the outbox publishes inside the caller's transaction: turn auto-commit off first");
      }
      LocalDateTime now = LocalDateTime.ofInstant(Instant.now(clock), ZoneOffset.UTC);
      try (PreparedStatement ps = transaction.prepareStatement(insert)) {
        ps.setString(1, notification.messageId());
        ps.setString(2, new String(NotificationCodec.encode(notification), StandardCharsets.UTF_8));
        ps.setObject(3, now);
        ps.setObject(4, now);
        ps.executeUpdate();
      }
    } catch (SQLException e) {
      throw new OutboxException(
          "cannot write message " + notification.messageId() + " into " + table, e);
    }
  }
}
