package org.msgcenter.access.inbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.msgcenter.access.http.ApiException;
import org.msgcenter.access.http.Json;
import org.msgcenter.access.http.Routes;
import org.msgcenter.api.InboxQuery;
import org.msgcenter.api.MessageView;
import org.msgcenter.api.Uuid7;
import org.msgcenter.api.ViewJson;

/**
 * A signed-in user's messages, read through the message center's Dubbo services. Views are written
 * with {@link ViewJson}, so they have the same shape as the center's Triple HTTP/JSON answers.
 */
public final class InboxRoutes {
  /** Most ids one {@code POST /api/me/read} may mark. */
  static final int MAX_READ_IDS = 200;

  private final CenterClient center;
  private final int maxBodyBytes;

  public InboxRoutes(CenterClient center, int maxBodyBytes) {
    this.center = center;
    this.maxBodyBytes = maxBodyBytes;
  }

  public void register(Routes routes) {
    routes.user(HandlerType.GET, "/api/me/inbox", this::inbox);
    routes.user(HandlerType.GET, "/api/me/unread-count", this::unreadCount);
    routes.user(HandlerType.POST, "/api/me/read", this::markRead);
    routes.user(HandlerType.GET, "/api/messages/{id}", this::message);
  }

  private void inbox(Context ctx, String userId) {
    InboxQuery q = new InboxQuery();
    q.setUnreadOnly(bool(ctx, "unreadOnly"));
    q.setCursor(ctx.queryParam("cursor"));
    String limit = ctx.queryParam("limit");
    if (limit != null) {
      try {
        q.setLimit(Integer.parseInt(limit));
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("limit", "must be a whole number from 1 to 200");
      }
    }
    Json.writeRaw(ctx, 200, ViewJson.write(center.inbox(userId, q)));
  }

  private static boolean bool(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null || v.equals("false")) {
      return false;
    }
    if (v.equals("true")) {
      return true;
    }
    throw ApiException.badRequest(name, "must be true or false");
  }

  private void unreadCount(Context ctx, String userId) {
    Json.write(ctx, 200, Map.of("unread", center.unreadCount(userId)));
  }

  private void markRead(Context ctx, String userId) {
    ObjectNode body = Json.body(ctx, maxBodyBytes);
    JsonNode ids = body.get("messageIds");
    if (ids == null || !ids.isArray() || ids.isEmpty()) {
      throw ApiException.badRequest("messageIds", "is required: a non-empty array of message ids");
    }
    if (ids.size() > MAX_READ_IDS) {
      throw ApiException.badRequest("messageIds", "must hold at most " + MAX_READ_IDS + " ids");
    }
    List<String> list = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      JsonNode id = ids.get(i);
      if (!id.isTextual() || !Uuid7.isCanonical(id.asText())) {
        throw ApiException.badRequest(
            "messageIds[" + i + "]", "must be a message id (a UUIDv7 in canonical form)");
      }
      list.add(id.asText());
    }
    // The center marks only this user's messages: ids of others' messages change nothing.
    Json.write(ctx, 200, Map.of("marked", center.markRead(userId, list)));
  }

  private void message(Context ctx, String userId) {
    String id = ctx.pathParam("id");
    if (!Uuid7.isCanonical(id)) {
      throw ApiException.badRequest("id", "must be a message id (a UUIDv7 in canonical form)");
    }
    MessageView view = center.getMessage(id);
    if (!userId.equals(view.getUserId())) {
      // The same answer as for an unknown id: a 403 would confirm that the id exists.
      throw ApiException.notFound("id", "names no message of yours");
    }
    Json.writeRaw(ctx, 200, ViewJson.write(view));
  }
}
