package org.msgcenter.center.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One message with fixed ids and times, written straight into the tables, whose view is {@code
 * query/golden-message.json}: an in-app delivery read by the user, and a webhook delivery to a URL
 * with a token in it that failed, was resent by command and then sent. The access server's HTTP API
 * is held to the same file (business-access's {@code AccessEndToEndIT}): one shape everywhere. That
 * is why it is public: this module's test jar carries it and the file to business-access.
 */
public final class GoldenMessage {
  public static final String MESSAGE_ID = "0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d";
  public static final String IN_APP_ID = "0193a3f0-5c31-7000-8000-000000000001";
  public static final String WEBHOOK_ID = "0193a3f0-5c31-7000-8000-000000000002";

  private GoldenMessage() {}

  /** The golden view, as JSON text. */
  public static String golden() throws IOException {
    try (InputStream in = GoldenMessage.class.getResourceAsStream("/query/golden-message.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Writes the golden message into the center's tables on {@code c}, replacing an earlier one. */
  public static void seed(Connection c) throws SQLException {
    c.setAutoCommit(true);
    try (Statement st = c.createStatement()) {
      st.execute(
          "DELETE FROM delivery_attempt WHERE delivery_id IN ("
              + hex(IN_APP_ID)
              + ","
              + hex(WEBHOOK_ID)
              + ")");
      st.execute("DELETE FROM delivery WHERE message_id = " + hex(MESSAGE_ID));
      st.execute("DELETE FROM message WHERE message_id = " + hex(MESSAGE_ID));
      st.execute(
          "INSERT INTO message (message_id, trace_id, biz_type, biz_id, user_id, priority, status,"
              + " title, content, data, ingest_token, source_topic, source_partition,"
              + " source_offset, created_at, updated_at) VALUES ("
              + hex(MESSAGE_ID)
              + ", 'trace-7f3a', 'payment.received', 'tx-20261122-0001', 'u-1001', 'NORMAL',"
              + " 'DELIVERED', 'Transfer received', 'You received 120.00 CNY from Alice.',"
              + " '{\"amount\":120.00,\"currency\":\"CNY\",\"payer\":\"Alice\"}', "
              + hex(MESSAGE_ID)
              + ", 'msgcenter.notifications', 3, 1042, '2026-11-22 08:00:00.120',"
              + " '2026-11-22 08:05:02.450')");
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO delivery (delivery_id, message_id, channel, address, address_hash,"
                + " status, priority, attempts, next_attempt_at, user_id, last_error, sent_at,"
                + " acked_at, read_at, resends, created_at, updated_at)"
                + " VALUES (UNHEX(?), UNHEX(?), ?, ?, UNHEX(MD5(?)), ?, 'NORMAL', ?, ?, 'u-1001',"
                + " ?, ?, ?, ?, ?, '2026-11-22 08:00:00.130', '2026-11-22 08:05:02.450')")) {
      delivery(
          ps,
          IN_APP_ID,
          "in-app",
          "u-1001",
          "READ",
          1,
          null,
          "2026-11-22 08:00:00.180",
          "2026-11-22 08:00:01.020",
          "2026-11-22 08:04:30.000",
          0);
      delivery(
          ps,
          WEBHOOK_ID,
          "webhook",
          "https://hooks.example.com/merchant/T0K3N-s3cr3t?sig=abc123",
          "SENT",
          1,
          "https://hooks.example.com/merchant/T0K3N-s3cr3t answered 410 Gone",
          "2026-11-22 08:05:02.440",
          null,
          null,
          1);
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO delivery_attempt (delivery_id, resend_round, attempt, started_at,"
                + " finished_at, outcome, manual, error, instance_id)"
                + " VALUES (UNHEX(?), ?, ?, ?, ?, ?, ?, ?, 'center-a')")) {
      attempt(ps, IN_APP_ID, 0, 1, "08:00:00.140", "08:00:00.180", "SENT", false, null);
      attempt(
          ps,
          WEBHOOK_ID,
          0,
          1,
          "08:00:00.140",
          "08:00:00.600",
          "PERMANENT_FAILURE",
          false,
          "https://hooks.example.com/merchant/T0K3N-s3cr3t answered 410 Gone");
      attempt(ps, WEBHOOK_ID, 1, 1, "08:05:02.100", "08:05:02.440", "SENT", true, null);
    }
  }

  private static void delivery(
      PreparedStatement ps,
      String id,
      String channel,
      String address,
      String status,
      int attempts,
      String lastError,
      String sentAt,
      String ackedAt,
      String readAt,
      int resends)
      throws SQLException {
    ps.setString(1, id.replace("-", ""));
    ps.setString(2, MESSAGE_ID.replace("-", ""));
    ps.setString(3, channel);
    ps.setString(4, address);
    ps.setString(5, address);
    ps.setString(6, status);
    ps.setInt(7, attempts);
    ps.setString(8, null);
    ps.setString(9, lastError);
    ps.setString(10, sentAt);
    ps.setString(11, ackedAt);
    ps.setString(12, readAt);
    ps.setInt(13, resends);
    ps.executeUpdate();
  }

  private static void attempt(
      PreparedStatement ps,
      String deliveryId,
      int round,
      int attempt,
      String started,
      String finished,
      String outcome,
      boolean manual,
      String error)
      throws SQLException {
    ps.setString(1, deliveryId.replace("-", ""));
    ps.setInt(2, round);
    ps.setInt(3, attempt);
    ps.setString(4, "2026-11-22 " + started);
    ps.setString(5, "2026-11-22 " + finished);
    ps.setString(6, outcome);
    ps.setBoolean(7, manual);
    ps.setString(8, error);
    ps.executeUpdate();
  }

  private static String hex(String uuid) {
    return "UNHEX('" + uuid.replace("-", "") + "')";
  }
}
