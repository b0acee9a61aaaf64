package org.msgcenter.api.internal;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The one JSON mapper of message-api, and free-form JSON objects read into immutable maps. */
public final class Json {
  /**
   * Decimals stay {@link java.math.BigDecimal} (an amount of 120.00 keeps its scale) and nesting is
   * bounded, so a hostile record cannot exhaust the stack.
   */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  /** How deeply JSON may nest, in records and in free-form objects. */
  public static final int MAX_NESTING_DEPTH = 64;

  static {
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
        // What it writes alone are the free-form objects, which a record holds one level down.
        .setStreamWriteConstraints(
            StreamWriteConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH - 1).build());
  }

  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

  private Json() {}

  /**
   * Reads a JSON object this mapper wrote into a deep, unmodifiable map holding exactly what a
   * reader of the wire gets: integers as Integer, Long or BigInteger by size, decimals as
   * BigDecimal with their scale.
   */
  public static Map<String, Object> readWritten(byte[] json) {
    try {
      return freeze(MAPPER.readValue(json, MAP));
    } catch (IOException e) {
      // It was written by this mapper within the same limits: it reads back, or this is a bug.
      throw new IllegalStateException("JSON written by message-api does not read back", e);
    }
  }

  /** Makes the maps and lists just read unmodifiable, in place (the reader made them mutable). */
  @SuppressWarnings("unchecked")
  private static <T> T freeze(T value) {
    if (value instanceof Map<?, ?> map) {
      ((Map<Object, Object>) map).replaceAll((k, v) -> freeze(v));
      return (T) Collections.unmodifiableMap(map);
    }
    if (value instanceof List<?> list) {
      ((List<Object>) list).replaceAll(Json::freeze);
      return (T) Collections.unmodifiableList(list);
    }
    return value;
  }
}
