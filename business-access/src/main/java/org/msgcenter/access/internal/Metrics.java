package org.msgcenter.access.internal;

import io.javalin.http.Context;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.msgcenter.api.outbox.OutboxRelay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access server's metrics, served at {@code /metrics} in the Prometheus text format: requests
 * by route and status, and the outbox (published, failed, rows waiting, age of the oldest).
 */
public final class Metrics {
  private static final Logger log = LoggerFactory.getLogger(Metrics.class);
  private static final String ROUTE = "msgcenter.route";
  private static final String STARTED = "msgcenter.started";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  public Metrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  /** Counters of the relay, and the backlog, asked from the database at each scrape. */
  public void bindRelay(OutboxRelay relay, Clock clock) {
    FunctionCounter.builder("msgcenter.outbox.published", relay, OutboxRelay::published)
        .description("outbox rows published and marked sent by this process")
        .register(registry);
    FunctionCounter.builder("msgcenter.outbox.failures", relay, OutboxRelay::failures)
        .description("failed publishes and failed relay rounds")
        .register(registry);
    Gauge.builder("msgcenter.outbox.waiting", relay, r -> backlog(r, clock, false))
        .description("outbox rows not yet acknowledged by the broker")
        .register(registry);
    Gauge.builder("msgcenter.outbox.oldest.age", relay, r -> backlog(r, clock, true))
        .description("seconds since the oldest unsent outbox row was written (0: none)")
        .baseUnit("seconds")
        .register(registry);
  }

  private static double backlog(OutboxRelay relay, Clock clock, boolean age) {
    try {
      var b = relay.backlog();
      if (!age) {
        return b.rows();
      }
      return b.oldest()
          .map(o -> Duration.between(o, clock.instant()).toMillis() / 1000.0)
          .orElse(0.0);
    } catch (RuntimeException e) {
      log.debug("Outbox backlog unavailable: {}", e.getMessage());
      return Double.NaN;
    }
  }

  /** Called first for every request. */
  public static void begin(Context ctx) {
    ctx.attribute(STARTED, System.nanoTime());
  }

  /** Names the route a request matched (its pattern, not the path with ids in it). */
  public static void route(Context ctx, String path) {
    ctx.attribute(ROUTE, path);
  }

  /** Called last for every request. */
  public void record(Context ctx) {
    Long started = ctx.attribute(STARTED);
    String route = ctx.attribute(ROUTE);
    Timer.builder("msgcenter.access.requests")
        .description("HTTP requests by route and status")
        .tag("method", ctx.method().name())
        .tag("route", route == null ? "other" : route)
        .tag("status", Integer.toString(ctx.statusCode()))
        .register(registry)
        .record(started == null ? 0 : System.nanoTime() - started, TimeUnit.NANOSECONDS);
  }

  public String scrape() {
    return registry.scrape();
  }
}
