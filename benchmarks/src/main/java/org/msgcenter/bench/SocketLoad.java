package org.msgcenter.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A lightweight Socket.IO load client: raw Engine.IO 4 over the JDK's WebSocket client, no thread
 * per socket (one selector thread and a small pool for every socket), so one JVM holds tens of
 * thousands of them. Each socket connects to the default namespace with {@code auth: {token}},
 * answers pings, acks every {@code notification} and records its latency: now minus the due time
 * the benchmark wrote into the notification's data ({@value LatencyScenario#PUBLISHED_AT}).
 */
final class SocketLoad implements AutoCloseable {
  private static final Pattern ACK_ID = Pattern.compile("^42(\\d+)\\[\"notification\"");
  private static final Pattern PUBLISHED =
      Pattern.compile("\"" + LatencyScenario.PUBLISHED_AT + "\":(\\d+)");

  private final ExecutorService pool = Executors.newFixedThreadPool(2, daemon());
  private final HttpClient http = HttpClient.newBuilder().executor(pool).build();
  private final List<WebSocket> sockets = new ArrayList<>();
  private final AtomicLong ready = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong closedByServer = new AtomicLong();
  private volatile long[] latencies = new long[0];
  private final AtomicLong recorded = new AtomicLong();
  private volatile boolean recording;
  private volatile long recordFromMicros;

  private static java.util.concurrent.ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "socket-load");
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Opens {@code count} sockets to {@code port}, at most {@code inFlight} handshakes at a time,
   * socket i with the token {@code tokens.apply(i)}; returns when all are ready (their replay
   * summary received) or {@code timeout} passed.
   */
  void connect(int port, int count, IntFunction<String> tokens, int inFlight, Duration timeout)
      throws InterruptedException {
    Semaphore permits = new Semaphore(inFlight);
    long deadline = System.nanoTime() + timeout.toNanos();
    long nextPrint = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    URI uri = URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket");
    for (int i = 0; i < count && System.nanoTime() < deadline; i++) {
      permits.acquire();
      Listener listener = new Listener(tokens.apply(i), permits);
      http.newWebSocketBuilder()
          .connectTimeout(Duration.ofSeconds(30))
          .buildAsync(uri, listener)
          .whenComplete(
              (ws, e) -> {
                if (e != null) {
                  failed.incrementAndGet();
                  permits.release();
                } else {
                  synchronized (sockets) {
                    sockets.add(ws);
                  }
                }
              });
      if (System.nanoTime() > nextPrint) {
        System.out.printf(
            "  connecting: %s/%s ready, %s failed%n",
            Progress.grouped(ready.get()), Progress.grouped(count), failed.get());
        nextPrint += TimeUnit.SECONDS.toNanos(1);
      }
    }
    while (ready.get() + failed.get() < count && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
  }

  long ready() {
    return ready.get();
  }

  long failed() {
    return failed.get();
  }

  long received() {
    return received.get();
  }

  long closedByServer() {
    return closedByServer.get();
  }

  /**
   * Starts recording the latency of up to {@code capacity} receipts of items due at or after {@code
   * fromMicros} (late receipts of the warm-up are not counted).
   */
  void record(int capacity, long fromMicros) {
    recordFromMicros = fromMicros;
    latencies = new long[capacity];
    recorded.set(0);
    recording = true;
  }

  /** The recorded latencies in microseconds, sorted. */
  long[] stopRecording() {
    recording = false;
    int n = (int) Math.min(recorded.get(), latencies.length);
    long[] out = java.util.Arrays.copyOf(latencies, n);
    java.util.Arrays.sort(out);
    return out;
  }

  long recordedCount() {
    return recorded.get();
  }

  private void onNotification(String text) {
    received.incrementAndGet();
    if (!recording) {
      return;
    }
    Matcher m = PUBLISHED.matcher(text);
    if (m.find()) {
      long due = Long.parseLong(m.group(1));
      if (due < recordFromMicros) {
        return;
      }
      Instant now = Instant.now();
      long nowMicros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
      long i = recorded.getAndIncrement();
      long[] l = latencies;
      if (i < l.length) {
        l[(int) i] = nowMicros - due;
      }
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final String token;
    private final Semaphore permits;
    private StringBuilder partial;
    private boolean counted;

    Listener(String token, Semaphore permits) {
      this.token = token;
      this.permits = permits;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      if (!last) {
        if (partial == null) {
          partial = new StringBuilder();
        }
        partial.append(data);
        ws.request(1);
        return null;
      }
      String text = partial == null ? data.toString() : partial.append(data).toString();
      partial = null;
      CompletableFuture<?> sent = null;
      if (text.equals("2")) {
        sent = ws.sendText("3", true).toCompletableFuture();
      } else if (text.startsWith("0{")) {
        sent = ws.sendText("40{\"token\":\"" + token + "\"}", true).toCompletableFuture();
      } else if (text.startsWith("42[\"replay\"") && !counted) {
        counted = true;
        ready.incrementAndGet();
        permits.release();
      } else if (text.startsWith("44")) {
        // connect_error: refused
        if (!counted) {
          counted = true;
          failed.incrementAndGet();
          permits.release();
        }
      } else {
        Matcher ack = ACK_ID.matcher(text);
        if (ack.find()) {
          onNotification(text);
          sent = ws.sendText("43" + ack.group(1) + "[]", true).toCompletableFuture();
        }
      }
      ws.request(1);
      return sent;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closedByServer.incrementAndGet();
      if (!counted) {
        counted = true;
        failed.incrementAndGet();
        permits.release();
      }
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      if (!counted) {
        counted = true;
        failed.incrementAndGet();
        permits.release();
      }
    }
  }

  @Override
  public void close() {
    List<WebSocket> all;
    synchronized (sockets) {
      all = new ArrayList<>(sockets);
    }
    for (WebSocket ws : all) {
      ws.abort();
    }
    pool.shutdownNow();
  }
}
