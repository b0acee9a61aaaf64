package org.msgcenter.notifier.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Health and metrics over HTTP: {@code GET /health} answers 200 with {@code {"status":"UP",...}}
 * when every check passes and 503 otherwise; {@code GET /metrics} is the Prometheus scrape.
 */
public final class HealthServer implements AutoCloseable {
  private final HttpServer server;

  /**
   * @param checks named checks; each returns null when healthy, or what is wrong
   */
  public HealthServer(
      int port,
      String instanceId,
      PrometheusMeterRegistry metrics,
      Map<String, Supplier<String>> checks)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    server.setExecutor(
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "notifier-health-http");
              t.setDaemon(true);
              return t;
            }));
    server.createContext(
        "/health",
        ex -> {
          StringBuilder json =
              new StringBuilder("{\"instanceId\":\"").append(instanceId).append("\",\"checks\":{");
          boolean up = true;
          boolean first = true;
          for (var check : checks.entrySet()) {
            String problem;
            try {
              problem = check.getValue().get();
            } catch (RuntimeException e) {
              problem = e.toString();
            }
            up &= problem == null;
            json.append(first ? "" : ",")
                .append('"')
                .append(check.getKey())
                .append("\":\"")
                .append(problem == null ? "UP" : escape(problem))
                .append('"');
            first = false;
          }
          json.append("},\"status\":\"").append(up ? "UP" : "DOWN").append("\"}");
          reply(ex, up ? 200 : 503, "application/json", json.toString());
        });
    server.createContext(
        "/metrics",
        ex -> reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ");
  }

  private static void reply(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
