package org.msgcenter.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.msgcenter.api.internal.Json;
import org.msgcenter.api.internal.Rules;
import org.msgcenter.api.internal.Violations;

/**
 * One notification as business modules hand it to the message center: immutable, made by {@link
 * #builder()}, and valid by construction. {@link Builder#build()} checks every rule of the wire
 * format ({@code docs/wire-format.md}) and throws {@link InvalidNotificationException} naming each
 * broken field, so an invalid notification never reaches Kafka.
 *
 * <p>A notification carries either a {@code template} (with optional {@code params}) that the
 * center renders per channel, or a ready {@code content} (with an optional {@code title}).
 */
public final class Notification {
  /** The wire-format version this class reads and writes. */
  public static final int SCHEMA = 1;

  /** Longest title, in characters (Unicode code points). */
  public static final int MAX_TITLE_CHARS = 200;

  /** Largest content, in bytes of UTF-8. */
  public static final int MAX_CONTENT_BYTES = 4 * 1024;

  /** Largest {@code params} object, in bytes of serialized JSON. */
  public static final int MAX_PARAMS_BYTES = 8 * 1024;

  /** Largest {@code data} object, in bytes of serialized JSON. */
  public static final int MAX_DATA_BYTES = 8 * 1024;

  /** Largest whole record, in bytes of serialized JSON. */
  public static final int MAX_RECORD_BYTES = 64 * 1024;

  /** Longest bizType. */
  public static final int MAX_BIZ_TYPE_CHARS = 64;

  /** Longest bizId. */
  public static final int MAX_BIZ_ID_CHARS = 128;

  /** Longest traceId. */
  public static final int MAX_TRACE_ID_CHARS = 64;

  /** Longest source. */
  public static final int MAX_SOURCE_CHARS = 64;

  /** Longest dedupKey. */
  public static final int MAX_DEDUP_KEY_CHARS = 128;

  /** Longest template name. */
  public static final int MAX_TEMPLATE_CHARS = 64;

  /** Longest channel name. */
  public static final int MAX_CHANNEL_CHARS = 32;

  /** Most channels one notification may name. */
  public static final int MAX_CHANNELS = 16;

  /** Lower-case words separated by dots, for example {@code payment.succeeded}. */
  public static final Pattern BIZ_TYPE = Pattern.compile("[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)*");

  /** Lower-case letters, digits and dashes, starting with a letter: {@code in-app}, {@code sms}. */
  public static final Pattern CHANNEL = Pattern.compile("[a-z][a-z0-9-]*");

  /** Lower-case letters, digits, dots, dashes and underscores: {@code payment.succeeded.v2}. */
  public static final Pattern TEMPLATE = Pattern.compile("[a-z0-9][a-z0-9._-]*");

  /** Letters, digits and {@code . _ : -}, as in W3C trace ids or any log correlation id. */
  public static final Pattern TRACE_ID = Pattern.compile("[A-Za-z0-9._:-]+");

  private final String messageId;
  private final String bizType;
  private final Recipient recipient;
  private final String traceId;
  private final String bizId;
  private final String source;
  private final List<String> channels;
  private final String template;

  /** {@code params} as JSON, written once by the constructor; null when absent. */
  private final byte[] paramsJson;

  /** {@code params} read from {@link #paramsJson} when first asked for. */
  private volatile Map<String, Object> params;

  private final String title;
  private final String content;

  /** {@code data} as JSON, written once by the constructor; null when absent. */
  private final byte[] dataJson;

  /** {@code data} read from {@link #dataJson} when first asked for. */
  private volatile Map<String, Object> data;

  private final Priority priority;
  private final Instant sendAt;
  private final Instant expireAt;
  private final String dedupKey;

  /** The wire form, written once by the constructor (all other fields are set by then). */
  private final byte[] encoded;

