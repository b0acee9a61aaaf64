package org.msgcenter.center.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on a free port of 127.0.0.1 that speaks a provider's JSON protocol: the
 * subclass reads each request as the provider would and answers as the provider would.
 */
public abstract class HttpPeer implements AutoCloseable {
  protected static final ObjectMapper JSON = new ObjectMapper();

  /** One request as received. */
  public record Request(
      String method, String path, String query, Map<String, List<String>> headers, byte[] body) {
    public String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** A query parameter, URL-decoded, or null. */
    public String param(String name) {
      if (query == null) {
        return null;
      }
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).equals(name)) {
          return java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        }
      }
      return null;
    }
  }

  /** An answer: status, JSON body, headers, and how long to wait before giving it. */
  public record Answer(int status, Object body, Map<String, String> headers, Duration delay) {
    public static Answer json(int status, Object body) {
      return new Answer(status, body, Map.of(), Duration.ZERO);
    }

    public Answer header(String name, String value) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put(name, value);
      return new Answer(status, body, h, delay);
    }

    public Answer after(Duration wait) {
      return new Answer(status, body, headers, wait);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(8);
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  protected HttpPeer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::serve);
    server.start();
  }

  /** How the provider answers {@code request}. */
  protected abstract Answer answer(Request request) throws Exception;

  public String url(String pathAndQuery) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  private void serve(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    Request request =
        new Request(
            exchange.getRequestMethod(),
            exchange.getRequestURI().getRawPath(),
            exchange.getRequestURI().getRawQuery(),
            Map.copyOf(exchange.getRequestHeaders()),
            body);
    requests.add(request);
    Answer answer;
    try {
      answer = answer(request);
    } catch (Exception e) {
      answer = Answer.json(500, Map.of("error", String.valueOf(e)));
    }
    try {
      if (!answer.delay().isZero()) {
        Thread.sleep(answer.delay().toMillis());
      }
      byte[] out =
          answer.body() == null
              ? new byte[0]
              : answer.body() instanceof String s
                  ? s.getBytes(StandardCharsets.UTF_8)
                  : JSON.writeValueAsBytes(answer.body());
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        exchange.getResponseBody().write(out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // The client gave up (a timeout test): nothing to answer to.
    } finally {
      exchange.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
