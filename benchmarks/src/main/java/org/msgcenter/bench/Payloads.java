package org.msgcenter.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.msgcenter.api.Notification;
import org.msgcenter.api.NotificationCodec;
import org.msgcenter.api.Recipient;

/**
 * The notifications every scenario sends: a payment notice of about 1 KB of JSON on the wire,
 * naming the template {@value #TEMPLATE} with its parameters (a long note among them) and carrying
 * a {@code data} object, for one of {@value #USERS} users. The center renders the template for the
 * message row and for every delivery.
 */
final class Payloads {
  /** The business type of every benchmark notification. */
  static final String BIZ_TYPE = "bench.payment";

  /** The template every notification names; {@link #TEMPLATE_TEXT} is its file. */
  static final String TEMPLATE = "bench.payment";

  static final String TEMPLATE_TEXT =
      """
      # The benchmarks' payment notice (scripts/bench.sh writes it for the drain's message center).
      title=Transfer received
      content={{note}} You received {{amount}} {{currency}} from {{payer}} (reference {{reference}}).
      webhook.content={{note}} Amount {{amount}} {{currency}}, payer {{payer}}, reference {{reference}}.
      """;

  /** Distinct recipients; the record key, so the partitions are evenly loaded. */
  static final int USERS = 10_000;

  static final String TITLE = "Transfer received";

  /** The long parameter that brings the encoded notification to about 1 KB. */
  static final String NOTE =
      "Your account ending in 4321 received a transfer. The money is available now and shows in"
          + " your statement under the reference below. If you do not recognise this transfer,"
          + " contact us through the app or call the number on the back of your card; we will"
          + " never ask for your password or one-time code. This notice was generated"
          + " automatically for your records; you can change which notices you receive in the"
          + " settings of the app, under notifications, at any time. Thank you for banking with"
          + " us.";

  private Payloads() {}

  static String userId(long i) {
    return "u-" + (i % USERS);
  }

  static String reference(long i) {
    return "tx-" + (100_000_000L + i);
  }

  /** The content the template renders for notification {@code i} (the message row keeps it). */
  static String renderedContent(long i) {
    return NOTE + " You received 120.00 CNY from Alice Example (reference " + reference(i) + ").";
  }

  /** The parameters of notification {@code i} as the center stores them (JSON). */
  static String paramsJson(long i) {
    return "{\"amount\":\"120.00\",\"currency\":\"CNY\",\"payer\":\"Alice Example\","
        + "\"reference\":\""
        + reference(i)
        + "\",\"note\":\""
        + NOTE
        + "\"}";
  }

  /** The data object of notification {@code i} as the center stores it (JSON). */
  static String dataJson(long i) {
    return "{\"transferId\":\""
        + reference(i)
        + "\",\"amount\":\"120.00\",\"currency\":\"CNY\",\"account\":\"****4321\"}";
  }

  static String traceId(long i) {
    return String.format("%032x", 0x5eed_0000_0000L + i);
  }

  /** Notification number {@code i}, with a new UUIDv7 message id. */
  static Notification notification(long i) {
    return notification(i, "bench", Map.of());
  }

  /**
   * Notification number {@code i} from {@code source}, with {@code extraData} added to its data
   * object (the latency scenario carries its publish time there).
   */
  static Notification notification(long i, String source, Map<String, Object> extraData) {
    String reference = reference(i);
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("amount", "120.00");
    params.put("currency", "CNY");
    params.put("payer", "Alice Example");
    params.put("reference", reference);
    params.put("note", NOTE);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("transferId", reference);
    data.put("amount", "120.00");
    data.put("currency", "CNY");
    data.put("account", "****4321");
    data.putAll(extraData);
    return Notification.builder()
        .bizType(BIZ_TYPE)
        .traceId(traceId(i))
        .bizId(reference)
        .source(source)
        .recipient(Recipient.ofUser(userId(i)))
        .template(TEMPLATE)
        .params(params)
        .data(data)
        .build();
  }

  /** Notification number {@code i} as it travels on the wire. */
  static byte[] json(long i) {
    return NotificationCodec.encode(notification(i));
  }
}
