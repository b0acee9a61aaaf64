package org.msgcenter.access.example.account;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.msgcenter.access.module.BusinessModule;
import org.msgcenter.access.module.Field;
import org.msgcenter.access.module.ModuleContext;
import org.msgcenter.access.module.Operation;
import org.msgcenter.access.module.OperationException;
import org.msgcenter.access.module.OperationRequest;
import org.msgcenter.access.module.OperationResult;
import org.msgcenter.access.module.SignIn;
import org.msgcenter.access.module.UserInfo;
import org.msgcenter.api.Notification;
import org.msgcenter.api.Priority;
import org.msgcenter.api.Recipient;

/**
 * Account security: a login alert (HIGH priority) when a user signs in from an address and device
 * not seen before, with both in it; and a password change, notified the same way.
 */
public final class AccountModule implements BusinessModule {
  /** Shortest new password. */
  static final int MIN_PASSWORD_CHARS = 10;

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  private ModuleContext context;

  @Override
  public String name() {
    return "account";
  }

  @Override
  public List<Operation> start(ModuleContext context) {
    this.context = context;
    return List.of(
        Operation.command(
            "change-password",
            "Change the signed-in user's password; the user is notified",
            List.of(
                Field.text("currentPassword", 128, "the password now").required(),
                Field.text("newPassword", 128, "at least " + MIN_PASSWORD_CHARS + " characters")
                    .required()),
            this::changePassword));
  }

  @Override
  public void signedIn(SignIn signIn, Connection tx) throws SQLException {
    String device = Devices.describe(signIn.userAgent());
    String ip = signIn.clientIp();
    boolean known;
    try (PreparedStatement ps =
        tx.prepareStatement(
            "SELECT 1 FROM account_login WHERE user_id = ? AND client_ip = ? AND device = ? LIMIT 1")) {
      ps.setString(1, signIn.user().userId());
      ps.setString(2, ip);
      ps.setString(3, device);
      try (ResultSet rs = ps.executeQuery()) {
        known = rs.next();
      }
    }
    try (PreparedStatement ps =
        tx.prepareStatement(
            "INSERT INTO account_login (user_id, client_ip, device, alerted, signed_in_at)"
                + " VALUES (?, ?, ?, ?, ?)")) {
      ps.setString(1, signIn.user().userId());
      ps.setString(2, ip);
      ps.setString(3, device);
      ps.setBoolean(4, !known);
      ps.setObject(5, LocalDateTime.ofInstant(signIn.at(), ZoneOffset.UTC));
      ps.executeUpdate();
    }
    if (!known) {
      context
          .outbox()
          .publish(
              tx,
              security(signIn.user(), "account.login-alert", signIn.traceId())
                  .title("New sign-in to your account")
                  .content(
                      "New sign-in from "
                          + ip
                          + " on "
                          + device
                          + " at "
                          + TIME.format(signIn.at())
                          + " UTC. If this was not you, change your password now.")
                  .data(Map.of("ip", ip, "device", device, "at", signIn.at().toString()))
                  .build());
    }
  }

  private OperationResult changePassword(OperationRequest request) {
    String current = request.text("currentPassword");
    String next = request.text("newPassword");
    if (next.length() < MIN_PASSWORD_CHARS) {
      throw new OperationException(
          400, "newPassword", "must be at least " + MIN_PASSWORD_CHARS + " characters");
    }
    if (next.equals(current)) {
      throw new OperationException(400, "newPassword", "must differ from currentPassword");
    }
    UserInfo user =
        context
            .users()
            .find(request.userId())
            .orElseThrow(() -> OperationException.notFound("(user)", "no longer exists"));
    Instant at = context.clock().instant();
    String device = Devices.describe(request.userAgent());
    context.inTransaction(
        tx -> {
          if (!context.users().changePassword(tx, user.userId(), current, next)) {
            throw OperationException.rejected(
                "currentPassword", "does not match the password of this account");
          }
          context
              .outbox()
              .publish(
                  tx,
                  security(user, "account.password-changed", request.traceId())
                      .title("Your password was changed")
                      .content(
                          "Your password was changed at "
                              + TIME.format(at)
                              + " UTC from "
                              + request.clientIp()
                              + " on "
                              + device
                              + ". If this was not you, contact support at once.")
                      .data(Map.of("ip", request.clientIp(), "device", device))
                      .build());
          return null;
        });
    return OperationResult.ok(Map.of("userId", user.userId(), "passwordChanged", true));
  }

  /** A HIGH-priority security notification to the user (in-app, and email when routed). */
  private static Notification.Builder security(UserInfo user, String bizType, String traceId) {
    return Notification.builder()
        .bizType(bizType)
        .traceId(traceId)
        .source("business-access/account")
        .bizId(user.userId())
        .priority(Priority.HIGH)
        .recipient(Recipient.builder().userId(user.userId()).email(user.email()).build());
  }
}
