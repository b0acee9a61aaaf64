package org.msgcenter.access.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import org.msgcenter.access.http.Json;
import org.msgcenter.access.module.Field;
import org.msgcenter.access.module.Operation;

/**
 * The OpenAPI document: the hand-written part for the server's own routes ({@code
 * openapi/core.json}), plus one path per business module operation, made from its declaration, so
 * that the document cannot drift from the modules.
 */
public final class OpenApi {
  private OpenApi() {}

  public static String document(List<Modules.Mounted> mounted) {
    ObjectNode doc = core();
    ObjectNode paths = (ObjectNode) doc.get("paths");
    for (Modules.Mounted m : mounted) {
      for (Operation op : m.operations()) {
        ObjectNode item =
            paths.has(Modules.path(m.module(), op))
                ? (ObjectNode) paths.get(Modules.path(m.module(), op))
                : paths.putObject(Modules.path(m.module(), op));
        ObjectNode o = item.putObject(op.method().name().toLowerCase(Locale.ROOT));
        o.put("summary", op.summary());
        o.putArray("tags").add(m.module().name());
        o.putArray("security").addObject().putArray("bearer");
        if (op.method() == Operation.Method.GET) {
          ArrayNode params = o.putArray("parameters");
          for (Field f : op.fields()) {
            ObjectNode p = params.addObject();
            p.put("name", f.name());
            p.put("in", "query");
            p.put("required", f.isRequired());
            p.set("schema", Json.MAPPER.valueToTree(f.schema()));
          }
        } else {
          ObjectNode schema =
              o.putObject("requestBody")
                  .put("required", true)
                  .putObject("content")
                  .putObject("application/json")
                  .putObject("schema");
          schema.put("type", "object");
          ArrayNode required = schema.putArray("required");
          ObjectNode props = schema.putObject("properties");
          for (Field f : op.fields()) {
            props.set(f.name(), Json.MAPPER.valueToTree(f.schema()));
            if (f.isRequired()) {
              required.add(f.name());
            }
          }
        }
        ObjectNode responses = o.putObject("responses");
        responses.putObject("200").put("description", "the operation's result (201 if created)");
        for (String[] r :
            new String[][] {
              {"400", "Invalid"},
              {"401", "Unauthorized"},
              {"404", "NotFound"},
              {"409", "Conflict"},
              {"422", "Rejected"},
              {"429", "RateLimited"}
            }) {
          responses.putObject(r[0]).put("$ref", "#/components/responses/" + r[1]);
        }
      }
    }
    return doc.toPrettyString();
  }

  private static ObjectNode core() {
    try (InputStream in = OpenApi.class.getResourceAsStream("/openapi/core.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi/core.json is missing from the class path");
      }
      return (ObjectNode) Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
