package org.msgcenter.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The webhook receiver of the drain: the JDK's HTTP server on 127.0.0.1 and a random port, reading
 * each request's body and answering {@code 200} with an empty body, at once or after a fixed delay
 * (a slow receiver, for the scale scenario). It counts requests and those that arrive without the
 * center's signature header.
 */
final class HttpSink implements AutoCloseable {
  static final String PATH = "/bench/hook";

  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong unsigned = new AtomicLong();
  private final Duration delay;

  private HttpSink(HttpServer server, ExecutorService executor, Duration delay) {
    this.server = server;
    this.executor = executor;
    this.delay = delay;
  }

  /** Starts a sink with {@code threads} handler threads that answers at once. */
  static HttpSink start(int threads) throws IOException {
    return start(threads, Duration.ZERO);
  }

  /**
   * Starts a sink with {@code threads} handler threads that answers each request {@code delay}
   * after reading it. A handler thread waits out the delay, so {@code threads / delay} bounds the
   * requests per second it can take: give it more threads than the senders have requests in flight.
   */
  static HttpSink start(int threads, Duration delay) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "http-sink-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    HttpSink sink = new HttpSink(server, executor, delay);
    server.createContext(PATH, sink::handle);
    server.setExecutor(executor);
    server.start();
    return sink;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange;
        InputStream body = exchange.getRequestBody()) {
      body.readAllBytes();
      if (exchange.getRequestHeaders().getFirst("X-Msgcenter-Signature") == null) {
        unsigned.incrementAndGet();
      }
      requests.incrementAndGet();
      if (!delay.isZero()) {
        try {
          Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      exchange.sendResponseHeaders(200, -1);
    }
  }

  /** The URL the center's route points its webhook deliveries at. */
  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
  }

  long requests() {
    return requests.get();
  }

  long unsigned() {
    return unsigned.get();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
