package org.msgcenter.notifier.socket;

import com.corundumstudio.socketio.AuthorizationResult;
import com.corundumstudio.socketio.HandshakeData;
import com.corundumstudio.socketio.SocketIOClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgcenter.api.Uuid7;
import org.msgcenter.notifier.auth.TokenVerifier;
import org.msgcenter.notifier.auth.TokenVerifier.Reason;
import org.msgcenter.notifier.auth.TokenVerifier.Refused;
import org.msgcenter.notifier.auth.TokenVerifier.Verdict;
import org.msgcenter.notifier.auth.TokenVerifier.Verified;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who a connection belongs to, decided in two places because clients send the token in two:
 *
 * <ul>
 *   <li>the Engine.IO handshake (HTTP): the {@code Origin} is checked against the allowed origins,
 *       and a {@code token} (and {@code since}) query parameter is verified and remembered;
 *   <li>the Socket.IO v4 namespace connect, whose {@code auth} payload ({@code {token, since}})
 *       wins over the query; a refusal there reaches the client as {@code connect_error} with
 *       {@code {message, data: {reason}}}.
 * </ul>
 *
 * netty-socketio runs its connect listeners at the handshake, before a v4 client's namespace
 * connect: the query's verdict is known then, the auth payload's only later.
 */
final class Authenticator {
  private static final Logger log = LoggerFactory.getLogger(Authenticator.class);

  static final String USER = "msgcenter.userId";
  static final String SINCE = "msgcenter.since";
  static final String EXPIRES = "msgcenter.expiresAt";
  static final String QUERY_VERDICT = "msgcenter.queryVerdict";
  static final String QUERY_SINCE = "msgcenter.querySince";

  private final TokenVerifier verifier;
  private final List<String> allowedOrigins;
  private final boolean anyOrigin;
  private final MeterRegistry metrics;

  Authenticator(
      TokenVerifier verifier,
      List<String> allowedOrigins,
      boolean anyOrigin,
      MeterRegistry metrics) {
    this.verifier = verifier;
    this.allowedOrigins = allowedOrigins;
    this.anyOrigin = anyOrigin;
    this.metrics = metrics;
    for (Reason r : Reason.values()) {
      metrics.counter("notifier.refused", "reason", r.tag());
    }
  }

  /** The Engine.IO handshake: origin check, query token verified and kept for the connect. */
  AuthorizationResult handshake(HandshakeData data) {
    String origin = data.getHttpHeaders().get("Origin");
    if (origin != null && !anyOrigin && !allowedOrigins.contains(origin)) {
      refused(Reason.ORIGIN, "origin " + origin + " is not in socketio.allowedOrigins", data);
      return AuthorizationResult.FAILED_AUTHORIZATION;
    }
    Map<String, Object> store = new HashMap<>();
    String token = data.getSingleUrlParam("token");
    if (token != null) {
      store.put(QUERY_VERDICT, verifier.verify(token));
    }
    String since = data.getSingleUrlParam("since");
    if (since != null && !since.isEmpty()) {
      store.put(QUERY_SINCE, since);
    }
    return new AuthorizationResult(true, store);
  }

  /**
   * The v4 namespace connect with an {@code auth} payload: {@code {token, since}}, the token
   * falling back to the query's. Returns who it names, or the refusal (already counted).
   */
  Verdict authPayload(Object auth, SocketIOClient client) {
    if (!(auth instanceof Map<?, ?> map)) {
      return refused(client, Reason.BAD_REQUEST, "auth must be an object {token, since}");
    }
    Object token = map.get("token");
    Object since = map.get("since");
    if (token != null && !(token instanceof String)) {
      return refused(client, Reason.BAD_REQUEST, "auth.token must be a string");
    }
    if (since != null && !(since instanceof String)) {
      return refused(client, Reason.BAD_REQUEST, "auth.since must be a messageId string");
    }
    Verdict v = token != null ? verifier.verify((String) token) : client.get(QUERY_VERDICT);
    return checked(client, v, since != null ? (String) since : client.get(QUERY_SINCE));
  }

  /**
   * The token and since of the handshake's query string, or null when it had no token (then a v4
   * client may still send one in its auth payload).
   */
  Verdict query(SocketIOClient client) {
    Verdict v = client.get(QUERY_VERDICT);
    return v == null ? null : checked(client, v, client.get(QUERY_SINCE));
  }

  /** The refusal of a client that sent no token at all. */
  Refused missing(SocketIOClient client) {
    return (Refused) checked(client, null, null);
  }

  private Verdict checked(SocketIOClient client, Verdict v, String since) {
    if (v == null) {
      v = verifier.verify(null);
    }
    if (v instanceof Refused r) {
      return refused(client, r.reason(), r.message());
    }
    String problem = sinceProblem(since);
    if (problem != null) {
      return refused(client, Reason.BAD_REQUEST, problem);
    }
    client.set(USER, ((Verified) v).userId());
    if (((Verified) v).expiresAt() != null) {
      client.set(EXPIRES, ((Verified) v).expiresAt());
    }
    if (since != null && !since.isEmpty()) {
      client.set(SINCE, since);
    }
    return v;
  }

  static String sinceProblem(String since) {
    if (since == null || since.isEmpty() || Uuid7.isCanonical(since)) {
      return null;
    }
    return "since must be a messageId (a canonical UUIDv7), was " + shorten(since);
  }

  /** The data a refused client receives with {@code connect_error}. */
  static Map<String, Object> errorData(Reason reason, String message) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("message", message);
    out.put("data", Map.of("reason", reason.tag()));
    return out;
  }

  Refused refused(SocketIOClient client, Reason reason, String message) {
    metrics.counter("notifier.refused", "reason", reason.tag()).increment();
    log.info(
        "Refused connection {} from {}: {}",
        client.getSessionId(),
        client.getRemoteAddress(),
        message);
    return new Refused(reason, message);
  }

  private void refused(Reason reason, String message, HandshakeData data) {
    metrics.counter("notifier.refused", "reason", reason.tag()).increment();
    log.info("Refused handshake from {}: {}", data.getAddress(), message);
  }

  private static String shorten(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }
}
