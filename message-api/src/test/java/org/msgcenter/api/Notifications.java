package org.msgcenter.api;

import java.util.Map;

/** Test data: a valid notification to start from, changed one field at a time by each test. */
final class Notifications {
  private Notifications() {}

  static Notification.Builder aNotification() {
    return Notification.builder()
        .bizType("payment.succeeded")
        .recipient(Recipient.ofUser("u-1001"))
        .title("Transfer received")
        .content("You received 120.00 from Alice.");
  }

  static Notification.Builder aFullNotification() {
    return Notification.builder()
        .messageId("0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d")
        .traceId("4bf92f3577b34da6a3ce929d0e0e4736")
        .bizType("payment.succeeded")
        .bizId("tx-20261122-0001")
        .source("payment-service")
        .priority(Priority.HIGH)
        .recipient(
            Recipient.builder()
                .userId("u-1001")
                .email("bob@example.com")
                .phone("+8613800138000")
                .deviceTokens(java.util.List.of("fcm-token-1", "fcm-token-2"))
                .webhookUrl("https://hooks.example.com/payments?tenant=42")
                .timeZone("Asia/Shanghai")
                .build())
        .channels("in-app", "email", "sms")
        .template("payment.succeeded")
        .params(Map.of("amount", new java.math.BigDecimal("120.00"), "payer", "Alice"))
        .data(Map.of("transferId", "tx-20261122-0001", "amount", "120.00"))
        .sendAt(java.time.Instant.parse("2026-11-22T08:00:00Z"))
        .expireAt(java.time.Instant.parse("2026-11-23T08:00:00Z"))
        .dedupKey("tx-20261122-0001");
  }
}
