package org.msgcenter.access.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** JSON in and out of the HTTP API, with the request size limit enforced while reading. */
public final class Json {
  /** Numbers keep their exact digits: amounts are BigDecimals, never doubles. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private Json() {}

  /**
   * The request body as a JSON object, read up to {@code maxBytes} whatever {@code Content-Length}
   * claims.
   *
   * @throws ApiException 413 when larger, 400 when not a JSON object
   */
  public static ObjectNode body(Context ctx, int maxBytes) {
    byte[] bytes = bytes(ctx, maxBytes);
    if (bytes.length == 0) {
      throw ApiException.badRequest("(body)", "is required: a JSON object");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("(body)", "must be JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!(node instanceof ObjectNode)) {
      throw ApiException.badRequest("(body)", "must be a JSON object");
    }
    return (ObjectNode) node;
  }

  /** The raw body, at most {@code maxBytes}. */
  public static byte[] bytes(Context ctx, int maxBytes) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBytes) {
      throw ApiException.tooLarge(maxBytes);
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] bytes = in.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw ApiException.tooLarge(maxBytes);
      }
      return bytes;
    } catch (IOException e) {
      throw ApiException.badRequest("(body)", "could not be read: " + e.getMessage());
    }
  }

  /** Writes {@code body} as JSON with {@code status}. */
  public static void write(Context ctx, int status, Object body) {
    try {
      ctx.status(status).contentType("application/json").result(MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + body.getClass() + " as JSON", e);
    }
  }

  /** Writes JSON text (from {@code org.msgcenter.api.ViewJson}) with {@code status}. */
  public static void writeRaw(Context ctx, int status, String json) {
    ctx.status(status).contentType("application/json").result(json);
  }
}
