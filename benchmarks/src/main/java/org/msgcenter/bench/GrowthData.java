package org.msgcenter.bench;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The stored history the growth and query scenarios run against: message number {@code n} of a
 * {@link Plan} is a pure function of {@code n}, so the loader can stop and go on where it stopped,
 * and the query client can pick any stored message and know its id, user, business id and trace id
 * without reading the database.
 *
 * <p>What it looks like: {@value #USERS} users, a fifth of the messages going to {@value
 * #ACTIVE_USERS} busy ones (about 200 messages each at 10 million, the others about 8); eight
 * business types with their own weights, priorities and sources; creation times evenly spread over
 * the plan's months and UUIDv7 ids carrying them; business ids as business systems make them
 * (increasing transfer and order numbers, a campaign id shared by many, a statement per user and
 * month, none for security notices); random W3C-style trace ids. Every message has an {@code
 * in-app} delivery (40% SENT, 15% ACKED, 45% READ); payments and orders also a {@code webhook} to
 * one of 50 partner endpoints (90% SENT at once, 6% SENT after a timeout, 2% DEAD after a 410, 2%
 * DEAD after five 503s), with one attempt row per attempt.
 */
final class GrowthData {
  static final int USERS = 1_000_000;
  static final int ACTIVE_USERS = 10_000;

  /** How the history is laid out in time; kept in the grown database by the first load. */
  record Plan(long planned, long startMillis, long endMillis, int chunkSize) {
    long millisOf(long n) {
      return startMillis + (long) ((double) (endMillis - startMillis) * n / planned);
    }

    long chunks() {
      return (planned + chunkSize - 1) / chunkSize;
    }
  }

  /** One kind of notification: weight in 100, channels, and how its texts read. */
  private record Kind(
      String bizType, int weight, String priority, String source, boolean webhook, String title) {}

  private static final Kind[] KINDS = {
    new Kind("payment.received", 25, "NORMAL", "payments", true, "Transfer received"),
    new Kind("payment.sent", 20, "NORMAL", "payments", true, "Transfer sent"),
    new Kind("order.shipped", 12, "NORMAL", "orders", true, "Your order has shipped"),
    new Kind("order.delivered", 10, "NORMAL", "orders", true, "Your order was delivered"),
    new Kind("login.new_device", 10, "HIGH", "accounts", false, "New sign-in to your account"),
    new Kind("statement.ready", 8, "NORMAL", "accounts", false, "Your statement is ready"),
    new Kind("promo.weekly", 10, "LOW", "marketing", false, "This week's offers"),
    new Kind("security.password_changed", 5, "HIGH", "accounts", false, "Password changed"),
  };

  static final String[] BIZ_TYPES = {
    "payment.received",
    "payment.sent",
    "order.shipped",
    "order.delivered",
    "login.new_device",
    "statement.ready",
    "promo.weekly",
    "security.password_changed"
  };

  /** What a stored message is: the keys the query service searches by, and its deliveries. */
  record Message(
      long n,
      long millis,
      long idMsb,
      long idLsb,
      String userId,
      String bizType,
      String bizId,
      String traceId,
      String priority,
      String source,
      String title,
      String inAppStatus,
      /** null: no webhook delivery. */
      String webhookStatus,
      /** Outcomes of the webhook's attempts, in order; empty without a webhook. */
      String[] webhookAttempts,
      int partner,
      int amountCents) {

    byte[] id() {
      return ByteBuffer.allocate(16).putLong(idMsb).putLong(idLsb).array();
    }

    String idText() {
      return new UUID(idMsb, idLsb).toString();
    }

    String status() {
      return "DEAD".equals(webhookStatus) ? "PARTIALLY_DELIVERED" : "DELIVERED";
    }
  }

  private GrowthData() {}

  static Message message(Plan plan, long n) {
    SplittableRandom r = new SplittableRandom(n * 0x9E3779B97F4A7C15L + 0x5EED);
    long millis = plan.millisOf(n);
    long msb = (millis << 16) | 0x7000L | r.nextInt(0x1000);
    long lsb = (r.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    int pick = r.nextInt(100);
    Kind kind = KINDS[KINDS.length - 1];
    for (Kind k : KINDS) {
      if (pick < k.weight()) {
        kind = k;
        break;
      }
      pick -= k.weight();
    }
    int user = r.nextInt(100) < 20 ? r.nextInt(ACTIVE_USERS) : r.nextInt(USERS);
    String userId = "u-" + user;
    String bizId =
        switch (kind.bizType()) {
          case "payment.received", "payment.sent" -> "tx-" + (10_000_000_000L + n);
          case "order.shipped", "order.delivered" -> "ord-" + (5_000_000L + n / 3);
          case "login.new_device" -> "sess-" + Long.toHexString(r.nextLong() & 0xFFFF_FFFF_FFFFL);
          case "statement.ready" -> "stmt-" + user + "-" + (millis / (30L * 86_400_000L));
          case "promo.weekly" -> "campaign-" + (n / 200_000);
          default -> null;
        };
    String traceId = hex16(r.nextLong()) + hex16(r.nextLong());
    int inApp = r.nextInt(100);
    String inAppStatus = inApp < 40 ? "SENT" : inApp < 55 ? "ACKED" : "READ";
    String webhookStatus = null;
    String[] attempts = new String[0];
    if (kind.webhook()) {
      int w = r.nextInt(100);
      if (w < 90) {
        webhookStatus = "SENT";
        attempts = new String[] {"SENT"};
      } else if (w < 96) {
        webhookStatus = "SENT";
        attempts = new String[] {"RETRYABLE_FAILURE", "SENT"};
      } else if (w < 98) {
        webhookStatus = "DEAD";
        attempts = new String[] {"PERMANENT_FAILURE"};
      } else {
        webhookStatus = "DEAD";
        attempts = new String[5];
        java.util.Arrays.fill(attempts, "RETRYABLE_FAILURE");
      }
    }
    return new Message(
        n,
        millis,
        msb,
        lsb,
        userId,
        kind.bizType(),
        bizId,
        traceId,
        kind.priority(),
        kind.source(),
        kind.title(),
        inAppStatus,
        webhookStatus,
        attempts,
        user % 50,
        100 + r.nextInt(500_000));
  }

  /** A delivery id made {@code offsetMillis} after its message, from the message's randomness. */
  static byte[] deliveryId(Message m, int channel, long offsetMillis) {
    long msb = ((m.millis() + offsetMillis) << 16) | 0x7000L | (channel & 0xFFF);
    long lsb = (m.idLsb() ^ (0x5DEECE66DL * (channel + 1))) & 0x3FFF_FFFF_FFFF_FFFFL;
    return ByteBuffer.allocate(16).putLong(msb).putLong(lsb | 0x8000_0000_0000_0000L).array();
  }

  static String webhookUrl(Message m) {
    return "https://hooks.partner-" + m.partner() + ".example.com/msgcenter/" + m.partner();
  }

  static String amount(Message m) {
    return (m.amountCents() / 100) + "." + String.format("%02d", m.amountCents() % 100);
  }

  static String content(Message m) {
    return switch (m.bizType()) {
      case "payment.received" ->
          "You received "
              + amount(m)
              + " CNY from account ****"
              + (m.n() % 10_000)
              + " (reference "
              + m.bizId()
              + "). The money is available now.";
      case "payment.sent" ->
          "You sent "
              + amount(m)
              + " CNY to account ****"
              + (m.n() % 10_000)
              + " (reference "
              + m.bizId()
              + "). If this was not you, contact us at once.";
      case "order.shipped" ->
          "Order "
              + m.bizId()
              + " is on its way; tracking number SF"
              + (1_000_000_000L + m.n())
              + ". Expected in 2 to 3 days.";
      case "order.delivered" -> "Order " + m.bizId() + " was delivered. Enjoy, and rate it.";
      case "login.new_device" ->
          "A new device signed in to your account. If this was not you,"
              + " change your password now.";
      case "statement.ready" -> "Your monthly statement is ready in the app, under Accounts.";
      case "promo.weekly" ->
          "This week: 5% back on transfers abroad and no fee on your first" + " currency exchange.";
      default -> "Your password was changed. If this was not you, contact us at once.";
    };
  }

  static String params(Message m) {
    return "{\"amount\":\"" + amount(m) + "\",\"reference\":\"" + m.bizId() + "\"}";
  }

  static String data(Message m) {
    return "{\"bizId\":"
        + (m.bizId() == null ? "null" : "\"" + m.bizId() + "\"")
        + ",\"amount\":\""
        + amount(m)
        + "\"}";
  }

  private static String hex16(long v) {
    String s = Long.toHexString(v);
    return "0000000000000000".substring(s.length()) + s;
  }
}
