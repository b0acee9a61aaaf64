package org.msgcenter.access.module;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One field of an operation's JSON body, with the rules the access server checks before the module
 * sees the request. Immutable: each rule method returns a changed copy. The same description feeds
 * the OpenAPI document.
 */
public final class Field {

  /** The JSON types a field may have. */
  public enum Type {
    TEXT,
    DECIMAL,
    INTEGER
  }

  private final String name;
  private final Type type;
  private final boolean required;
  private final String description;
  private final int maxLength;
  private final Pattern pattern;
  private final String patternRule;
  private final BigDecimal min;
  private final BigDecimal max;
  private final int scale;

  private Field(
      String name,
      Type type,
      boolean required,
      String description,
      int maxLength,
      Pattern pattern,
      String patternRule,
      BigDecimal min,
      BigDecimal max,
      int scale) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = type;
    this.required = required;
    this.description = description;
    this.maxLength = maxLength;
    this.pattern = pattern;
    this.patternRule = patternRule;
    this.min = min;
    this.max = max;
    this.scale = scale;
  }

  /** Optional text of at most {@code maxLength} characters, not blank when given. */
  public static Field text(String name, int maxLength, String description) {
    return new Field(name, Type.TEXT, false, description, maxLength, null, null, null, null, 0);
  }

  /** An optional decimal number with at most {@code scale} digits after the point. */
  public static Field decimal(String name, int scale, String description) {
    return new Field(name, Type.DECIMAL, false, description, 0, null, null, null, null, scale);
  }

  /** An optional whole number. */
  public static Field integer(String name, String description) {
    return new Field(name, Type.INTEGER, false, description, 0, null, null, null, null, 0);
  }

  public Field required() {
    return new Field(
        name, type, true, description, maxLength, pattern, patternRule, min, max, scale);
  }

  /** Text must match {@code regex}; {@code rule} says what in words ("a UUID"). */
  public Field pattern(String regex, String rule) {
    return new Field(
        name,
        type,
        required,
        description,
        maxLength,
        Pattern.compile(regex),
        rule,
        min,
        max,
        scale);
  }

  /** Numbers: at least {@code min} and at most {@code max} (either may be null). */
  public Field range(String min, String max) {
    return new Field(
        name,
        type,
        required,
        description,
        maxLength,
        pattern,
        patternRule,
        min == null ? null : new BigDecimal(min),
        max == null ? null : new BigDecimal(max),
        scale);
  }

  public String name() {
    return name;
  }

  public Type type() {
    return type;
  }

  public boolean isRequired() {
    return required;
  }

  /**
   * Checks {@code value} (null or JSON null when absent) and returns it typed ({@link String},
   * {@link BigDecimal}, {@link Long}), or null when absent; adds the broken rule to {@code
   * violations} otherwise.
   */
  public Object check(JsonNode value, List<Map.Entry<String, String>> violations) {
    if (value == null || value.isNull()) {
      if (required) {
        violations.add(Map.entry(name, "is required"));
      }
      return null;
    }
    switch (type) {
      case TEXT:
        return checkText(value, violations);
      case DECIMAL:
        return checkNumber(value, violations, false);
      default:
        return checkNumber(value, violations, true);
    }
  }

  private Object checkText(JsonNode value, List<Map.Entry<String, String>> violations) {
    if (!value.isTextual()) {
      violations.add(Map.entry(name, "must be a string"));
      return null;
    }
    String text = value.asText();
    if (text.isBlank()) {
      violations.add(Map.entry(name, "must not be blank"));
    } else if (text.codePointCount(0, text.length()) > maxLength) {
      violations.add(Map.entry(name, "must be at most " + maxLength + " characters"));
    } else if (pattern != null && !pattern.matcher(text).matches()) {
      violations.add(Map.entry(name, "must be " + patternRule));
    } else {
      return text;
    }
    return null;
  }

  private Object checkNumber(
      JsonNode value, List<Map.Entry<String, String>> violations, boolean whole) {
    BigDecimal n;
    if (value.isNumber()) {
      n = value.decimalValue();
    } else if (value.isTextual() && !whole) {
      // Amounts as strings keep their exact digits in every client language.
      try {
        n = new BigDecimal(value.asText().trim());
      } catch (NumberFormatException e) {
        violations.add(Map.entry(name, "must be a decimal number like 120.50"));
        return null;
      }
    } else {
      violations.add(Map.entry(name, whole ? "must be a whole number" : "must be a number"));
      return null;
    }
    if (whole && n.stripTrailingZeros().scale() > 0) {
      violations.add(Map.entry(name, "must be a whole number"));
      return null;
    }
    if (!whole && n.stripTrailingZeros().scale() > scale) {
      violations.add(Map.entry(name, "must have at most " + scale + " digits after the point"));
      return null;
    }
    if (min != null && n.compareTo(min) < 0) {
      violations.add(Map.entry(name, "must be at least " + min.toPlainString()));
      return null;
    }
    if (max != null && n.compareTo(max) > 0) {
      violations.add(Map.entry(name, "must be at most " + max.toPlainString()));
      return null;
    }
    if (whole) {
      return n.longValueExact();
    }
    return n.setScale(scale, java.math.RoundingMode.UNNECESSARY);
  }

  /** The field's JSON Schema, for the OpenAPI document. */
  public Map<String, Object> schema() {
    Map<String, Object> s = new LinkedHashMap<>();
    switch (type) {
      case TEXT:
        s.put("type", "string");
        s.put("maxLength", maxLength);
        if (pattern != null) {
          s.put("pattern", pattern.pattern());
        }
        break;
      case DECIMAL:
        s.put("oneOf", List.of(Map.of("type", "number"), Map.of("type", "string")));
        s.put("x-scale", scale);
        break;
      default:
        s.put("type", "integer");
        break;
    }
    if (min != null) {
      s.put("minimum", min);
    }
    if (max != null) {
      s.put("maximum", max);
    }
    if (description != null) {
      s.put("description", description);
    }
    return s;
  }
}
