package org.msgcenter.access.internal;

import io.javalin.http.HandlerType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Pattern;
import org.msgcenter.access.config.ConfigException;
import org.msgcenter.access.http.ApiException;
import org.msgcenter.access.http.Json;
import org.msgcenter.access.http.Routes;
import org.msgcenter.access.http.Validation;
import org.msgcenter.access.module.BusinessModule;
import org.msgcenter.access.module.ModuleContext;
import org.msgcenter.access.module.Operation;
import org.msgcenter.access.module.OperationException;
import org.msgcenter.access.module.OperationRequest;
import org.msgcenter.access.module.OperationResult;
import org.msgcenter.access.module.Transactional;
import org.msgcenter.access.module.UserDirectory;
import org.msgcenter.api.outbox.OutboxPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds business modules, starts them, and mounts their operations as routes. */
public final class Modules {
  private static final Logger log = LoggerFactory.getLogger(Modules.class);
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  /** Path segments the access server uses itself. */
  static final Set<String> RESERVED = Set.of("sessions", "me", "messages", "notifications");

  /** A started module and its operations. */
  public record Mounted(BusinessModule module, List<Operation> operations) {}

  private Modules() {}

  /**
   * The modules on {@code loader}'s class path, by name.
   *
   * @throws ConfigException for a bad or reserved name, or two modules with one name
   */
  public static List<BusinessModule> load(ClassLoader loader) {
    Map<String, BusinessModule> byName = new LinkedHashMap<>();
    for (BusinessModule m : ServiceLoader.load(BusinessModule.class, loader)) {
      String name = m.name();
      if (name == null || !NAME.matcher(name).matches() || RESERVED.contains(name)) {
        throw new ConfigException(
            "business module "
                + m.getClass().getName()
                + " has the name "
                + name
                + ": use lower-case letters, digits and dashes, not one of "
                + RESERVED);
      }
      BusinessModule before = byName.put(name, m);
      if (before != null) {
        throw new ConfigException(
            "two business modules are named "
                + name
                + ": "
                + before.getClass().getName()
                + " and "
                + m.getClass().getName());
      }
    }
    return List.copyOf(byName.values());
  }

  /**
   * The context modules get: the clock, the outbox, the users, transactions that wake the relay.
   */
  public static ModuleContext context(
      Clock clock, OutboxPublisher outbox, UserDirectory users, Database db, Runnable afterCommit) {
    return new ModuleContext() {
      @Override
      public Clock clock() {
        return clock;
      }

      @Override
      public OutboxPublisher outbox() {
        return outbox;
      }

      @Override
      public UserDirectory users() {
        return users;
      }

      @Override
      public <T> T inTransaction(Transactional<T> work) {
        T result = db.inTransaction(work);
        afterCommit.run();
        return result;
      }
    };
  }

  /** Starts each module and checks its operations' names are unique within it. */
  public static List<Mounted> start(List<BusinessModule> modules, ModuleContext context) {
    List<Mounted> mounted = new ArrayList<>();
    for (BusinessModule m : modules) {
      List<Operation> ops = List.copyOf(m.start(context));
      Set<String> seen = new java.util.HashSet<>();
      for (Operation op : ops) {
        if (!seen.add(op.method() + " " + op.name())) {
          throw new ConfigException(
              "business module " + m.name() + " declares operation " + op.name() + " twice");
        }
      }
      log.info(
          "Business module {} started: {}",
          m.name(),
          ops.stream().map(o -> o.method() + " " + path(m, o)).toList());
      mounted.add(new Mounted(m, ops));
    }
    return mounted;
  }

  public static String path(BusinessModule m, Operation op) {
    return "/api/" + m.name() + "/" + op.name();
  }

  /** Mounts every operation at {@code /api/<module>/<operation>}, for signed-in users. */
  public static void register(Routes routes, List<Mounted> mounted, int maxBodyBytes) {
    for (Mounted m : mounted) {
      for (Operation op : m.operations()) {
        HandlerType method =
            op.method() == Operation.Method.GET ? HandlerType.GET : HandlerType.POST;
        routes.user(
            method,
            path(m.module(), op),
            (ctx, userId) -> {
              Map<String, Object> fields =
                  op.method() == Operation.Method.GET
                      ? Validation.checkQuery(ctx, op.fields())
                      : Validation.check(Json.body(ctx, maxBodyBytes), op.fields());
              RequestInfo info = RequestInfo.of(ctx);
              OperationRequest request =
                  new OperationRequest(
                      userId, fields, info.clientIp(), info.userAgent(), info.traceId());
              OperationResult result;
              try {
                result = op.handler().handle(request);
              } catch (OperationException e) {
                throw new ApiException(
                    e.status(),
                    errorCode(e.status()),
                    List.of(Map.entry(e.field(), e.rule())),
                    Map.of());
              }
              Json.write(ctx, result.status(), result.body());
            });
      }
    }
  }

  static String errorCode(int status) {
    switch (status) {
      case 404:
        return "not_found";
      case 409:
        return "conflict";
      case 422:
        return "rejected";
      case 403:
        return "forbidden";
      default:
        return "invalid_request";
    }
  }
}