  private Notification(Builder b) {
    this.messageId = b.messageId != null ? b.messageId : Uuid7.generate();
    this.bizType = b.bizType;
    this.recipient = b.recipient;
    this.traceId = b.traceId;
    this.bizId = b.bizId;
    this.source = b.source;
    this.channels =
        b.channels == null ? null : Collections.unmodifiableList(new ArrayList<>(b.channels));
    this.template = b.template;
    this.title = b.title;
    this.content = b.content;
    this.priority = b.priority != null ? b.priority : Priority.NORMAL;
    this.sendAt = b.sendAt;
    this.expireAt = b.expireAt;
    this.dedupKey = b.dedupKey;

    Violations v = new Violations();
    FreeForms checked = validate(v, b.params, b.data);
    v.throwIfAny(InvalidNotificationException.Reason.INVALID_FIELDS);
    // Written once, by the size check: copied into the record as they are, and read back into maps
    // only when asked for (a publisher never asks).
    this.paramsJson = checked.params();
    this.dataJson = checked.data();
    this.encoded = NotificationCodec.write(this, paramsJson, dataJson);
    int size = encoded.length;
    if (size > MAX_RECORD_BYTES) {
      throw new InvalidNotificationException(
          InvalidNotificationException.Reason.TOO_LARGE,
          "(record)",
          "must be at most " + MAX_RECORD_BYTES + " bytes as JSON (was " + size + ")");
    }
  }

  /** {@code params} and {@code data} as JSON, each null when absent or invalid. */
  private record FreeForms(byte[] params, byte[] data) {}

  /** Adds every broken rule to {@code v}; returns {@code params} and {@code data} as checked. */
  private FreeForms validate(
      Violations v, Map<String, Object> rawParams, Map<String, Object> rawData) {
    if (!Uuid7.isCanonical(messageId)) {
      v.add(
          "messageId",
          "must be a UUIDv7 in canonical lower-case form like 0190f3a0-5c2e-7b1a-9c3d-4e5f6a7b8c9d"
              + " (was \""
              + messageId
              + "\")");
    }
    if (Rules.required(v, "bizType", bizType)) {
      Rules.token(
          v, "bizType", bizType, MAX_BIZ_TYPE_CHARS, BIZ_TYPE, "dot-separated lower-case words");
    }
    if (Rules.required(v, "recipient", recipient)) {
      recipient.validateInto(v);
    }
    Rules.token(v, "traceId", traceId, MAX_TRACE_ID_CHARS, TRACE_ID, "a trace id");
    Rules.text(v, "bizId", bizId, MAX_BIZ_ID_CHARS, false);
    Rules.text(v, "source", source, MAX_SOURCE_CHARS, false);
    Rules.list(v, "channels", channels, MAX_CHANNELS);
    if (channels != null) {
      for (String channel : channels) {
        Rules.token(v, "channels", channel, MAX_CHANNEL_CHARS, CHANNEL, "a channel name");
      }
    }
    Rules.token(v, "template", template, MAX_TEMPLATE_CHARS, TEMPLATE, "a template name");
    if (template == null && content == null) {
      v.add("content", "required unless a template is given");
    }
    if (template != null && content != null) {
      v.add("content", "not allowed together with template; give one of them");
    }
    if (template != null && title != null) {
      v.add("title", "not allowed together with template; the template renders the title");
    }
    if (rawParams != null && template == null) {
      v.add("params", "allowed only together with template");
    }
    if (content != null && content.isBlank()) {
      v.add("content", "must not be blank");
    }
    Rules.maxCodePoints(v, "title", title, MAX_TITLE_CHARS);
    Rules.maxUtf8Bytes(v, "content", content, MAX_CONTENT_BYTES);
    byte[] params = Rules.jsonObject(v, "params", rawParams, MAX_PARAMS_BYTES);
    byte[] data = Rules.jsonObject(v, "data", rawData, MAX_DATA_BYTES);
    if (sendAt != null && expireAt != null && !sendAt.isBefore(expireAt)) {
      v.add("expireAt", "must be after sendAt (sendAt " + sendAt + ", expireAt " + expireAt + ")");
    }
    Rules.text(v, "dedupKey", dedupKey, MAX_DEDUP_KEY_CHARS, false);
    if (dedupKey != null && recipient != null && recipient.userId().isEmpty()) {
      v.add("dedupKey", "requires recipient.userId: duplicates are suppressed per user");
    }
    return new FreeForms(params, data);
  }

