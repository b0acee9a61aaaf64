package org.msgcenter.access.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgcenter.access.module.Field;

/** Checks a body or a query string against declared {@link Field}s; every violation named. */
public final class Validation {
  private Validation() {}

  /**
   * The declared fields of {@code body}, typed; unknown fields are ignored (forward compatible).
   *
   * @throws ApiException 400 naming every broken field and its rule
   */
  public static Map<String, Object> check(ObjectNode body, List<Field> fields) {
    List<Map.Entry<String, String>> violations = new ArrayList<>();
    Map<String, Object> values = new LinkedHashMap<>();
    for (Field f : fields) {
      Object v = f.check(body.get(f.name()), violations);
      if (v != null) {
        values.put(f.name(), v);
      }
    }
    if (!violations.isEmpty()) {
      throw ApiException.badRequest(violations);
    }
    return values;
  }

  /** The same for query parameters (text fields). */
  public static Map<String, Object> checkQuery(Context ctx, List<Field> fields) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    for (Field f : fields) {
      String v = ctx.queryParam(f.name());
      if (v != null) {
        node.set(f.name(), (JsonNode) new TextNode(v));
      }
    }
    return check(node, fields);
  }
}
