package org.msgcenter.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.msgcenter.api.internal.Rules;
import org.msgcenter.api.internal.Violations;

/**
 * Who a notification is for: a user id, channel addresses, or both. At least one of them is
 * required. Immutable; made by {@link #builder()} or {@link #ofUser(String)}, validated when built.
 */
public final class Recipient {
  /** Longest user id, in characters. */
  public static final int MAX_USER_ID_CHARS = 64;

  /** Longest email address, in characters (RFC 5321's path limit). */
  public static final int MAX_EMAIL_CHARS = 254;

  /** Longest webhook URL, in characters. */
  public static final int MAX_URL_CHARS = 2048;

  /** Most device tokens for one recipient. */
  public static final int MAX_DEVICE_TOKENS = 20;

  /** Longest device token, in characters. */
  public static final int MAX_DEVICE_TOKEN_CHARS = 512;

  static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");

  private final String userId;
  private final String email;
  private final String phone;
  private final List<String> deviceTokens;
  private final String webhookUrl;
  private final String timeZone;

  private Recipient(Builder b) {
    this.userId = b.userId;
    this.email = b.email;
    this.phone = b.phone;
    this.deviceTokens =
        b.deviceTokens == null
            ? null
            : Collections.unmodifiableList(new ArrayList<>(b.deviceTokens));
    this.webhookUrl = b.webhookUrl;
    this.timeZone = b.timeZone;
  }

  /** A recipient known only by user id. */
  public static Recipient ofUser(String userId) {
    return builder().userId(userId).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The builder with this recipient's values, to make a changed copy. */
  public Builder toBuilder() {
    return new Builder()
        .userId(userId)
        .email(email)
        .phone(phone)
        .deviceTokens(deviceTokens)
        .webhookUrl(webhookUrl)
        .timeZone(timeZone);
  }

  /** The user id; it keys the Kafka record, so one user's notifications stay in order. */
  public Optional<String> userId() {
    return Optional.ofNullable(userId);
  }

  public Optional<String> email() {
    return Optional.ofNullable(email);
  }

  /** Phone number in E.164 form, for example {@code +8613800138000}. */
  public Optional<String> phone() {
    return Optional.ofNullable(phone);
  }

  /** App push device tokens; empty when none. */
  public List<String> deviceTokens() {
    return deviceTokens == null ? List.of() : deviceTokens;
  }

  public Optional<String> webhookUrl() {
    return Optional.ofNullable(webhookUrl);
  }

  /** IANA time zone of the recipient, used for quiet hours when given. */
  public Optional<String> timeZone() {
    return Optional.ofNullable(timeZone);
  }

  void validateInto(Violations v) {
    if (userId == null
        && email == null
        && phone == null
        && deviceTokens == null
        && webhookUrl == null) {
      v.add(
          "recipient",
          "must name a userId or at least one address (email, phone, deviceTokens, webhookUrl)");
    }
    Rules.text(v, "recipient.userId", userId, MAX_USER_ID_CHARS, false);
    Rules.shaped(
        v,
        "recipient.email",
        email,
        MAX_EMAIL_CHARS,
        EMAIL,
        "an email address like name@example.com");
    Rules.shaped(
        v, "recipient.phone", phone, 16, E164, "an E.164 phone number like +8613800138000");
    Rules.list(v, "recipient.deviceTokens", deviceTokens, MAX_DEVICE_TOKENS);
    if (deviceTokens != null) {
      for (String token : deviceTokens) {
        if (token != null) {
          Rules.text(v, "recipient.deviceTokens", token, MAX_DEVICE_TOKEN_CHARS, false);
        }
      }
    }
    Rules.httpUrl(v, "recipient.webhookUrl", webhookUrl, MAX_URL_CHARS);
    Rules.timeZone(v, "recipient.timeZone", timeZone);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Recipient r
        && Objects.equals(userId, r.userId)
        && Objects.equals(email, r.email)
        && Objects.equals(phone, r.phone)
        && Objects.equals(deviceTokens, r.deviceTokens)
        && Objects.equals(webhookUrl, r.webhookUrl)
        && Objects.equals(timeZone, r.timeZone);
  }

  @Override
  public int hashCode() {
    return Objects.hash(userId, email, phone, deviceTokens, webhookUrl, timeZone);
  }

  /** Names which addresses are present without showing them: they are personal data. */
  @Override
  public String toString() {
    return "Recipient{userId="
        + userId
        + (email != null ? ", email=***" : "")
        + (phone != null ? ", phone=***" : "")
        + (deviceTokens != null ? ", deviceTokens=" + deviceTokens.size() : "")
        + (webhookUrl != null ? ", webhookUrl=***" : "")
        + (timeZone != null ? ", timeZone=" + timeZone : "")
        + "}";
  }

  /** Builds a {@link Recipient}; every field is optional, but at least one is needed. */
  public static final class Builder {
    private String userId;
    private String email;
    private String phone;
    private List<String> deviceTokens;
    private String webhookUrl;
    private String timeZone;

    private Builder() {}

    public Builder userId(String userId) {
      this.userId = userId;
      return this;
    }

    public Builder email(String email) {
      this.email = email;
      return this;
    }

    public Builder phone(String phone) {
      this.phone = phone;
      return this;
    }

    /** Device tokens for app push; null or absent means none. */
    public Builder deviceTokens(List<String> deviceTokens) {
      this.deviceTokens = deviceTokens == null ? null : new ArrayList<>(deviceTokens);
      return this;
    }

    public Builder webhookUrl(String webhookUrl) {
      this.webhookUrl = webhookUrl;
      return this;
    }

    public Builder timeZone(String timeZone) {
      this.timeZone = timeZone;
      return this;
    }

    /**
     * @throws InvalidNotificationException naming every broken rule
     */
    public Recipient build() {
      Recipient r = new Recipient(this);
      Violations v = new Violations();
      r.validateInto(v);
      v.throwIfAny(InvalidNotificationException.Reason.INVALID_FIELDS);
      return r;
    }

    /** Built without validation; the enclosing notification validates it with its own fields. */
    Recipient buildUnchecked() {
      return new Recipient(this);
    }
  }
}