  /** The wire form; callers must not change it ({@link NotificationCodec#encode} copies it). */
  byte[] encoded() {
    return encoded;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The builder with this notification's values, to make a changed copy. */
  public Builder toBuilder() {
    return new Builder()
        .messageId(messageId)
        .bizType(bizType)
        .recipient(recipient)
        .traceId(traceId)
        .bizId(bizId)
        .source(source)
        .channels(channels)
        .template(template)
        .params(paramsJson == null ? null : params())
        .title(title)
        .content(content)
        .data(dataJson == null ? null : data())
        .priority(priority)
        .sendAt(sendAt)
        .expireAt(expireAt)
        .dedupKey(dedupKey);
  }

  /** The globally unique id: a UUIDv7 in canonical form. The same id is recorded once, ever. */
  public String messageId() {
    return messageId;
  }

  /** The business type that routing rules match, such as {@code payment.succeeded}. */
  public String bizType() {
    return bizType;
  }

  public Recipient recipient() {
    return recipient;
  }

  /** The caller's trace id; the center uses the messageId when absent. */
  public Optional<String> traceId() {
    return Optional.ofNullable(traceId);
  }

  /** The business object this is about, such as a transfer or order id. */
  public Optional<String> bizId() {
    return Optional.ofNullable(bizId);
  }

  /** The system that sent it, such as {@code payment-service}. */
  public Optional<String> source() {
    return Optional.ofNullable(source);
  }

  /** Channels that override routing; empty means the route decides. */
  public List<String> channels() {
    return channels == null ? List.of() : channels;
  }

  public Optional<String> template() {
    return Optional.ofNullable(template);
  }

  /**
   * Template parameters, deep and unmodifiable, as the center reads them from the wire: integers as
   * Integer, Long or BigInteger by size, decimals as BigDecimal; empty when none.
   */
  public Map<String, Object> params() {
    if (paramsJson == null) {
      return Map.of();
    }
    Map<String, Object> read = params;
    if (read == null) {
      read = Json.readWritten(paramsJson);
      params = read;
    }
    return read;
  }

  public Optional<String> title() {
    return Optional.ofNullable(title);
  }

  public Optional<String> content() {
    return Optional.ofNullable(content);
  }

  /**
   * Free-form data handed unchanged to in-app clients and webhooks, deep and unmodifiable, read as
   * {@link #params()} is; empty when none.
   */
  public Map<String, Object> data() {
    if (dataJson == null) {
      return Map.of();
    }
    Map<String, Object> read = data;
    if (read == null) {
      read = Json.readWritten(dataJson);
      data = read;
    }
    return read;
  }

  /** {@link Priority#NORMAL} unless set. */
  public Priority priority() {
    return priority;
  }

  /** When to send; absent means now. */
  public Optional<Instant> sendAt() {
    return Optional.ofNullable(sendAt);
  }

  /** After this instant the notification is recorded EXPIRED instead of being sent. */
  public Optional<Instant> expireAt() {
    return Optional.ofNullable(expireAt);
  }

  /** Suppresses a repeat with the same (userId, bizType, dedupKey) inside the route's window. */
  public Optional<String> dedupKey() {
    return Optional.ofNullable(dedupKey);
  }

  boolean hasChannels() {
    return channels != null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Notification n
        && messageId.equals(n.messageId)
        && Objects.equals(bizType, n.bizType)
        && Objects.equals(recipient, n.recipient)
        && Objects.equals(traceId, n.traceId)
        && Objects.equals(bizId, n.bizId)
        && Objects.equals(source, n.source)
        && Objects.equals(channels, n.channels)
        && Objects.equals(template, n.template)
        && (paramsJson == null) == (n.paramsJson == null)
        && params().equals(n.params())
        && Objects.equals(title, n.title)
        && Objects.equals(content, n.content)
        && (dataJson == null) == (n.dataJson == null)
        && data().equals(n.data())
        && priority == n.priority
        && Objects.equals(sendAt, n.sendAt)
        && Objects.equals(expireAt, n.expireAt)
        && Objects.equals(dedupKey, n.dedupKey);
  }

  @Override
  public int hashCode() {
    return messageId.hashCode();
  }

  /** Ids and routing facts only: bodies and addresses stay out of logs. */
  @Override
  public String toString() {
    return "Notification{messageId="
        + messageId
        + ", bizType="
        + bizType
        + ", traceId="
        + traceId
        + ", bizId="
        + bizId
        + ", priority="
        + priority
        + ", recipient="
        + recipient
        + "}";
  }

  /**
   * Builds a {@link Notification}. Required: {@code bizType}, {@code recipient}, and either {@code
   * template} or {@code content}. {@code messageId} defaults to a new UUIDv7; {@code priority} to
   * {@link Priority#NORMAL}; everything else to absent.
   */
  public static final class Builder {
    private String messageId;
    private String bizType;
    private Recipient recipient;
    private String traceId;
    private String bizId;
    private String source;
    private List<String> channels;
    private String template;
    private Map<String, Object> params;
    private String title;
    private String content;
    private Map<String, Object> data;
    private Priority priority;
    private Instant sendAt;
    private Instant expireAt;
    private String dedupKey;

    private Builder() {}

    /** Defaults to a new UUIDv7 ({@link Uuid7#generate()}). */
    public Builder messageId(String messageId) {
      this.messageId = messageId;
      return this;
    }

    public Builder bizType(String bizType) {
      this.bizType = bizType;
      return this;
    }

    public Builder recipient(Recipient recipient) {
      this.recipient = recipient;
      return this;
    }

    public Builder traceId(String traceId) {
      this.traceId = traceId;
      return this;
    }

    public Builder bizId(String bizId) {
      this.bizId = bizId;
      return this;
    }

    public Builder source(String source) {
      this.source = source;
      return this;
    }

    public Builder channels(List<String> channels) {
      this.channels = channels == null ? null : new ArrayList<>(channels);
      return this;
    }

    public Builder channels(String... channels) {
      return channels(List.of(channels));
    }

    public Builder template(String template) {
      this.template = template;
      return this;
    }

    /** JSON-compatible values: strings, numbers, booleans, lists and maps of them. */
    public Builder params(Map<String, Object> params) {
      this.params = params;
      return this;
    }

    public Builder title(String title) {
      this.title = title;
      return this;
    }

    public Builder content(String content) {
      this.content = content;
      return this;
    }

    /** JSON-compatible values: strings, numbers, booleans, lists and maps of them. */
    public Builder data(Map<String, Object> data) {
      this.data = data;
      return this;
    }

    /** Defaults to {@link Priority#NORMAL}. */
    public Builder priority(Priority priority) {
      this.priority = priority;
      return this;
    }

    public Builder sendAt(Instant sendAt) {
      this.sendAt = sendAt;
      return this;
    }

    public Builder expireAt(Instant expireAt) {
      this.expireAt = expireAt;
      return this;
    }

    public Builder dedupKey(String dedupKey) {
      this.dedupKey = dedupKey;
      return this;
    }

    /**
     * @throws InvalidNotificationException naming every broken rule, or {@link
     *     InvalidNotificationException.Reason#TOO_LARGE} when the record would exceed {@link
     *     Notification#MAX_RECORD_BYTES} bytes
     */
    public Notification build() {
      return new Notification(this);
    }
  }
}
