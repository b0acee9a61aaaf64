package org.msgcenter.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.msgcenter.api.Notifications.aFullNotification;
import static org.msgcenter.api.Notifications.aNotification;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NotificationCodecTest {

  private static Notification decode(String json) {
    return NotificationCodec.decode(json.getBytes(UTF_8));
  }

  private static void assertDecodeFails(
      String json, InvalidNotificationException.Reason reason, String messagePart) {
    assertThatThrownBy(() -> decode(json))
        .isInstanceOf(InvalidNotificationException.class)
        .hasMessageContaining(messagePart)
        .satisfies(e -> assertThat(((InvalidNotificationException) e).reason()).isEqualTo(reason));
  }

  @Test
  void a_full_notification_survives_a_round_trip() {
    Notification n = aFullNotification().build();
    Notification back = NotificationCodec.decode(NotificationCodec.encode(n));
    assertThat(back).usingRecursiveComparison().isEqualTo(n);
    assertThat(back).isEqualTo(n);
    assertThat(back.params().get("amount")).isEqualTo(new BigDecimal("120.00"));
  }

  @Test
  void a_minimal_notification_survives_a_round_trip() {
    Notification n = aNotification().title(null).build();
    assertThat(NotificationCodec.decode(NotificationCodec.encode(n))).isEqualTo(n);
  }

  @Test
  void encoding_writes_the_documented_fields_in_order_and_leaves_absent_ones_out() {
    Notification n =
        aNotification()
            .messageId("0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d")
            .sendAt(Instant.parse("2026-11-22T08:00:00Z"))
            .build();
    assertThat(new String(NotificationCodec.encode(n), UTF_8))
        .isEqualTo(
            "{\"schema\":1,\"messageId\":\"0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d\","
                + "\"bizType\":\"payment.succeeded\",\"priority\":\"NORMAL\","
                + "\"recipient\":{\"userId\":\"u-1001\"},\"title\":\"Transfer received\","
                + "\"content\":\"You received 120.00 from Alice.\","
                + "\"sendAt\":\"2026-11-22T08:00:00Z\"}");
  }

  @Test
  void unknown_fields_are_ignored() {
    Notification n =
        decode(
            """
            {"schema":1,"messageId":"0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d","bizType":"a.b",
             "recipient":{"userId":"u1","pager":"123"},"content":"hi","futureField":{"x":1}}
            """);
    assertThat(n.bizType()).isEqualTo("a.b");
  }

  @Test
  void null_fields_count_as_absent() {
    Notification n =
        decode(
            """
            {"schema":1,"messageId":"0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d","bizType":"a.b",
             "recipient":{"userId":"u1","email":null},"content":"hi","title":null}
            """);
    assertThat(n.title()).isEmpty();
    assertThat(n.recipient().email()).isEmpty();
  }

  @Test
  void times_with_an_offset_are_read_as_instants() {
    Notification n =
        decode(
            """
            {"schema":1,"messageId":"0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d","bizType":"a.b",
             "recipient":{"userId":"u1"},"content":"hi","sendAt":"2026-11-22T16:00:00+08:00"}
            """);
    assertThat(n.sendAt()).contains(Instant.parse("2026-11-22T08:00:00Z"));
  }

  @Test
  void an_unknown_schema_is_rejected() {
    assertDecodeFails(
        "{\"schema\":2,\"messageId\":\"x\"}",
        InvalidNotificationException.Reason.UNSUPPORTED_SCHEMA,
        "schema: unsupported schema 2; this reader supports schema 1");
  }

  @Test
  void a_missing_schema_is_rejected() {
    assertDecodeFails(
        "{\"bizType\":\"a.b\"}",
        InvalidNotificationException.Reason.UNSUPPORTED_SCHEMA,
        "schema: required");
  }

  @Test
  void a_schema_given_as_text_is_rejected() {
    assertDecodeFails(
        "{\"schema\":\"1\"}",
        InvalidNotificationException.Reason.UNSUPPORTED_SCHEMA,
        "unsupported schema \"1\"");
  }

  @Test
  void bytes_that_are_not_json_are_malformed() {
    assertDecodeFails(
        "hello kafka", InvalidNotificationException.Reason.MALFORMED, "(record): not JSON");
  }

  @Test
  void json_that_is_not_an_object_is_malformed() {
    assertDecodeFails("[1,2]", InvalidNotificationException.Reason.MALFORMED, "a JSON object");
  }

  @Test
  void an_empty_record_is_malformed() {
    assertThatThrownBy(() -> NotificationCodec.decode(new byte[0]))
        .isInstanceOf(InvalidNotificationException.class)
        .hasMessageContaining("empty record");
  }

  @Test
  void a_record_above_64_kilobytes_is_too_large() {
    String padding = "x".repeat(Notification.MAX_RECORD_BYTES);
    assertDecodeFails(
        "{\"schema\":1,\"pad\":\"" + padding + "\"}",
        InvalidNotificationException.Reason.TOO_LARGE,
        "must be at most 65536 bytes");
  }

  @Test
  void a_missing_message_id_is_required_on_the_wire() {
    assertDecodeFails(
        "{\"schema\":1,\"bizType\":\"a.b\",\"recipient\":{\"userId\":\"u1\"},\"content\":\"hi\"}",
        InvalidNotificationException.Reason.INVALID_FIELDS,
        "messageId: required");
  }

  @Test
  void fields_of_the_wrong_json_type_are_named() {
    assertDecodeFails(
        """
        {"schema":1,"messageId":"0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d","bizType":7,
         "recipient":{"userId":"u1","deviceTokens":"t"},"content":"hi","data":[1]}
        """,
        InvalidNotificationException.Reason.INVALID_FIELDS,
        "bizType: must be a string; data: must be a JSON object;"
            + " recipient.deviceTokens: must be an array of strings");
  }

  @Test
  void a_recipient_that_is_not_an_object_is_named() {
    assertDecodeFails(
        """
        {"schema":1,"messageId":"0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d","bizType":"a.b",
         "recipient":"u1","content":"hi"}
        """,
        InvalidNotificationException.Reason.INVALID_FIELDS,
        "recipient: must be a JSON object");
  }

  @Test
  void an_unknown_priority_is_named() {
    assertDecodeFails(
        """
        {"schema":1,"messageId":"0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d","bizType":"a.b",
         "recipient":{"userId":"u1"},"content":"hi","priority":"URGENT"}
        """,
        InvalidNotificationException.Reason.INVALID_FIELDS,
        "priority: must be one of HIGH, NORMAL, LOW (was \"URGENT\")");
  }

  @Test
  void a_time_without_offset_is_named() {
    assertDecodeFails(
        """
        {"schema":1,"messageId":"0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d","bizType":"a.b",
         "recipient":{"userId":"u1"},"content":"hi","expireAt":"2026-11-22 08:00"}
        """,
        InvalidNotificationException.Reason.INVALID_FIELDS,
        "expireAt: must be an ISO-8601 date-time with offset");
  }

  @Test
  void field_rules_apply_to_decoded_records_with_recipient_and_top_level_errors_together() {
    assertDecodeFails(
        """
        {"schema":1,"messageId":"0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d","bizType":"Bad Type",
         "recipient":{"userId":"u1","phone":"12345"},"content":"hi"}
        """,
        InvalidNotificationException.Reason.INVALID_FIELDS,
        "bizType: must be dot-separated lower-case words");
    assertThatThrownBy(
            () ->
                decode(
                    """
                    {"schema":1,"messageId":"0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d","bizType":"Bad Type",
                     "recipient":{"userId":"u1","phone":"12345"},"content":"hi"}
                    """))
        .hasMessageContaining("recipient.phone: must be an E.164 phone number");
  }

  @Test
  void hostile_nesting_is_rejected_not_a_stack_overflow() {
    String deep = "{\"a\":".repeat(2000) + "1" + "}".repeat(2000);
    assertThatThrownBy(() -> decode(deep))
        .isInstanceOf(InvalidNotificationException.class)
        .hasMessageContaining("not JSON");
  }
}
