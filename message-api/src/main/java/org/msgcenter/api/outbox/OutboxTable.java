package org.msgcenter.api.outbox;

import java.util.regex.Pattern;

/** The outbox table's definition, for the caller's own migrations. */
public final class OutboxTable {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

  private OutboxTable() {}

  /**
   * The {@code CREATE TABLE} statement of an outbox named {@code table}, for MySQL 8 and MariaDB
   * 10.6+ (both have {@code SKIP LOCKED}, which lets several relays share one table):
   *
   * <ul>
   *   <li>{@code payload}: the notification in the wire format, as JSON text;
   *   <li>{@code next_attempt_at}: when a relay may take the row next (a claimed row's lease, or
   *       the retry time after a failed publish);
   *   <li>{@code sent_at}: when the broker acknowledged it; null until then. Sent rows are deleted
   *       by the relay after its retention.
   * </ul>
   */
  public static String ddl(String table) {
    String t = checkName(table);
    return "CREATE TABLE "
        + t
        + " (\n"
        + "  id              BIGINT       NOT NULL AUTO_INCREMENT,\n"
        + "  message_id      CHAR(36)     CHARACTER SET ascii NOT NULL,\n"
        + "  payload         MEDIUMTEXT   CHARACTER SET utf8mb4 NOT NULL,\n"
        + "  created_at      DATETIME(3)  NOT NULL,\n"
        + "  next_attempt_at DATETIME(3)  NOT NULL,\n"
        + "  attempts        INT          NOT NULL DEFAULT 0,\n"
        + "  last_error      VARCHAR(1000) NULL,\n"
        + "  sent_at         DATETIME(3)  NULL,\n"
        + "  PRIMARY KEY (id),\n"
        + "  UNIQUE KEY uk_"
        + t
        + "_message (message_id),\n"
        + "  KEY ix_"
        + t
        + "_due (sent_at, next_attempt_at)\n"
        + ")";
  }

  static String checkName(String table) {
    if (table == null || !IDENTIFIER.matcher(table).matches()) {
      throw new IllegalArgumentException(
          "table must be a plain SQL identifier of letters, digits and underscores (was "
              + table
              + ")");
    }
    return table;
  }
}
