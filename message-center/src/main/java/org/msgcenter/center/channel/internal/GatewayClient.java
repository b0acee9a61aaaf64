package org.msgcenter.center.channel.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP client of one gateway channel (SMS, app push, IM robots): {@code java.net.http} on the
 * channel's own fixed pool of threads (not the common pool, so one slow gateway cannot take threads
 * from another channel), redirects never followed, and a deadline on every exchange.
 */
public final class GatewayClient implements AutoCloseable {
  /** Longest answer read; gateways answer with a few hundred bytes. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  /** An answer: status, headers, body (cut at 64 KiB). */
  public record Response(int status, HttpHeaders headers, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private final Duration timeout;
  private final ExecutorService executor;
  private final HttpClient client;

  /**
   * @param channel names the threads
   * @param timeout the limit on connecting and on the whole exchange
   * @param threads the pool's size
   */
  public GatewayClient(String channel, Duration timeout, int threads) {
    this.timeout = timeout;
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "msgcenter-" + channel + "-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    this.executor = pool;
    this.client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(timeout)
            .executor(executor)
            .build();
  }

  public Duration timeout() {
    return timeout;
  }

  /**
   * POSTs {@code body} as JSON. The stage completes within the timeout: with the answer, or
   * exceptionally (an {@link java.io.IOException}, a {@link java.util.concurrent.TimeoutException}
   * at the deadline, or {@link java.util.concurrent.RejectedExecutionException} once closed); see
   * {@link GatewayFailures#from}.
   */
  public CompletableFuture<Response> postJson(URI uri, Map<String, String> headers, byte[] body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri)
            .version(HttpClient.Version.HTTP_1_1)
            .timeout(timeout)
            .header("Content-Type", "application/json; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(builder::header);
    CompletableFuture<HttpResponse<byte[]>> http;
    try {
      http = client.sendAsync(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Response> result =
        http.thenApply(
                r -> {
                  byte[] b = r.body() == null ? new byte[0] : r.body();
                  if (b.length > MAX_BODY_BYTES) {
                    b = java.util.Arrays.copyOf(b, MAX_BODY_BYTES);
                  }
                  return new Response(r.statusCode(), r.headers(), b);
                })
            .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    // At the deadline, stop the exchange instead of waiting it out.
    result.whenComplete((r, e) -> http.cancel(true));
    return result;
  }

  /** Takes no more requests; exchanges in flight end by their deadline. */
  @Override
  public void close() {
    executor.shutdown();
  }
}
