package org.msgcenter.notifier.it;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.json.JSONArray;
import org.json.JSONObject;

/**
 * The official Socket.IO Java client (EIO4), connected as an app would: it records every {@code
 * notification} and acks it (unless told not to), and records connect errors and replay summaries.
 */
final class TestClient implements AutoCloseable {
  final Socket socket;
  final List<JSONObject> notifications = new CopyOnWriteArrayList<>();
  final List<JSONObject> replays = new CopyOnWriteArrayList<>();
  final List<Object> connectErrors = new CopyOnWriteArrayList<>();
  final List<JSONObject> requestErrors = new CopyOnWriteArrayList<>();
  volatile boolean connected;
  volatile boolean ack = true;

  private TestClient(URI uri, IO.Options options) {
    options.forceNew = true;
    options.reconnection = false;
    socket = IO.socket(uri, options);
    socket.on(Socket.EVENT_CONNECT, args -> connected = true);
    socket.on(Socket.EVENT_DISCONNECT, args -> connected = false);
    socket.on(
        Socket.EVENT_CONNECT_ERROR, args -> connectErrors.add(args.length > 0 ? args[0] : null));
    socket.on("replay", args -> replays.add((JSONObject) args[0]));
    socket.on("request_error", args -> requestErrors.add((JSONObject) args[0]));
    socket.on(
        "notification",
        args -> {
          notifications.add((JSONObject) args[0]);
          if (ack && args.length > 1 && args[args.length - 1] instanceof Ack a) {
            a.call();
          }
        });
  }

  /** Token (and since) in the v4 {@code auth} payload. */
  static TestClient withAuth(int port, String token, String since) {
    Map<String, String> auth = new java.util.HashMap<>();
    if (token != null) {
      auth.put("token", token);
    }
    if (since != null) {
      auth.put("since", since);
    }
    IO.Options o =
        IO.Options.builder().setAuth(auth).setTransports(new String[] {"websocket"}).build();
    return new TestClient(uri(port), o);
  }

  /** Token in the auth payload, over HTTP long-polling only (no websocket upgrade). */
  static TestClient polling(int port, String token) {
    IO.Options o =
        IO.Options.builder()
            .setAuth(Map.of("token", token))
            .setTransports(new String[] {"polling"})
            .build();
    return new TestClient(uri(port), o);
  }

  /** Token in the auth payload, from a browser page of {@code origin}. */
  static TestClient fromOrigin(int port, String token, String origin) {
    IO.Options o =
        IO.Options.builder()
            .setAuth(Map.of("token", token))
            .setTransports(new String[] {"websocket"})
            .setExtraHeaders(Map.of("Origin", List.of(origin)))
            .build();
    return new TestClient(uri(port), o);
  }

  /** Token (and since) in the query string, no auth payload. */
  static TestClient withQuery(int port, String query) {
    IO.Options o = IO.Options.builder().setTransports(new String[] {"websocket"}).build();
    if (query != null) {
      o.query = query;
    }
    return new TestClient(uri(port), o);
  }

  private static URI uri(int port) {
    return URI.create("http://127.0.0.1:" + port);
  }

  TestClient connect() {
    socket.connect();
    return this;
  }

  List<String> messageIds() {
    List<String> out = new ArrayList<>();
    notifications.forEach(n -> out.add(n.optString("messageId")));
    return out;
  }

  /** Emits {@code read} with the payload and waits for the server's answer. */
  JSONObject read(Object payload) throws Exception {
    CompletableFuture<JSONObject> answer = new CompletableFuture<>();
    socket.emit("read", new Object[] {payload}, args -> answer.complete((JSONObject) args[0]));
    return answer.get(30, TimeUnit.SECONDS);
  }

  static JSONObject readPayload(List<String> messageIds) {
    return new JSONObject(Map.of("messageIds", new JSONArray(messageIds)));
  }

  @Override
  public void close() {
    socket.disconnect();
    socket.close();
  }
}
