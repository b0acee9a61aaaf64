package org.msgcenter.notifier.socket;

import com.corundumstudio.socketio.AuthTokenResult;
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
 * A client that sent no auth payload (Socket.IO v2/EIO3 clients never do) is decided by {@link
 * #identity} when it connects.
 */
final class Authenticator {
  private static final Logger log = LoggerFactory.getLogger(Authenticator.class);

  static final String USER = "msgcenter.userId";
  static final String SINCE = "msgcenter.since";
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

  /** The v4 namespace connect with an {@code auth} payload. */
  AuthTokenResult authPayload(Object auth, SocketIOClient client) {
    if (!(auth instanceof Map<?, ?> map)) {
      return refuse(client, Reason.BAD_REQUEST, "auth must be an object {token, since}");
    }
    Object token = map.get("token");
    Object since = map.get("since");
    if (token != null && !(token instanceof String)) {
      return refuse(client, Reason.BAD_REQUEST, "auth.token must be a string");
    }
    if (since != null && !(since instanceof String)) {
      return refuse(client, Reason.BAD_REQUEST, "auth.since must be a messageId string");
    }
    Verdict v = token != null ? verifier.verify((String) token) : client.get(QUERY_VERDICT);
    if (v == null) {
      v = verifier.verify(null);
    }
    if (v instanceof Refused r) {
      return refuse(client, r.reason(), r.message());
    }
    String sinceText = since != null ? (String) since : client.get(QUERY_SINCE);
    String problem = sinceProblem(sinceText);
    if (problem != null) {
      return refuse(client, Reason.BAD_REQUEST, problem);
    }
    client.set(USER, ((Verified) v).userId());
    if (sinceText != null && !sinceText.isEmpty()) {
      client.set(SINCE, sinceText);
    }
    return AuthTokenResult.AuthTokenResultSuccess;
  }

  /**
   * The connection's verified user and since, or the refusal for a client that sent no usable auth
   * payload and no valid query token.
   */
  Verdict identity(SocketIOClient client) {
    String user = client.get(USER);
    if (user != null) {
      return new Verified(user, null);
    }
    Verdict v = client.get(QUERY_VERDICT);
    if (v == null) {
      v = verifier.verify(null);
    }
    if (v instanceof Refused r) {
      count(r.reason(), r.message(), client);
      return r;
    }
    String since = client.get(QUERY_SINCE);
    String problem = sinceProblem(since);
    if (problem != null) {
      count(Reason.BAD_REQUEST, problem, client);
      return new Refused(Reason.BAD_REQUEST, problem);
    }
    client.set(USER, ((Verified) v).userId());
    if (since != null) {
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

  private AuthTokenResult refuse(SocketIOClient client, Reason reason, String message) {
    count(reason, message, client);
    return new AuthTokenResult(false, errorData(reason, message));
  }

  private void count(Reason reason, String message, SocketIOClient client) {
    metrics.counter("notifier.refused", "reason", reason.tag()).increment();
    log.info(
        "Refused connection {} from {}: {}",
        client.getSessionId(),
        client.getRemoteAddress(),
        message);
  }

  private void refused(Reason reason, String message, HandshakeData data) {
    metrics.counter("notifier.refused", "reason", reason.tag()).increment();
    log.info("Refused handshake from {}: {}", data.getAddress(), message);
  }

  private static String shorten(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }
}
