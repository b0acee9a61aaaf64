package org.msgcenter.access;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgcenter.access.config.AccessConfig;
import org.msgcenter.access.config.ConfigException;
import org.msgcenter.access.config.Settings;
import org.msgcenter.access.http.ApiException;
import org.msgcenter.access.http.Guard;
import org.msgcenter.access.http.Json;
import org.msgcenter.access.http.Routes;
import org.msgcenter.access.inbox.CenterClient;
import org.msgcenter.access.inbox.InboxRoutes;
import org.msgcenter.access.internal.Database;
import org.msgcenter.access.internal.DatabaseException;
import org.msgcenter.access.internal.Metrics;
import org.msgcenter.access.internal.Modules;
import org.msgcenter.access.internal.OpenApi;
import org.msgcenter.access.internal.RequestInfo;
import org.msgcenter.access.module.BusinessModule;
import org.msgcenter.access.module.ModuleContext;
import org.msgcenter.access.module.UserInfo;
import org.msgcenter.access.notify.NotifyRoutes;
import org.msgcenter.access.session.DemoUsers;
import org.msgcenter.access.session.Passwords;
import org.msgcenter.access.session.SessionRoutes;
import org.msgcenter.access.session.Tokens;
import org.msgcenter.access.session.UserStore;
import org.msgcenter.api.outbox.OutboxPublisher;
import org.msgcenter.api.outbox.OutboxRelay;
import org.msgcenter.api.publish.NotificationPublisher;
import org.msgcenter.api.publish.PublisherConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The business access server, wired by hand: this class builds the whole object graph with
 * constructors, in start order, and takes it down in reverse. {@link #main} loads {@code
 * conf/business-access.properties} (or the file given) and runs until SIGTERM or Ctrl-C.
 */
