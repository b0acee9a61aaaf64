package org.msgcenter.access.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;
import org.msgcenter.access.internal.Metrics;

/**
 * Every route of the API goes through here, so that each one states who may call it, and so that
 * the list of routes exists (the OpenAPI test checks each is documented).
 */
public final class Routes {

  /** Who may call a route. */
  public enum Auth {
    NONE,
    USER,
    API_KEY
  }

  /** A registered route. */
  public record Route(HandlerType method, String path, Auth auth) {}

  /** A handler for a signed-in user. */
  @FunctionalInterface
  public interface UserHandler {
    void handle(Context ctx, String userId) throws Exception;
  }

  /** A handler for an integration client (by its configured name). */
  @FunctionalInterface
  public interface ClientHandler {
    void handle(Context ctx, String client) throws Exception;
  }

  private final Javalin app;
  private final Guard guard;
  private final List<Route> routes = new ArrayList<>();

  public Routes(Javalin app, Guard guard) {
    this.app = app;
    this.guard = guard;
  }

  public void open(HandlerType method, String path, Handler handler) {
    add(method, path, Auth.NONE, handler);
  }

  public void user(HandlerType method, String path, UserHandler handler) {
    add(method, path, Auth.USER, ctx -> handler.handle(ctx, guard.user(ctx)));
  }

  public void apiKey(HandlerType method, String path, ClientHandler handler) {
    add(method, path, Auth.API_KEY, ctx -> handler.handle(ctx, guard.apiClient(ctx)));
  }

  private void add(HandlerType method, String path, Auth auth, Handler handler) {
    app.addHttpHandler(
        method,
        path,
        ctx -> {
          Metrics.route(ctx, path);
          handler.handle(ctx);
        });
    routes.add(new Route(method, path, auth));
  }

  public List<Route> all() {
    return List.copyOf(routes);
  }
}
