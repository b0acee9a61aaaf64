package org.msgcenter.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.msgcenter.api.InvalidNotificationException.Reason;
import org.msgcenter.api.internal.Json;
import org.msgcenter.api.internal.Violations;

/**
 * The JSON wire format of {@code msgcenter.notifications} (schema {@value Notification#SCHEMA}), as
 * documented in {@code docs/wire-format.md}. Decoding ignores unknown fields (forward compatible)
 * and rejects an unknown schema; every rejection is an {@link InvalidNotificationException} whose
 * {@link InvalidNotificationException#reason()} says what kind of problem it was. Thread-safe; all
 * methods are static.
 */
public final class NotificationCodec {
  private NotificationCodec() {}

  /**
   * The UTF-8 JSON of {@code n}, fields in a fixed order, absent fields left out: a copy of what
   * the notification's constructor wrote to check its size, so that publishing does not write it
   * twice.
   */
  public static byte[] encode(Notification n) {
    return n.encoded().clone();
  }

  /**
   * Writes the JSON of {@code n}, with {@code params} and {@code data} as the constructor of {@link
   * Notification} already wrote them (null when absent); the constructor calls it once.
   */
  static byte[] write(Notification n, byte[] params, byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("schema", Notification.SCHEMA);
      g.writeStringField("messageId", n.messageId());
      writeOptional(g, "traceId", n.traceId().orElse(null));
      g.writeStringField("bizType", n.bizType());
      writeOptional(g, "bizId", n.bizId().orElse(null));
      writeOptional(g, "source", n.source().orElse(null));
      g.writeStringField("priority", n.priority().name());
      writeRecipient(g, n.recipient());
      if (n.hasChannels()) {
        writeStrings(g, "channels", n.channels());
      }
      writeOptional(g, "template", n.template().orElse(null));
      writeRawField(g, out, "params", params);
      writeOptional(g, "title", n.title().orElse(null));
      writeOptional(g, "content", n.content().orElse(null));
      writeRawField(g, out, "data", data);
      writeOptional(g, "sendAt", n.sendAt().map(Instant::toString).orElse(null));
      writeOptional(g, "expireAt", n.expireAt().map(Instant::toString).orElse(null));
      writeOptional(g, "dedupKey", n.dedupKey().orElse(null));
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode notification " + n.messageId(), e);
    }
    return out.toByteArray();
  }

  /**
   * Writes {@code json}, an object this mapper wrote, as the value of {@code name}, unless null.
   * The generator writes the name and the separator (an empty raw value keeps its idea of where it
   * is: a value was written), then the bytes go straight into {@code out} behind what it flushed,
   * without passing through a String.
   */
  private static void writeRawField(
      JsonGenerator g, ByteArrayOutputStream out, String name, byte[] json) throws IOException {
    if (json == null) {
      return;
    }
    g.writeFieldName(name);
    g.writeRawValue("");
    g.flush();
    out.write(json);
  }

  /**
   * Reads one record.
   *
   * @throws InvalidNotificationException when the bytes are not a valid schema-1 notification
   */
  public static Notification decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new InvalidNotificationException(Reason.MALFORMED, "(record)", "empty record");
    }
    if (bytes.length > Notification.MAX_RECORD_BYTES) {
      throw new InvalidNotificationException(
          Reason.TOO_LARGE,
          "(record)",
          "must be at most " + Notification.MAX_RECORD_BYTES + " bytes (was " + bytes.length + ")");
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new InvalidNotificationException(
          Reason.MALFORMED, "(record)", "not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!(root instanceof ObjectNode obj)) {
      throw new InvalidNotificationException(Reason.MALFORMED, "(record)", "must be a JSON object");
    }
    checkSchema(obj.get("schema"));

    Violations v = new Violations();
    Notification.Builder b =
        Notification.builder()
            .messageId(text(obj, "messageId", v))
            .traceId(text(obj, "traceId", v))
            .bizType(text(obj, "bizType", v))
            .bizId(text(obj, "bizId", v))
            .source(text(obj, "source", v))
            .channels(strings(obj, "channels", v))
            .template(text(obj, "template", v))
            .params(object(obj, "params", v))
            .title(text(obj, "title", v))
            .content(text(obj, "content", v))
            .data(object(obj, "data", v))
            .priority(priority(obj, v))
            .sendAt(instant(obj, "sendAt", v))
            .expireAt(instant(obj, "expireAt", v))
            .dedupKey(text(obj, "dedupKey", v));
    JsonNode r = present(obj, "recipient");
    if (r != null) {
      if (r instanceof ObjectNode ro) {
        b.recipient(
            Recipient.builder()
                .userId(text(ro, "userId", "recipient.userId", v))
                .email(text(ro, "email", "recipient.email", v))
                .phone(text(ro, "phone", "recipient.phone", v))
                .deviceTokens(strings(ro, "deviceTokens", "recipient.deviceTokens", v))
                .webhookUrl(text(ro, "webhookUrl", "recipient.webhookUrl", v))
                .timeZone(text(ro, "timeZone", "recipient.timeZone", v))
                .buildUnchecked());
      } else {
        v.add("recipient", "must be a JSON object");
      }
    }
    if (obj.get("messageId") == null || obj.get("messageId").isNull()) {
      // The builder would make one up; on the wire the producer must have made it.
      v.add("messageId", "required");
    }
    v.throwIfAny(Reason.INVALID_FIELDS);
    return b.build();
  }

  private static void checkSchema(JsonNode schema) {
    if (schema == null || schema.isNull()) {
      throw new InvalidNotificationException(
          Reason.UNSUPPORTED_SCHEMA, "schema", "required; this reader supports schema 1");
    }
    if (!schema.isIntegralNumber() || schema.asLong() != Notification.SCHEMA) {
      throw new InvalidNotificationException(
          Reason.UNSUPPORTED_SCHEMA,
          "schema",
          "unsupported schema " + schema + "; this reader supports schema " + Notification.SCHEMA);
    }
  }

  private static JsonNode present(ObjectNode obj, String name) {
    JsonNode node = obj.get(name);
    return node == null || node.isNull() ? null : node;
  }

  private static String text(ObjectNode obj, String name, Violations v) {
    return text(obj, name, name, v);
  }

  private static String text(ObjectNode obj, String name, String path, Violations v) {
    JsonNode node = present(obj, name);
    if (node == null) {
      return null;
    }
    if (!node.isTextual()) {
      v.add(path, "must be a string");
      return null;
    }
    return node.textValue();
  }

  private static List<String> strings(ObjectNode obj, String name, Violations v) {
    return strings(obj, name, name, v);
  }

  private static List<String> strings(ObjectNode obj, String name, String path, Violations v) {
    JsonNode node = present(obj, name);
    if (node == null) {
      return null;
    }
    if (!node.isArray()) {
      v.add(path, "must be an array of strings");
      return null;
    }
    List<String> out = new ArrayList<>(node.size());
    for (JsonNode e : node) {
      if (!e.isTextual()) {
        v.add(path, "must be an array of strings");
        return null;
      }
      out.add(e.textValue());
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(ObjectNode obj, String name, Violations v) {
    JsonNode node = present(obj, name);
    if (node == null) {
      return null;
    }
    if (!node.isObject()) {
      v.add(name, "must be a JSON object");
      return null;
    }
    return Json.MAPPER.convertValue(node, Map.class);
  }

  private static Priority priority(ObjectNode obj, Violations v) {
    String text = text(obj, "priority", v);
    if (text == null) {
      return null;
    }
    try {
      return Priority.valueOf(text);
    } catch (IllegalArgumentException e) {
      v.add("priority", "must be one of HIGH, NORMAL, LOW (was \"" + text + "\")");
      return null;
    }
  }

  private static Instant instant(ObjectNode obj, String name, Violations v) {
    String text = text(obj, name, v);
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      v.add(
          name,
          "must be an ISO-8601 date-time with offset, like 2026-11-22T08:00:00Z (was \""
              + text
              + "\")");
      return null;
    }
  }

  private static void writeOptional(JsonGenerator g, String name, String value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }

  private static void writeStrings(JsonGenerator g, String name, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(name);
    for (String s : values) {
      g.writeString(s);
    }
    g.writeEndArray();
  }

  private static void writeRecipient(JsonGenerator g, Recipient r) throws IOException {
    g.writeObjectFieldStart("recipient");
    writeOptional(g, "userId", r.userId().orElse(null));
    writeOptional(g, "email", r.email().orElse(null));
    writeOptional(g, "phone", r.phone().orElse(null));
    if (!r.deviceTokens().isEmpty()) {
      writeStrings(g, "deviceTokens", r.deviceTokens());
    }
    writeOptional(g, "webhookUrl", r.webhookUrl().orElse(null));
    writeOptional(g, "timeZone", r.timeZone().orElse(null));
    g.writeEndObject();
  }
}
