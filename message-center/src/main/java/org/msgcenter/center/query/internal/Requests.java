package org.msgcenter.center.query.internal;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.msgcenter.api.InvalidRequestException;
import org.msgcenter.api.Uuid7;

/** Checks of service arguments; each failure names the field and the rule it broke. */
public final class Requests {
  /** Largest page a call may ask for. */
  public static final int MAX_LIMIT = 200;

  /** Page size when a call asks for none. */
  public static final int DEFAULT_LIMIT = 50;

  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private Requests() {}

  /** A required id: a UUID in text form (any case), as its 16 stored bytes. */
  public static byte[] id(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidRequestException(field, "is required");
    }
    String v = value.strip();
    if (!UUID.matcher(v).matches()) {
      throw new InvalidRequestException(field, "must be a UUID such as " + example());
    }
    return Uuid7.toBytes(v.toLowerCase(Locale.ROOT));
  }

  /** A required text of at most {@code max} characters, stripped. */
  public static String required(String field, String value, int max) {
    String v = optional(field, value, max);
    if (v == null) {
      throw new InvalidRequestException(field, "is required");
    }
    return v;
  }

  /** An optional text of at most {@code max} characters: null or blank is absent. */
  public static String optional(String field, String value, int max) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.strip();
    if (v.length() > max) {
      throw new InvalidRequestException(
          field, "must be at most " + max + " characters (was " + v.length() + ")");
    }
    return v;
  }

  /** An optional ISO-8601 instant such as {@code 2026-11-22T08:00:00Z}. */
  public static Instant instant(String field, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(value.strip());
    } catch (DateTimeParseException e) {
      throw new InvalidRequestException(
          field,
          "must be an ISO-8601 UTC instant such as 2026-11-22T08:00:00Z (was " + value + ")");
    }
  }

  /** The page size: {@link #DEFAULT_LIMIT} when absent, else 1 to {@link #MAX_LIMIT}. */
  public static int limit(Integer limit) {
    if (limit == null) {
      return DEFAULT_LIMIT;
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidRequestException(
          "limit", "must be between 1 and " + MAX_LIMIT + " (was " + limit + ")");
    }
    return limit;
  }

  /**
   * The smallest stored id of the millisecond {@code at}: UUIDv7 ids start with their creation time
   * in milliseconds, so a time range is an id range.
   */
  public static byte[] idBound(Instant at) {
    long millis = Math.max(0, at.toEpochMilli());
    return ByteBuffer.allocate(16).putLong(millis << 16).putLong(0).array();
  }

  private static String example() {
    return "0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d";
  }
}
