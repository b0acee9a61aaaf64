package org.msgcenter.access.module;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final Field amount = Field.decimal("amount", 2, "money").required().range("0.01", "100");

  private List<Map.Entry<String, String>> violations(
      Field f, com.fasterxml.jackson.databind.JsonNode v) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    f.check(v, out);
    return out;
  }

  @Test
  void decimals_keep_their_exact_digits_from_numbers_and_strings() {
    List<Map.Entry<String, String>> none = new ArrayList<>();
    assertThat(amount.check(JSON.textNode("12.5"), none)).isEqualTo(new BigDecimal("12.50"));
    assertThat(amount.check(JSON.numberNode(new BigDecimal("0.10")), none))
        .isEqualTo(new BigDecimal("0.10"));
    assertThat(none).isEmpty();
  }

  @Test
  void each_broken_rule_is_named() {
    assertThat(violations(amount, null)).containsExactly(Map.entry("amount", "is required"));
    assertThat(violations(amount, JSON.textNode("1.005")))
        .containsExactly(Map.entry("amount", "must have at most 2 digits after the point"));
    assertThat(violations(amount, JSON.numberNode(0)))
        .containsExactly(Map.entry("amount", "must be at least 0.01"));
    assertThat(violations(amount, JSON.numberNode(101)))
        .containsExactly(Map.entry("amount", "must be at most 100"));
    assertThat(violations(amount, JSON.booleanNode(true)))
        .containsExactly(Map.entry("amount", "must be a number"));
    Field name = Field.text("name", 3, null).pattern("[a-z]+", "lower-case letters");
    assertThat(violations(name, JSON.textNode("abcd")))
        .containsExactly(Map.entry("name", "must be at most 3 characters"));
    assertThat(violations(name, JSON.textNode("AB")))
        .containsExactly(Map.entry("name", "must be lower-case letters"));
    assertThat(violations(name, JSON.textNode("  ")))
        .containsExactly(Map.entry("name", "must not be blank"));
    assertThat(violations(Field.integer("n", null), JSON.numberNode(1.5)))
        .containsExactly(Map.entry("n", "must be a whole number"));
  }
}
