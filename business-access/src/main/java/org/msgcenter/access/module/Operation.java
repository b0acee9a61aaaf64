package org.msgcenter.access.module;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One operation of a module: {@code POST /api/<module>/<name>} with a JSON body of {@link Field}s
 * (a command), or {@code GET /api/<module>/<name>} whose fields come from the query string (a
 * read).
 */
public final class Operation {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  /** The HTTP method. */
  public enum Method {
    GET,
    POST
  }

  private final Method method;
  private final String name;
  private final String summary;
  private final List<Field> fields;
  private final OperationHandler handler;

  private Operation(
      Method method, String name, String summary, List<Field> fields, OperationHandler handler) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "operation name must be lower-case letters, digits and dashes (was " + name + ")");
    }
    this.method = method;
    this.name = name;
    this.summary = Objects.requireNonNull(summary, "summary");
    this.fields = List.copyOf(fields);
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  /** A command: {@code POST}, fields in a JSON object body. */
  public static Operation command(
      String name, String summary, List<Field> fields, OperationHandler handler) {
    return new Operation(Method.POST, name, summary, fields, handler);
  }

  /** A read: {@code GET}, fields from the query string (text fields only). */
  public static Operation query(
      String name, String summary, List<Field> fields, OperationHandler handler) {
    for (Field f : fields) {
      if (f.type() != Field.Type.TEXT) {
        throw new IllegalArgumentException("query fields are text; " + f.name() + " is not");
      }
    }
    return new Operation(Method.GET, name, summary, new ArrayList<>(fields), handler);
  }

  public Method method() {
    return method;
  }

  public String name() {
    return name;
  }

  public String summary() {
    return summary;
  }

  public List<Field> fields() {
    return fields;
  }

  public OperationHandler handler() {
    return handler;
  }
}