public final class AccessServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AccessServer.class);

  // Assigned once, in build().
  private Database db;
  private OutboxRelay relay;
  private Javalin http;
  private List<Routes.Route> routes;

  /** What runs, in start order; closed in reverse. */
  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  private boolean closed;

  private AccessServer(AccessConfig config, Clock clock, ClassLoader loader) {
    try {
      build(config, clock, loader);
    } catch (RuntimeException | Error e) {
      closeAll();
      throw e;
    }
  }

  private void build(AccessConfig config, Clock clock, ClassLoader loader) {
    log.info("Business access starting: {}", config.describe());
    this.db = started(new Database(config.db()));
    db.migrateCore(loader);
    List<BusinessModule> modules = Modules.load(loader);
    for (BusinessModule m : modules) {
      db.migrateModule(m.name(), loader);
    }

    Passwords passwords = new Passwords(config.passwordIterations());
    UserStore users = new UserStore(db, passwords, clock);
    Tokens tokens = new Tokens(config.jwt().secret(), config.jwt().ttl(), clock);

    PublisherConfig publisherConfig =
        PublisherConfig.builder()
            .bootstrapServers(config.kafka().bootstrapServers())
            .topic(config.kafka().notificationsTopic())
            .highTopic(config.kafka().highTopic())
            .clientId("msgcenter-business-access")
            .build();
    NotificationPublisher publisher = started(NotificationPublisher.kafka(publisherConfig));
    OutboxPublisher outbox = OutboxPublisher.create(OutboxPublisher.DEFAULT_TABLE, clock);
    this.relay =
        OutboxRelay.builder(db.dataSource(), publisher)
            .batchSize(config.outbox().batchSize())
            .interval(config.outbox().interval())
            .lease(config.outbox().lease())
            .retention(config.outbox().retention())
            .clock(clock)
            .build();
    relay.start();
    started(relay);

    ModuleContext context = Modules.context(clock, outbox, users, db, relay::wakeUp);
    List<Modules.Mounted> mounted = Modules.start(modules, context);
    if (config.demoUsers()) {
      seedDemoUsers(users, modules);
    }

    CenterClient center = started(new CenterClient(config.center()));

    int maxBody = config.http().maxRequestBytes();
    String openApi = OpenApi.document(mounted);
    this.http =
        Javalin.create(
            cfg -> {
              cfg.showJavalinBanner = false;
              cfg.http.maxRequestSize = maxBody;
              cfg.router.ignoreTrailingSlashes = true;
              cfg.staticFiles.add(
                  sf -> {
                    sf.hostedPath = "/";
                    sf.directory = "/public";
                    sf.location = Location.CLASSPATH;
                  });
            });
    Metrics metrics = new Metrics();
    metrics.bindRelay(relay, clock);
    http.before(
        ctx -> {
          Metrics.begin(ctx);
          RequestInfo.begin(ctx, clock);
        });
    http.after(metrics::record);
    Guard guard = new Guard(tokens, config.apiKeys(), config.rateLimits());
    Routes api = new Routes(http, guard);
    api.open(HandlerType.GET, "/health", ctx -> Json.write(ctx, 200, Map.of("status", "UP")));
    api.open(
        HandlerType.GET,
        "/openapi.json",
        ctx -> ctx.contentType("application/json").result(openApi));
    api.open(
        HandlerType.GET,
        "/metrics",
        ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.scrape()));
    new SessionRoutes(users, tokens, guard, db, modules, relay::wakeUp, maxBody).register(api);
    new InboxRoutes(center, maxBody).register(api);
    new NotifyRoutes(publisher, maxBody, publisherConfig.deliveryTimeout().toMillis() + 1_000)
        .register(api);
    Modules.register(api, mounted, maxBody);
    this.routes = api.all();
    errors(http);
    started(http::stop);
    http.start(config.http().host(), config.http().port());
    log.info("Business access listening on {}:{}", config.http().host(), http.port());
  }

  private void seedDemoUsers(UserStore users, List<BusinessModule> modules) {
    List<UserInfo> seeded = new ArrayList<>();
    db.inTransaction(
        c -> {
          for (DemoUsers.Demo d : DemoUsers.ALL) {
            users.ensure(c, d);
            seeded.add(new UserInfo(d.userId(), d.username(), d.displayName(), d.email()));
          }
          for (BusinessModule m : modules) {
            m.seedDemo(seeded, c);
          }
          return null;
        });
    log.info("Demo users present: {}", seeded.stream().map(UserInfo::username).toList());
  }

  private static void errors(Javalin http) {
    http.exception(ApiException.class, (e, ctx) -> write(ctx, e));
    http.exception(
        HttpResponseException.class,
        (e, ctx) ->
            write(
                ctx,
                new ApiException(
                    e.getStatus(),
                    e.getStatus() == 413 ? "too_large" : "invalid_request",
                    List.of(Map.entry("(request)", e.getMessage())),
                    Map.of())));
    http.exception(
        DatabaseException.class,
        (e, ctx) -> {
          if (e.isTransient()) {
            log.warn("Database unavailable on {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            write(ctx, ApiException.unavailable("the database is not reachable; try again"));
          } else {
            internalError(ctx, e);
          }
        });
    http.exception(Exception.class, (e, ctx) -> internalError(ctx, e));
    http.error(
        404,
        ctx -> {
          if (ctx.attribute("msgcenter.error") == null) {
            write(ctx, ApiException.notFound("(path)", "names no endpoint: " + ctx.path()));
          }
        });
  }

  private static void internalError(Context ctx, Exception e) {
    log.error(
        "Request {} {} failed (trace {})",
        ctx.method(),
        ctx.path(),
        ctx.res().getHeader(RequestInfo.TRACE_HEADER),
        e);
    write(
        ctx,
        new ApiException(
            500,
            "internal",
            List.of(Map.entry("(server)", "failed; the log has the trace id")),
            Map.of()));
  }

  private static void write(Context ctx, ApiException e) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", e.status());
    body.put("error", e.error());
    body.put("message", e.getMessage());
    body.put(
        "violations",
        e.violations().stream()
            .map(v -> Map.of("field", v.getKey(), "rule", v.getValue()))
            .toList());
    e.headers().forEach(ctx::header);
    ctx.attribute("msgcenter.error", Boolean.TRUE);
    Json.write(ctx, e.status(), body);
  }

  private <T extends AutoCloseable> T started(T part) {
    started.push(part);
    return part;
  }

  /** Starts the server; a failure closes what was started and rethrows. */
  public static AccessServer start(AccessConfig config, Clock clock, ClassLoader loader) {
    return new AccessServer(config, clock, loader);
  }

  /** The HTTP port (useful with {@code http.port=0}). */
  public int port() {
    return http.port();
  }

  /** Every API route with who may call it. */
  public List<Routes.Route> routes() {
    return routes;
  }

  /** The outbox relay (tests stop it to show that committed rows wait for it). */
  public OutboxRelay relay() {
    return relay;
  }

  /**
   * Stops in reverse start order: HTTP first (no new work), then the center client, the outbox
   * relay, the Kafka publisher and the database. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeAll();
    log.info("Business access stopped");
  }

  private void closeAll() {
    while (!started.isEmpty()) {
      AutoCloseable part = started.pop();
      try {
        part.close();
      } catch (Exception e) {
        log.warn("{} did not stop cleanly", part.getClass().getSimpleName(), e);
      }
    }
  }

  public static void main(String[] args) {
    Path file = Path.of(args.length > 0 ? args[0] : "conf/business-access.properties");
    AccessConfig config;
    try {
      config =
          AccessConfig.from(
              Settings.load(
                  file.toFile().exists() ? file : null,
                  AccessConfig.DEFAULTS,
                  System.getenv(),
                  System.getProperties()));
    } catch (ConfigException e) {
      System.err.println("business-access: " + e.getMessage());
      System.exit(2);
      return;
    }
    AccessServer server = start(config, Clock.systemUTC(), AccessServer.class.getClassLoader());
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "access-shutdown"));
  }
}
