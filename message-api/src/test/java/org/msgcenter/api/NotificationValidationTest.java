package org.msgcenter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.msgcenter.api.Notifications.aFullNotification;
import static org.msgcenter.api.Notifications.aNotification;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotificationValidationTest {

  private static void assertRejected(Notification.Builder b, String field, String messagePart) {
    assertThatThrownBy(b::build)
        .isInstanceOf(InvalidNotificationException.class)
        .satisfies(
            e -> {
              InvalidNotificationException ex = (InvalidNotificationException) e;
              assertThat(ex.violations())
                  .as("violations of %s", ex.getMessage())
                  .anySatisfy(
                      v -> {
                        assertThat(v.field()).isEqualTo(field);
                        assertThat(v.rule()).contains(messagePart);
                      });
              assertThat(ex.getMessage()).contains(field + ": ");
            });
  }

  private static void assertRecipientRejected(
      Recipient.Builder recipient, String field, String messagePart) {
    assertThatThrownBy(recipient::build)
        .isInstanceOf(InvalidNotificationException.class)
        .satisfies(
            e ->
                assertThat(((InvalidNotificationException) e).violations())
                    .anySatisfy(
                        v -> {
                          assertThat(v.field()).isEqualTo(field);
                          assertThat(v.rule()).contains(messagePart);
                        }));
  }

  @Test
  void a_minimal_notification_is_valid_and_gets_a_uuid7_id_and_normal_priority() {
    Notification n = aNotification().build();
    assertThat(Uuid7.isCanonical(n.messageId())).isTrue();
    assertThat(n.priority()).isEqualTo(Priority.NORMAL);
  }

  @Test
  void a_notification_with_every_field_is_valid() {
    Notification n = aFullNotification().build();
    assertThat(n.channels()).containsExactly("in-app", "email", "sms");
    assertThat(n.recipient().timeZone()).contains("Asia/Shanghai");
  }

  @Test
  void bizType_is_required() {
    assertRejected(aNotification().bizType(null), "bizType", "required");
  }

  @Test
  void bizType_must_be_dot_separated_lower_case_words() {
    assertRejected(aNotification().bizType("Payment Succeeded"), "bizType", "dot-separated");
    assertRejected(aNotification().bizType("payment..succeeded"), "bizType", "dot-separated");
  }

  @Test
  void bizType_has_a_length_limit() {
    assertRejected(aNotification().bizType("a".repeat(65)), "bizType", "1 to 64 characters");
  }

  @Test
  void recipient_is_required() {
    assertRejected(aNotification().recipient(null), "recipient", "required");
  }

  @Test
  void recipient_needs_a_user_id_or_an_address() {
    assertRecipientRejected(Recipient.builder(), "recipient", "must name a userId or at least one");
  }

  @Test
  void messageId_must_be_a_canonical_uuid7() {
    assertRejected(
        aNotification().messageId("not-a-uuid"), "messageId", "must be a UUIDv7 in canonical");
    // A valid UUID of version 4 is not enough.
    assertRejected(
        aNotification().messageId("3f1c2b9e-8a4d-4c1e-9b2a-7d6e5f4a3b2c"), "messageId", "UUIDv7");
    // Upper case is not the canonical form.
    assertRejected(
        aNotification().messageId("0193A3F0-5C2E-7B1A-9C3D-4E5F6A7B8C9D"), "messageId", "UUIDv7");
  }

  @Test
  void template_or_content_is_required() {
    assertRejected(
        aNotification().title(null).content(null), "content", "required unless a template");
  }

  @Test
  void template_and_content_are_exclusive() {
    assertRejected(
        aNotification().title(null).template("payment.succeeded"),
        "content",
        "not allowed together");
  }

  @Test
  void title_is_not_allowed_with_a_template() {
    assertRejected(
        aNotification().content(null).template("payment.succeeded"),
        "title",
        "not allowed together with template");
  }

  @Test
  void params_need_a_template() {
    assertRejected(aNotification().params(Map.of("a", 1)), "params", "only together with template");
  }

  @Test
  void template_name_has_a_syntax() {
    assertRejected(
        aNotification().title(null).content(null).template("Payment Succeeded"),
        "template",
        "a template name");
  }

  @Test
  void title_is_at_most_200_characters() {
    assertThat(aNotification().title("é".repeat(200)).build().title()).isPresent();
    assertRejected(aNotification().title("é".repeat(201)), "title", "at most 200 characters");
  }

  @Test
  void content_is_at_most_4_kilobytes_of_utf8() {
    assertThat(aNotification().content("a".repeat(4096)).build().content()).isPresent();
    // 2,049 two-byte characters are 4,098 bytes.
    assertRejected(aNotification().content("é".repeat(2049)), "content", "at most 4096 bytes");
  }

  @Test
  void content_must_not_be_blank() {
    assertRejected(aNotification().content("   "), "content", "must not be blank");
  }

  @Test
  void params_are_at_most_8_kilobytes_as_json() {
    Notification.Builder b = aNotification().title(null).content(null).template("digest");
    assertThat(b.params(Map.of("text", "x".repeat(8000))).build().params()).isNotEmpty();
    assertRejected(b.params(Map.of("text", "x".repeat(8200))), "params", "at most 8192 bytes");
  }

  @Test
  void data_is_at_most_8_kilobytes_as_json() {
    assertRejected(aNotification().data(Map.of("blob", "x".repeat(8200))), "data", "at most 8192");
  }

  @Test
  void data_must_be_convertible_to_json() {
    assertRejected(
        aNotification().data(Map.of("thread", new Object())), "data", "convertible to JSON");
  }

  @Test
  void email_must_look_like_an_address_and_is_not_echoed() {
    assertRecipientRejected(
        Recipient.builder().email("bob-at-example"), "recipient.email", "an email address");
    assertThatThrownBy(() -> Recipient.builder().email("bob-at-example").build())
        .hasMessageNotContaining("bob-at-example");
  }

  @Test
  void phone_must_be_e164() {
    assertRecipientRejected(Recipient.builder().phone("13800138000"), "recipient.phone", "E.164");
    assertRecipientRejected(Recipient.builder().phone("+0123456789"), "recipient.phone", "E.164");
    assertRecipientRejected(
        Recipient.builder().phone("+1234567890123456"), "recipient.phone", "at most 16");
  }

  @Test
  void webhook_url_must_be_absolute_http_or_https() {
    assertRecipientRejected(
        Recipient.builder().webhookUrl("ftp://example.com/x"),
        "recipient.webhookUrl",
        "http or https");
    assertRecipientRejected(
        Recipient.builder().webhookUrl("/relative/path"), "recipient.webhookUrl", "http or https");
    assertRecipientRejected(
        Recipient.builder().webhookUrl("https://exa mple.com"),
        "recipient.webhookUrl",
        "http or https");
  }

  @Test
  void webhook_url_must_not_carry_credentials() {
    assertRecipientRejected(
        Recipient.builder().webhookUrl("https://user:secret@example.com/hook"),
        "recipient.webhookUrl",
        "must not carry user:password");
  }

  @Test
  void time_zone_must_be_an_iana_id() {
    assertRecipientRejected(
        Recipient.builder().userId("u").timeZone("Mars/Olympus"), "recipient.timeZone", "IANA");
    assertRecipientRejected(
        Recipient.builder().userId("u").timeZone("+08:00"), "recipient.timeZone", "IANA");
  }

  @Test
  void device_tokens_are_bounded_and_unique() {
    assertRecipientRejected(
        Recipient.builder().deviceTokens(List.of()), "recipient.deviceTokens", "1 to 20 entries");
    assertRecipientRejected(
        Recipient.builder().deviceTokens(Collections.nCopies(21, "t")),
        "recipient.deviceTokens",
        "1 to 20 entries");
    assertRecipientRejected(
        Recipient.builder().deviceTokens(List.of("a", "a")), "recipient.deviceTokens", "repeat");
    assertRecipientRejected(
        Recipient.builder().deviceTokens(List.of("has space")),
        "recipient.deviceTokens",
        "must not contain spaces");
  }

  @Test
  void user_id_has_no_spaces_and_a_length_limit() {
    assertRecipientRejected(Recipient.builder().userId("u 1"), "recipient.userId", "spaces");
    assertRecipientRejected(
        Recipient.builder().userId("u".repeat(65)), "recipient.userId", "1 to 64 characters");
  }

  @Test
  void channel_names_have_a_syntax_but_any_name_is_accepted() {
    assertThat(aNotification().channels("in-app", "my-fax").build().channels())
        .containsExactly("in-app", "my-fax");
    assertRejected(aNotification().channels("In App"), "channels", "a channel name");
    assertRejected(aNotification().channels("email", "email"), "channels", "repeat");
    assertRejected(aNotification().channels(List.of()), "channels", "1 to 16 entries");
  }

  @Test
  void sendAt_must_be_before_expireAt() {
    Instant t = Instant.parse("2026-11-22T08:00:00Z");
    assertRejected(aNotification().sendAt(t).expireAt(t), "expireAt", "must be after sendAt");
    assertRejected(
        aNotification().sendAt(t).expireAt(t.minusSeconds(1)), "expireAt", "must be after sendAt");
  }

  @Test
  void dedupKey_requires_a_user_id() {
    assertRejected(
        aNotification()
            .recipient(Recipient.builder().email("bob@example.com").build())
            .dedupKey("k"),
        "dedupKey",
        "requires recipient.userId");
  }

  @Test
  void traceId_has_a_syntax() {
    assertRejected(aNotification().traceId("trace id with spaces"), "traceId", "a trace id");
  }

  @Test
  void bizId_and_source_have_length_limits() {
    assertRejected(aNotification().bizId("b".repeat(129)), "bizId", "1 to 128 characters");
    assertRejected(aNotification().source("s".repeat(65)), "source", "1 to 64 characters");
  }

  @Test
  void every_broken_rule_is_reported_at_once() {
    assertThatThrownBy(() -> aNotification().bizType("Bad Type").content(null).title(null).build())
        .isInstanceOf(InvalidNotificationException.class)
        .hasMessageContaining("bizType: ")
        .hasMessageContaining("content: ");
  }

  @Test
  void params_and_data_are_deep_copies_that_cannot_change() {
    Map<String, Object> nested = new HashMap<>(Map.of("k", "v"));
    Map<String, Object> data = new HashMap<>(Map.of("nested", nested));
    Notification n = aNotification().data(data).build();
    nested.put("k", "changed");
    assertThat(n.data()).isEqualTo(Map.of("nested", Map.of("k", "v")));
    @SuppressWarnings("unchecked")
    Map<String, Object> inner = (Map<String, Object>) n.data().get("nested");
    assertThatThrownBy(() -> inner.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void params_and_data_hold_what_the_center_reads_from_the_wire() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("count", 5L);
    values.put("big", 12_345_678_901L);
    values.put("ratio", 0.1f);
    values.put("amount", new BigDecimal("120.00"));
    values.put("list", List.of(1L, Map.of("k", 2.5d)));
    Notification n = aNotification().data(values).build();

    assertThat(n.data()).isEqualTo(NotificationCodec.decode(NotificationCodec.encode(n)).data());
    assertThat(n.data().get("count")).isEqualTo(5);
    assertThat(n.data().get("big")).isEqualTo(12_345_678_901L);
    assertThat(n.data().get("ratio")).isEqualTo(new BigDecimal("0.1"));
    assertThat(n.data().get("amount")).isEqualTo(new BigDecimal("120.00"));
    assertThat(n.data().get("list")).isEqualTo(List.of(1, Map.of("k", new BigDecimal("2.5"))));
    assertThat(new String(NotificationCodec.encode(n), StandardCharsets.UTF_8))
        .contains(
            "\"data\":{\"count\":5,\"big\":12345678901,\"ratio\":0.1,\"amount\":120.00,"
                + "\"list\":[1,{\"k\":2.5}]}");
  }

  @Test
  void params_nested_deeper_than_the_center_reads_are_refused_when_built() {
    Notification.Builder b = aNotification().title(null).content(null).template("digest");
    // The record is one level, params the next: 63 levels of params make a record of 64.
    Notification deepest = b.params(nested(63)).build();
    assertThat(NotificationCodec.decode(NotificationCodec.encode(deepest))).isEqualTo(deepest);
    assertRejected(b.params(nested(64)), "params", "nesting depth");
  }

  /** A map nested {@code depth} levels deep, itself included. */
  private static Map<String, Object> nested(int depth) {
    Map<String, Object> map = Map.of("leaf", 1);
    for (int i = 1; i < depth; i++) {
      map = Map.of("level", map);
    }
    return map;
  }

  @Test
  void to_string_shows_ids_but_not_addresses_or_bodies() {
    String text = aFullNotification().build().toString();
    assertThat(text).contains("0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d").contains("payment.succeeded");
    assertThat(text).doesNotContain("bob@example.com").doesNotContain("+8613800138000");
  }
}
