package org.msgcenter.access.session;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.msgcenter.access.http.ApiException;
import org.msgcenter.access.http.Guard;
import org.msgcenter.access.http.Json;
import org.msgcenter.access.http.Routes;
import org.msgcenter.access.http.Validation;
import org.msgcenter.access.internal.Database;
import org.msgcenter.access.internal.RequestInfo;
import org.msgcenter.access.module.BusinessModule;
import org.msgcenter.access.module.Field;
import org.msgcenter.access.module.SignIn;
import org.msgcenter.access.module.UserInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/sessions} (sign in: a user token) and {@code GET /api/me} (who the token names).
 */
public final class SessionRoutes {
  private static final Logger log = LoggerFactory.getLogger(SessionRoutes.class);

  static final List<Field> SIGN_IN =
      List.of(
          Field.text("username", 64, "the sign-in name").required(),
          Field.text("password", 128, "the password").required());

  private final UserStore users;
  private final Tokens tokens;
  private final Guard guard;
  private final Database db;
  private final List<BusinessModule> modules;
  private final Runnable afterCommit;
  private final int maxBodyBytes;

  public SessionRoutes(
      UserStore users,
      Tokens tokens,
      Guard guard,
      Database db,
      List<BusinessModule> modules,
      Runnable afterCommit,
      int maxBodyBytes) {
    this.users = users;
    this.tokens = tokens;
    this.guard = guard;
    this.db = db;
    this.modules = List.copyOf(modules);
    this.afterCommit = afterCommit;
    this.maxBodyBytes = maxBodyBytes;
  }

  public void register(Routes routes) {
    routes.open(HandlerType.POST, "/api/sessions", this::signIn);
    routes.user(HandlerType.GET, "/api/me", this::me);
  }

  private void signIn(Context ctx) {
    guard.signIn(ctx);
    Map<String, Object> body = Validation.check(Json.body(ctx, maxBodyBytes), SIGN_IN);
    String username = (String) body.get("username");
    Optional<UserInfo> user = users.authenticate(username, (String) body.get("password"));
    if (user.isEmpty()) {
      log.info("Sign-in refused for username {} from {}", username, ctx.ip());
      throw ApiException.unauthorized("(credentials)", "username or password is wrong", "Bearer");
    }
    RequestInfo info = RequestInfo.of(ctx);
    SignIn signIn =
        new SignIn(user.get(), info.clientIp(), info.userAgent(), info.at(), info.traceId());
    db.inTransaction(
        c -> {
          for (BusinessModule m : modules) {
            try {
              m.signedIn(signIn, c);
            } catch (SQLException | RuntimeException e) {
              log.warn("Module {} failed on sign-in of {}", m.name(), user.get().userId(), e);
              throw e;
            }
          }
          return null;
        });
    afterCommit.run();
    Tokens.Issued token = tokens.issue(user.get().userId());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("token", token.token());
    out.put("tokenType", "Bearer");
    out.put("expiresAt", token.expiresAt().toString());
    out.put("user", user.get());
    log.info("User {} signed in from {}", user.get().userId(), info.clientIp());
    Json.write(ctx, 201, out);
  }

  private void me(Context ctx, String userId) {
    UserInfo user =
        users
            .find(userId)
            .orElseThrow(
                () ->
                    ApiException.unauthorized(
                        "Authorization", "names a user that no longer exists", "Bearer"));
    Json.write(ctx, 200, user);
  }
}
