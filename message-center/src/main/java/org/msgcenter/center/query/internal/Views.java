package org.msgcenter.center.query.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.msgcenter.api.AttemptOutcome;
import org.msgcenter.api.AttemptView;
import org.msgcenter.api.DeliveryStatus;
import org.msgcenter.api.DeliveryView;
import org.msgcenter.api.MessageStatus;
import org.msgcenter.api.MessageView;
import org.msgcenter.api.Uuid7;
import org.msgcenter.api.ViewJson;
import org.msgcenter.center.channel.Addresses;
import org.msgcenter.center.delivery.Transitions;
import org.msgcenter.center.store.AttemptRow;
import org.msgcenter.center.store.DeliveryRow;
import org.msgcenter.center.store.MessageRow;

/**
 * Stored rows to service views. Every address and error text that carries a URL is masked to {@code
 * scheme://host[:port]/***} here, the one way out of the database for the services: robot and
 * webhook URLs carry their tokens in the path or query.
 */
public final class Views {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'");
  private static final Pattern URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.\\-]*://[^\\s\"'<>]+");
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

  private Views() {}

  /**
   * An ISO-8601 UTC instant with milliseconds, such as {@code 2026-11-22T08:00:00.120Z}. Written
   * out by hand: a page has a hundred times or so, and the formatter took 6% of the service
   * handlers' samples in a profile.
   */
  public static String time(LocalDateTime utc) {
    if (utc == null) {
      return null;
    }
    int year = utc.getYear();
    if (year < 1000 || year > 9999) {
      return TIME.format(utc); // outside DATETIME's range: never stored, but never wrong either
    }
    char[] c = new char[24];
    digits(c, 0, year, 4);
    c[4] = '-';
    digits(c, 5, utc.getMonthValue(), 2);
    c[7] = '-';
    digits(c, 8, utc.getDayOfMonth(), 2);
    c[10] = 'T';
    digits(c, 11, utc.getHour(), 2);
    c[13] = ':';
    digits(c, 14, utc.getMinute(), 2);
    c[16] = ':';
    digits(c, 17, utc.getSecond(), 2);
    c[19] = '.';
    digits(c, 20, utc.getNano() / 1_000_000, 3);
    c[23] = 'Z';
    return new String(c);
  }

  private static void digits(char[] into, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      into[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  /** An address as views show it: a URL masked, anything else as it is. */
  public static String address(String address) {
    return address != null && address.contains("://") ? Addresses.maskUrl(address) : address;
  }

  /** A text with every URL in it masked. */
  public static String text(String text) {
    if (text == null || !text.contains("://")) {
      return text;
    }
    Matcher m = URL.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(Addresses.maskUrl(m.group())));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * The views of {@code messages}, in their order, each with its deliveries among {@code
   * deliveries} (read with their attempts, oldest first).
   */
  public static List<MessageView> messages(
      List<MessageRow> messages, List<DeliveryRow> deliveries) {
    Map<String, List<DeliveryRow>> byMessage = new HashMap<>();
    for (DeliveryRow d : deliveries) {
      byMessage.computeIfAbsent(Uuid7.fromBytes(d.messageId), k -> new ArrayList<>()).add(d);
    }
    List<MessageView> out = new ArrayList<>(messages.size());
    for (MessageRow m : messages) {
      out.add(message(m, byMessage.getOrDefault(Uuid7.fromBytes(m.messageId), List.of())));
    }
    return out;
  }

  /** The view of a message with these deliveries of it (read with their attempts). */
  public static MessageView message(MessageRow m, List<DeliveryRow> deliveries) {
    List<DeliveryView> views = new ArrayList<>(deliveries.size());
    for (DeliveryRow d : deliveries) {
      List<AttemptView> history = new ArrayList<>(d.history.size());
      for (AttemptRow a : d.history) {
        history.add(attempt(a));
      }
      views.add(delivery(d).setHistory(history));
    }
    return message(m).setDeliveries(views);
  }

  static MessageView message(MessageRow m) {
    return new MessageView()
        .setMessageId(Uuid7.fromBytes(m.messageId))
        .setTraceId(m.traceId)
        .setBizType(m.bizType)
        .setBizId(m.bizId)
        .setUserId(m.userId)
        .setStatus(MessageStatus.valueOf(m.status))
        .setTitle(m.title)
        .setContent(m.content)
        .setData(data(m.data))
        .setCreatedAt(time(m.createdAt))
        .setUpdatedAt(time(m.updatedAt));
  }

  static DeliveryView delivery(DeliveryRow d) {
    DeliveryStatus status = DeliveryStatus.valueOf(d.status);
    return new DeliveryView()
        .setDeliveryId(Uuid7.fromBytes(d.deliveryId))
        .setChannel(d.channel)
        .setAddress(address(d.address))
        .setStatus(status)
        .setAttempts(d.attempts)
        .setNextAttemptAt(Transitions.TERMINAL.contains(status) ? null : time(d.nextAttemptAt))
        .setLastError(text(d.lastError))
        .setSentAt(time(d.sentAt))
        .setAckedAt(time(d.ackedAt))
        .setReadAt(time(d.readAt));
  }

  static AttemptView attempt(AttemptRow a) {
    return new AttemptView()
        .setAttempt(a.attempt)
        .setStartedAt(time(a.startedAt))
        .setFinishedAt(time(a.finishedAt))
        .setOutcome(a.outcome == null ? null : AttemptOutcome.valueOf(a.outcome))
        .setManual(a.manual)
        .setError(text(a.error));
  }

  private static Map<String, Object> data(String json) {
    if (json == null || json.isEmpty()) {
      return null;
    }
    try {
      return ViewJson.MAPPER.readValue(json, MAP);
    } catch (IOException e) {
      throw new IllegalStateException("stored data cannot be read as JSON: " + e.getMessage(), e);
    }
  }
}
