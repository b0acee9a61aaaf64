package com.example.loyalty;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.msgcenter.access.module.BusinessModule;
import org.msgcenter.access.module.Field;
import org.msgcenter.access.module.ModuleContext;
import org.msgcenter.access.module.Operation;
import org.msgcenter.access.module.OperationException;
import org.msgcenter.access.module.OperationRequest;
import org.msgcenter.access.module.OperationResult;
import org.msgcenter.access.module.UserInfo;
import org.msgcenter.api.Notification;
import org.msgcenter.api.Recipient;
import org.msgcenter.api.Uuid7;

/**
 * The worked example of docs/business-access.md, compiled and run by ModuleSpiIT as a module from
 * outside the access server's own code (plus a demo seed, so the test has points to spend).
 */
public final class LoyaltyModule implements BusinessModule {
  private ModuleContext context;

  @Override
  public String name() {
    return "loyalty"; // POST /api/loyalty/redeem, db/modules/loyalty/
  }

  @Override
  public List<Operation> start(ModuleContext context) {
    this.context = context;
    return List.of(
        Operation.command(
            "redeem",
            "Redeem points for a voucher",
            List.of(Field.integer("points", "how many").required().range("100", "10000")),
            this::redeem));
  }

  @Override
  public void seedDemo(List<UserInfo> users, Connection tx) throws SQLException {
    for (UserInfo u : users) {
      try (PreparedStatement ps =
          tx.prepareStatement(
              "INSERT IGNORE INTO loyalty_points (user_id, points) VALUES (?, 500)")) {
        ps.setString(1, u.userId());
        ps.executeUpdate();
      }
    }
  }

  private OperationResult redeem(OperationRequest request) {
    long points = request.integer("points");
    String voucher =
        context.inTransaction(
            tx -> {
              try (PreparedStatement ps =
                  tx.prepareStatement(
                      "UPDATE loyalty_points SET points = points - ? WHERE user_id = ? AND points >= ?")) {
                ps.setLong(1, points);
                ps.setString(2, request.userId());
                ps.setLong(3, points);
                if (ps.executeUpdate() != 1) {
                  throw OperationException.rejected("points", "must not exceed your points");
                }
              }
              String code = "V-" + Uuid7.generate().substring(0, 8);
              // Same transaction: published if and only if the points are gone.
              context
                  .outbox()
                  .publish(
                      tx,
                      Notification.builder()
                          .bizType("loyalty.redeemed")
                          .bizId(code)
                          .traceId(request.traceId())
                          .recipient(Recipient.ofUser(request.userId()))
                          .title("Voucher ready")
                          .content("Your voucher " + code + " is ready.")
                          .build());
              return code;
            });
    return OperationResult.created(Map.of("voucher", voucher, "points", points));
  }
}
