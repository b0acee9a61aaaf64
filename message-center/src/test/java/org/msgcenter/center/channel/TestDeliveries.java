package org.msgcenter.center.channel;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Deliveries as channels receive them, with fixed ids and values tests can check against. */
public final class TestDeliveries {
  public static final String DELIVERY_ID = "0190f2a4-7b1c-7d3e-8f40-123456789abc";
  public static final String MESSAGE_ID = "0190f2a4-7b1a-7c00-9a00-abcdefabcdef";
  public static final String TRACE_ID = "trace-7f3a";
  public static final Instant CREATED_AT = Instant.parse("2025-01-02T03:04:05.678Z");

  private TestDeliveries() {}

  /** A payment notification for user {@code u-42}, first attempt, sent to {@code address}. */
  public static OutboundDelivery aDelivery(String channel, String address) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("amount", new BigDecimal("120.00"));
    data.put("currency", "CNY");
    data.put("tags", List.of("transfer", "incoming"));
    return new OutboundDelivery(
        DELIVERY_ID,
        MESSAGE_ID,
        TRACE_ID,
        "payment.succeeded",
        "T-20250102-1",
        "u-42",
        channel,
        address,
        "Money arrived",
        "Your transfer of 120.00 CNY arrived.",
        data,
        CREATED_AT,
        1);
  }

  /** The same delivery with another delivery id (a different delivery to the same address). */
  public static OutboundDelivery withId(OutboundDelivery d, String deliveryId) {
    return new OutboundDelivery(
        deliveryId,
        d.messageId(),
        d.traceId(),
        d.bizType(),
        d.bizId(),
        d.userId(),
        d.channel(),
        d.address(),
        d.title(),
        d.content(),
        d.html(),
        d.data(),
        d.createdAt(),
        d.attempt());
  }

  /** {@link #aDelivery} with a fresh delivery id. */
  public static OutboundDelivery aFreshDelivery(String channel, String address) {
    return withId(aDelivery(channel, address), java.util.UUID.randomUUID().toString());
  }
}
