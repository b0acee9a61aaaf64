package org.msgcenter.access.example.order;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * Orders: create one (in-app notification), ship it (in-app and email, with carrier and tracking
 * number). In this demo the buyer also plays the merchant who ships; a real shop would check a
 * merchant role in {@code ship}.
 */
public final class OrderModule implements BusinessModule {
  static final String CREATED = "CREATED";
  static final String SHIPPED = "SHIPPED";

  private ModuleContext context;

  @Override
  public String name() {
    return "order";
  }

  @Override
  public List<Operation> start(ModuleContext context) {
    this.context = context;
    return List.of(
        Operation.command(
            "create",
            "Place an order; the buyer is notified in-app",
            List.of(
                Field.text("item", 100, "what is bought").required(),
                Field.integer("quantity", "1 to 100").required().range("1", "100"),
                Field.decimal("amount", 2, "total price in CNY")
                    .required()
                    .range("0.01", "1000000")),
            this::create),
        Operation.command(
            "ship",
            "Ship an order; the buyer is notified in-app and by email",
            List.of(
                Field.text("orderId", 36, "the order's id")
                    .required()
                    .pattern(
                        "[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                        "an order id (a UUIDv7 in canonical form)"),
                Field.text("carrier", 40, "who carries it").required(),
                Field.text("trackingNo", 64, "the carrier's tracking number").required()),
            this::ship),
        Operation.query("list", "The signed-in user's latest 20 orders", List.of(), this::list));
  }

  private OperationResult create(OperationRequest request) {
    UserInfo buyer = user(request);
    String orderId = Uuid7.generate();
    String item = request.text("item");
    long quantity = request.integer("quantity");
    BigDecimal amount = request.decimal("amount");
    Instant now = context.clock().instant();
    context.inTransaction(
        tx -> {
          try (PreparedStatement ps =
              tx.prepareStatement(
                  "INSERT INTO orders (order_id, user_id, item, quantity, amount, status,"
                      + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, orderId);
            ps.setString(2, buyer.userId());
            ps.setString(3, item);
            ps.setLong(4, quantity);
            ps.setBigDecimal(5, amount);
            ps.setString(6, CREATED);
            ps.setObject(7, LocalDateTime.ofInstant(now, ZoneOffset.UTC));
            ps.executeUpdate();
          }
          context
              .outbox()
              .publish(
                  tx,
                  base(buyer, "order.created", orderId, request.traceId())
                      .channels("in-app")
                      .title("Order placed")
                      .content(
                          "Your order of "
                              + quantity
                              + " × "
                              + item
                              + " ("
                              + amount.toPlainString()
                              + " CNY) is placed.")
                      .data(Map.of("orderId", orderId, "amount", amount))
                      .build());
          return null;
        });
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("orderId", orderId);
    out.put("status", CREATED);
    out.put("item", item);
    out.put("quantity", quantity);
    out.put("amount", amount);
    return OperationResult.created(out);
  }

  private OperationResult ship(OperationRequest request) {
    UserInfo buyer = user(request);
    String orderId = request.text("orderId");
    String carrier = request.text("carrier");
    String trackingNo = request.text("trackingNo");
    Instant now = context.clock().instant();
    String item =
        context.inTransaction(
            tx -> {
              String status;
              String what;
              try (PreparedStatement ps =
                  tx.prepareStatement(
                      "SELECT status, item FROM orders WHERE order_id = ? AND user_id = ?"
                          + " FOR UPDATE")) {
                ps.setString(1, orderId);
                ps.setString(2, buyer.userId());
                try (ResultSet rs = ps.executeQuery()) {
                  if (!rs.next()) {
                    throw OperationException.notFound("orderId", "names no order of yours");
                  }
                  status = rs.getString(1);
                  what = rs.getString(2);
                }
              }
              if (!CREATED.equals(status)) {
                throw OperationException.conflict(
                    "orderId", "is " + status + "; only a " + CREATED + " order can be shipped");
              }
              try (PreparedStatement ps =
                  tx.prepareStatement(
                      "UPDATE orders SET status = ?, carrier = ?, tracking_no = ?, shipped_at = ?"
                          + " WHERE order_id = ? AND status = ?")) {
                ps.setString(1, SHIPPED);
                ps.setString(2, carrier);
                ps.setString(3, trackingNo);
                ps.setObject(4, LocalDateTime.ofInstant(now, ZoneOffset.UTC));
                ps.setString(5, orderId);
                ps.setString(6, CREATED);
                if (ps.executeUpdate() != 1) {
                  throw OperationException.conflict("orderId", "changed meanwhile; try again");
                }
              }
              context
                  .outbox()
                  .publish(
                      tx,
                      base(buyer, "order.shipped", orderId, request.traceId())
                          .channels("in-app", "email")
                          .title("Your order has shipped")
                          .content(
                              "Your order of "
                                  + what
                                  + " is on its way with "
                                  + carrier
                                  + ", tracking number "
                                  + trackingNo
                                  + ".")
                          .data(
                              Map.of(
                                  "orderId", orderId, "carrier", carrier, "trackingNo", trackingNo))
                          .build());
              return what;
            });
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("orderId", orderId);
    out.put("status", SHIPPED);
    out.put("item", item);
    out.put("carrier", carrier);
    out.put("trackingNo", trackingNo);
    return OperationResult.ok(out);
  }

  private OperationResult list(OperationRequest request) {
    List<Map<String, Object>> orders =
        context.inTransaction(
            tx -> {
              List<Map<String, Object>> out = new ArrayList<>();
              try (PreparedStatement ps =
                  tx.prepareStatement(
                      "SELECT order_id, item, quantity, amount, status, carrier, tracking_no"
                          + " FROM orders WHERE user_id = ? ORDER BY created_at DESC LIMIT 20")) {
                ps.setString(1, request.userId());
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("orderId", rs.getString(1));
                    o.put("item", rs.getString(2));
                    o.put("quantity", rs.getInt(3));
                    o.put("amount", rs.getBigDecimal(4));
                    o.put("status", rs.getString(5));
                    o.put("carrier", rs.getString(6));
                    o.put("trackingNo", rs.getString(7));
                    out.add(o);
                  }
                }
              }
              return out;
            });
    return OperationResult.ok(Map.of("items", orders));
  }

  private UserInfo user(OperationRequest request) {
    return context
        .users()
        .find(request.userId())
        .orElseThrow(() -> OperationException.notFound("(user)", "no longer exists"));
  }

  private static Notification.Builder base(
      UserInfo buyer, String bizType, String orderId, String traceId) {
    return Notification.builder()
        .bizType(bizType)
        .bizId(orderId)
        .traceId(traceId)
        .source("business-access/order")
        .recipient(Recipient.builder().userId(buyer.userId()).email(buyer.email()).build());
  }
}
