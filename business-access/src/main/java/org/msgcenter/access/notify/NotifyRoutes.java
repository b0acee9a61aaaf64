package org.msgcenter.access.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.msgcenter.access.http.ApiException;
import org.msgcenter.access.http.Json;
import org.msgcenter.access.http.Routes;
import org.msgcenter.access.internal.RequestInfo;
import org.msgcenter.api.InvalidNotificationException;
import org.msgcenter.api.Notification;
import org.msgcenter.api.NotificationCodec;
import org.msgcenter.api.Uuid7;
import org.msgcenter.api.publish.NotificationPublisher;
import org.msgcenter.api.publish.PublishResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/notifications}: services that are not Java publish a notification over HTTP with
 * an API key. The body has the wire format's fields; {@code schema} defaults to 1, {@code
 * messageId} to a new UUIDv7 (give your own to make a retry harmless: the center records an id
 * once), {@code source} to the API key's client name, {@code traceId} to the request's. The answer
 * is 202 with the messageId once the broker has acknowledged the record.
 */
public final class NotifyRoutes {
  private static final Logger log = LoggerFactory.getLogger(NotifyRoutes.class);

  private final NotificationPublisher publisher;
  private final int maxBodyBytes;
  private final long ackTimeoutMillis;

  public NotifyRoutes(NotificationPublisher publisher, int maxBodyBytes, long ackTimeoutMillis) {
    this.publisher = publisher;
    this.maxBodyBytes = maxBodyBytes;
    this.ackTimeoutMillis = ackTimeoutMillis;
  }

  public void register(Routes routes) {
    routes.apiKey(HandlerType.POST, "/api/notifications", this::publish);
  }

  private void publish(Context ctx, String client) {
    ObjectNode body = Json.body(ctx, maxBodyBytes);
    if (!body.has("schema")) {
      body.put("schema", Notification.SCHEMA);
    }
    if (!body.has("messageId")) {
      body.put("messageId", Uuid7.generate());
    }
    if (!body.has("source")) {
      body.put("source", client);
    }
    if (!body.has("traceId")) {
      body.put("traceId", RequestInfo.of(ctx).traceId());
    }
    Notification n;
    try {
      n = NotificationCodec.decode(Json.MAPPER.writeValueAsBytes(body));
    } catch (InvalidNotificationException e) {
      throw ApiException.badRequest(
          e.violations().stream().map(v -> Map.entry(v.field(), v.rule())).toList());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    PublishResult result;
    try {
      result = publisher.publish(n).get(ackTimeoutMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn(
          "Publish of message {} for client {} failed: {}", n.messageId(), client, e.toString());
      throw ApiException.unavailable(
          "the broker did not acknowledge message " + n.messageId() + "; send it again");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.unavailable("interrupted while waiting for the broker");
    }
    log.info("Client {} published message {} ({})", client, n.messageId(), n.bizType());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("messageId", result.messageId());
    out.put("traceId", n.traceId().orElse(null));
    out.put("status", "ACCEPTED");
    Json.write(ctx, 202, out);
  }
}
