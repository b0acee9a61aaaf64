package org.msgcenter.api.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The field rules of the wire format, written once. Messages name the rule and, for values that
 * carry no personal data, the value; addresses and bodies are never echoed.
 */
public final class Rules {
  private static final Pattern NO_CONTROL_OR_SPACE = Pattern.compile("[^\\s\\p{Cntrl}]+");
  private static final Pattern NO_CONTROL = Pattern.compile("[^\\p{Cntrl}]+");
  private static final Set<String> ZONES = ZoneId.getAvailableZoneIds();

  private Rules() {}

  /** Checks a required text field; returns whether it is present, so callers can go on. */
  public static boolean required(Violations v, String field, Object value) {
    if (value == null) {
      v.add(field, "required");
      return false;
    }
    return true;
  }

  /** An optional identifier-like text: length and pattern, value echoed. */
  public static void token(
      Violations v, String field, String value, int max, Pattern pattern, String shape) {
    if (value == null) {
      return;
    }
    if (value.isEmpty() || value.length() > max) {
      v.add(field, "must be 1 to " + max + " characters (was " + value.length() + ")");
    } else if (!pattern.matcher(value).matches()) {
      v.add(
          field,
          "must be " + shape + ", matching " + pattern.pattern() + " (was \"" + value + "\")");
    }
  }

  /** An optional free text without control characters (ids, keys): length checked, not echoed. */
  public static void text(Violations v, String field, String value, int max, boolean spaces) {
    if (value == null) {
      return;
    }
    if (value.isEmpty() || value.length() > max) {
      v.add(field, "must be 1 to " + max + " characters (was " + value.length() + ")");
    } else if (!(spaces ? NO_CONTROL : NO_CONTROL_OR_SPACE).matcher(value).matches()) {
      v.add(
          field,
          spaces
              ? "must not contain control characters"
              : "must not contain spaces or control characters");
    }
  }

  /** An address-like value checked against a shape; never echoed, since it is personal data. */
  public static void shaped(
      Violations v, String field, String value, int max, Pattern pattern, String shape) {
    if (value == null) {
      return;
    }
    if (value.length() > max) {
      v.add(field, "must be at most " + max + " characters (was " + value.length() + ")");
    } else if (!pattern.matcher(value).matches()) {
      v.add(field, "must be " + shape);
    }
  }

  public static void httpUrl(Violations v, String field, String value, int max) {
    if (value == null) {
      return;
    }
    if (value.length() > max) {
      v.add(field, "must be at most " + max + " characters (was " + value.length() + ")");
      return;
    }
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme();
      if (scheme == null
          || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || uri.getHost() == null
          || uri.getHost().isEmpty()) {
        v.add(field, "must be an absolute http or https URL with a host");
      } else if (uri.getRawUserInfo() != null) {
        v.add(field, "must not carry user:password; webhooks are signed instead");
      }
    } catch (URISyntaxException e) {
      v.add(field, "must be an absolute http or https URL with a host (" + e.getReason() + ")");
    }
  }

  public static void timeZone(Violations v, String field, String value) {
    if (value != null && !ZONES.contains(value)) {
      v.add(field, "must be an IANA time-zone id such as Asia/Shanghai (was \"" + value + "\")");
    }
  }

  public static void maxCodePoints(Violations v, String field, String value, int max) {
    if (value == null) {
      return;
    }
    int n = value.codePointCount(0, value.length());
    if (n > max) {
      v.add(field, "must be at most " + max + " characters (was " + n + ")");
    }
  }

  public static void maxUtf8Bytes(Violations v, String field, String value, int max) {
    if (value == null) {
      return;
    }
    int n = value.getBytes(StandardCharsets.UTF_8).length;
    if (n > max) {
      v.add(field, "must be at most " + max + " bytes in UTF-8 (was " + n + ")");
    }
  }

  /** Checks a list's size and each element's uniqueness; elements are checked by the caller. */
  public static void list(Violations v, String field, Collection<String> values, int max) {
    if (values == null) {
      return;
    }
    if (values.isEmpty() || values.size() > max) {
      v.add(field, "must hold 1 to " + max + " entries (was " + values.size() + ")");
    }
    Set<String> seen = new HashSet<>();
    for (String value : values) {
      if (value == null) {
        v.add(field, "must not hold null entries");
      } else if (!seen.add(value)) {
        v.add(field, "must not repeat an entry");
        return;
      }
    }
  }

  /**
   * Checks a free-form JSON object: that it can be written as JSON, nested so that the record
   * holding it is no deeper than {@link Json#MAX_NESTING_DEPTH} (as deep as the center reads), no
   * larger than {@code maxBytes}. Returns it as written, or null when it is absent or broke a rule.
   */
  public static byte[] jsonObject(
      Violations v, String field, Map<String, Object> value, int maxBytes) {
    if (value == null) {
      return null;
    }
    byte[] json;
    try {
      json = Json.MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      v.add(field, "must be convertible to JSON (" + e.getOriginalMessage() + ")");
      return null;
    }
    if (json.length > maxBytes) {
      v.add(field, "must be at most " + maxBytes + " bytes as JSON (was " + json.length + ")");
      return null;
    }
    return json;
  }
}
