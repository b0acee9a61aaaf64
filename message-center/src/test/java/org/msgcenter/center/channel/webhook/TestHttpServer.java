package org.msgcenter.center.channel.webhook;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A real HTTP server on 127.0.0.1 that records every request and answers as told per path. */
final class TestHttpServer implements AutoCloseable {

  /** One request as received: path with query, headers, exact body bytes. */
  record Request(String method, String pathAndQuery, Headers headers, byte[] body) {
    String header(String name) {
      return headers.getFirst(name);
    }
  }

  /** How to answer a path. */
  @FunctionalInterface
  interface Handler {
    void handle(HttpExchange exchange, Request request) throws IOException;
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Handler> handlers = new ConcurrentHashMap<>();

  TestHttpServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::serve);
    server.start();
  }

  /** Answers requests to {@code path} (without query) with {@code handler}. */
  TestHttpServer on(String path, Handler handler) {
    handlers.put(path, handler);
    return this;
  }

  /** Answers {@code path} with a status, headers (name, value, ...) and an empty body. */
  TestHttpServer answer(String path, int status, String... headers) {
    return on(path, (exchange, request) -> respond(exchange, status, "", headers));
  }

  static void respond(HttpExchange exchange, int status, String body, String... headers)
      throws IOException {
    for (int i = 0; i < headers.length; i += 2) {
      exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
    }
    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }

  int port() {
    return server.getAddress().getPort();
  }

  String url(String pathAndQuery) {
    return "http://127.0.0.1:" + port() + pathAndQuery;
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  List<Request> requests(String path) {
    return requests.stream().filter(r -> r.pathAndQuery().split("\\?")[0].equals(path)).toList();
  }

  private void serve(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    Request request =
        new Request(
            exchange.getRequestMethod(),
            exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null
                    ? ""
                    : "?" + exchange.getRequestURI().getRawQuery()),
            exchange.getRequestHeaders(),
            body);
    requests.add(request);
    Handler handler = handlers.get(exchange.getRequestURI().getPath());
    if (handler == null) {
      respond(exchange, 200, "");
    } else {
      handler.handle(exchange, request);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
