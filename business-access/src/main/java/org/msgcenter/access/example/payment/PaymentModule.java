package org.msgcenter.access.example.payment;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * Payments between users: a transfer moves money from the payer's balance to the payee's in one
 * database transaction, together with a notification to each (written to the outbox in that same
 * transaction). Insufficient funds answer 422 naming {@code amount}, and notify no one.
 */
public final class PaymentModule implements BusinessModule {
  /** The demo users' opening balance. */
  static final BigDecimal DEMO_BALANCE = new BigDecimal("1000.00");

  /** Largest single transfer. */
  static final String MAX_AMOUNT = "1000000.00";

  private final PaymentStore store = new PaymentStore();
  private ModuleContext context;

  @Override
  public String name() {
    return "payment";
  }

  @Override
  public List<Operation> start(ModuleContext context) {
    this.context = context;
    return List.of(
        Operation.command(
            "transfer",
            "Transfer money to another user; payer and payee are notified",
            List.of(
                Field.text("to", 64, "the payee's user id or username").required(),
                Field.decimal("amount", 2, "in CNY, e.g. \"120.50\"")
                    .required()
                    .range("0.01", MAX_AMOUNT),
                Field.text("note", 140, "shown to both"),
                Field.text("requestId", 64, "idempotency key: a retry returns the first transfer")
                    .pattern("[A-Za-z0-9._:-]+", "letters, digits and . _ : -")),
            this::transfer),
        Operation.query("balance", "The signed-in user's balance", List.of(), this::balance),
        Operation.query(
            "transfers", "The signed-in user's latest 20 transfers", List.of(), this::transfers));
  }

  @Override
  public void seedDemo(List<UserInfo> users, Connection tx) throws SQLException {
    Instant now = context.clock().instant();
    for (UserInfo u : users) {
      store.ensureAccount(tx, u.userId(), DEMO_BALANCE, now);
    }
  }

  private OperationResult transfer(OperationRequest request) {
    BigDecimal amount = request.decimal("amount");
    UserInfo payer =
        context
            .users()
            .find(request.userId())
            .orElseThrow(() -> OperationException.notFound("(user)", "no longer exists"));
    UserInfo payee =
        context
            .users()
            .find(request.text("to"))
            .orElseThrow(() -> OperationException.rejected("to", "names no user"));
    if (payee.userId().equals(payer.userId())) {
      throw OperationException.rejected("to", "must be another user than yourself");
    }
    Optional<String> requestId = request.optionalText("requestId");
    return context.inTransaction(
        tx -> {
          if (requestId.isPresent()) {
            Optional<PaymentStore.Transfer> earlier =
                store.byRequestId(tx, payer.userId(), requestId.get());
            if (earlier.isPresent()) {
              PaymentStore.Transfer t = earlier.get();
              if (!t.to().equals(payee.userId()) || t.amount().compareTo(amount) != 0) {
                throw OperationException.conflict(
                    "requestId",
                    "was used for another transfer ("
                        + t.amount().toPlainString()
                        + " to "
                        + t.to()
                        + "); use a new requestId for a new transfer");
              }
              return OperationResult.ok(view(t, balanceOf(tx, payer.userId())));
            }
          }
          Instant now = context.clock().instant();
          store.ensureAccount(tx, payer.userId(), BigDecimal.ZERO.setScale(2), now);
          store.ensureAccount(tx, payee.userId(), BigDecimal.ZERO.setScale(2), now);
          BigDecimal balance =
              store.lockBalances(tx, payer.userId(), payee.userId()).get(payer.userId());
          if (balance.compareTo(amount) < 0) {
            throw OperationException.rejected(
                "amount",
                "must not exceed your balance of "
                    + balance.toPlainString()
                    + " "
                    + PaymentStore.CURRENCY);
          }
          store.move(tx, payer.userId(), amount.negate(), now);
          store.move(tx, payee.userId(), amount, now);
          PaymentStore.Transfer t =
              new PaymentStore.Transfer(
                  Uuid7.generate(),
                  payer.userId(),
                  payee.userId(),
                  amount,
                  PaymentStore.CURRENCY,
                  request.optionalText("note").orElse(null),
                  requestId.orElse(null),
                  now.toString());
          if (!store.insert(tx, t, now)) {
            throw OperationException.conflict(
                "requestId", "is used by a transfer still in progress; retry to get its result");
          }
          context.outbox().publish(tx, notification(t, payer, payee, true, request.traceId()));
          context.outbox().publish(tx, notification(t, payee, payer, false, request.traceId()));
          return OperationResult.created(view(t, balance.subtract(amount)));
        });
  }

  private Notification notification(
      PaymentStore.Transfer t, UserInfo to, UserInfo other, boolean sent, String traceId) {
    String money = t.amount().toPlainString() + " " + t.currency();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("transferId", t.transferId());
    data.put("amount", t.amount());
    data.put("currency", t.currency());
    data.put("counterparty", other.displayName());
    if (t.note() != null) {
      data.put("note", t.note());
    }
    Notification.Builder b =
        Notification.builder()
            .bizType(sent ? "payment.sent" : "payment.received")
            .bizId(t.transferId())
            .traceId(traceId)
            .source("business-access/payment")
            .recipient(Recipient.builder().userId(to.userId()).email(to.email()).build())
            .data(data);
    if (sent) {
      return b.title("Transfer sent")
          .content("You sent " + money + " to " + other.displayName() + ".")
          .build();
    }
    // The center renders conf/templates/payment.received.properties per channel (SMS has its own).
    return b.template("payment.received")
        .params(
            Map.of(
                "amount", t.amount().toPlainString(),
                "currency", t.currency(),
                "payer", other.displayName()))
        .build();
  }

  private BigDecimal balanceOf(Connection tx, String userId) throws SQLException {
    return store.balance(tx, userId).orElse(BigDecimal.ZERO.setScale(2));
  }

  private static Map<String, Object> view(PaymentStore.Transfer t, BigDecimal balanceAfter) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("transfer", t);
    out.put("balance", balanceAfter);
    return out;
  }

  private OperationResult balance(OperationRequest request) {
    BigDecimal balance = context.inTransaction(tx -> balanceOf(tx, request.userId()));
    return OperationResult.ok(
        Map.of("userId", request.userId(), "balance", balance, "currency", PaymentStore.CURRENCY));
  }

  private OperationResult transfers(OperationRequest request) {
    return OperationResult.ok(
        Map.of("items", context.inTransaction(tx -> store.latest(tx, request.userId(), 20))));
  }
}
