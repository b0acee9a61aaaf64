package org.msgcenter.center.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A callback endpoint that answers 200 at once and keeps, for every request, the idempotency key,
 * the delivery and message ids it carried, and when it arrived. Built for tens of thousands of
 * requests: appending is cheap, and nothing is copied until a test asks.
 */
final class KeyedSink implements AutoCloseable {

  /** One request as the endpoint saw it. */
  record Hit(
      String idempotencyKey,
      String deliveryId,
      String messageId,
      long arrivedNanos,
      Instant arrivedAt) {}

  private final HttpServer server;
  private final ExecutorService executor;
  private final Queue<Hit> hits = new ConcurrentLinkedQueue<>();
  private final AtomicInteger count = new AtomicInteger();

  KeyedSink(int threads) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    AtomicInteger n = new AtomicInteger();
    executor =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "keyed-sink-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext(
        "/",
        ex -> {
          try (InputStream in = ex.getRequestBody()) {
            in.readAllBytes();
          }
          var headers = ex.getRequestHeaders();
          hits.add(
              new Hit(
                  headers.getFirst("Idempotency-Key"),
                  headers.getFirst("X-Msgcenter-Delivery-Id"),
                  headers.getFirst("X-Msgcenter-Message-Id"),
                  System.nanoTime(),
                  Instant.now()));
          count.incrementAndGet();
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Requests received so far. */
  int count() {
    return count.get();
  }

  /** A copy of the requests received so far, in arrival order (per handler thread). */
  List<Hit> hits() {
    return new ArrayList<>(hits);
  }

  /** How many requests carried each idempotency key (requests without one under "null"). */
  Map<String, Integer> perKey() {
    Map<String, Integer> out = new HashMap<>();
    for (Hit h : hits) {
      out.merge(String.valueOf(h.idempotencyKey()), 1, Integer::sum);
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
