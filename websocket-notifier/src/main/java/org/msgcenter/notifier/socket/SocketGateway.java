package org.msgcenter.notifier.socket;

import com.corundumstudio.socketio.AuthTokenResult;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketConfig;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import com.corundumstudio.socketio.transport.NamespaceClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.msgcenter.notifier.auth.TokenVerifier;
import org.msgcenter.notifier.auth.TokenVerifier.Reason;
import org.msgcenter.notifier.auth.TokenVerifier.Refused;
import org.msgcenter.notifier.auth.TokenVerifier.Verdict;
import org.msgcenter.notifier.auth.TokenVerifier.Verified;
import org.msgcenter.notifier.config.NotifierConfig;
import org.msgcenter.notifier.realtime.RealtimeEvent;
import org.msgcenter.notifier.realtime.RecentEvents;
import org.msgcenter.notifier.receipts.ReceiptPublisher;
import org.msgcenter.notifier.replay.CenterClient;
import org.msgcenter.notifier.replay.Replayer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Socket.IO server: standard protocol (Engine.IO 4 and 3, websocket and polling), token auth
 * ({@link Authenticator}), one {@link Session} per authenticated connection, replay on connect,
 * live notifications from {@link #deliver}, acks and {@code read} turned into receipts.
 *
 * <p>Events a client may send: {@code read} with {@code {messageIds: [...]}}. A bad payload is
 * answered with {@code {ok: false, errors: [...]}} through the client's ack (or, without one, a
 * {@code request_error} event {@code {event, errors}}); the valid ids of the same payload are still
 * recorded.
 */
public final class SocketGateway implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SocketGateway.class);

  /** Sent after the replay: {@code {count, truncated}}, or {@code {count: 0, error}}. */
  static final String REPLAY = "replay";

  static final String READ = "read";
  private static final String REFUSED = "msgcenter.refused";

  /**
   * How long a refused connection stays open for its connect_error to be read: a long-polling
   * client only gets it with its next poll.
   */
  private static final java.time.Duration REFUSED_CLOSE_DELAY = java.time.Duration.ofSeconds(3);

  static final String REQUEST_ERROR = "request_error";

  /** Sent when the connection's token expires, just before the server disconnects it. */
  static final String EXPIRED = "token_expired";

  /** Tries to read the inbox before a connection gets its live events without a replay. */
  private static final int REPLAY_ATTEMPTS = 3;

  private final SocketIOServer server;
  private final Sessions sessions = new Sessions();
  private final Authenticator auth;
  private final Emitter emitter;
  private final Replayer replayer;
  private final CenterClient center;
  private final ReceiptPublisher receipts;
  private final RecentEvents recent;
  private final ExecutorService replays;
  private final ScheduledExecutorService timers;
  private final Counter replayFailed;
  private final Counter badRequests;
  private final java.time.Duration authTimeout;
  private final java.time.Clock clock;
  private final Counter expired;
  private boolean closed;

  public SocketGateway(
      NotifierConfig.SocketIo config,
      TokenVerifier verifier,
      Replayer replayer,
      CenterClient center,
      ReceiptPublisher receipts,
      RecentEvents recent,
      ExecutorService replays,
      ScheduledExecutorService timers,
      java.time.Clock clock,
      MeterRegistry metrics) {
    this.auth = new Authenticator(verifier, config.allowedOrigins(), config.anyOrigin(), metrics);
    this.replayer = replayer;
    this.center = center;
    this.receipts = receipts;
    this.recent = recent;
    this.replays = replays;
    this.timers = timers;
    this.authTimeout = config.authTimeout();
    this.clock = clock;
    this.expired = metrics.counter("notifier.tokens.expired");
    this.emitter = new Emitter(receipts, recent, metrics);
    this.replayFailed = metrics.counter("notifier.replay.failed");
    this.badRequests = metrics.counter("notifier.bad.requests");
    Gauge.builder("notifier.clients.connected", sessions, Sessions::connected)
        .description("authenticated Socket.IO connections")
        .register(metrics);
    Gauge.builder("notifier.users.connected", sessions, Sessions::users).register(metrics);

    Configuration c = new Configuration();
    c.setHostname(config.host());
    c.setPort(config.port());
    c.setPingInterval((int) config.pingInterval().toMillis());
    c.setPingTimeout((int) config.pingTimeout().toMillis());
    c.setMaxFramePayloadLength(config.maxPayloadBytes());
    c.setMaxHttpContentLength(config.maxPayloadBytes());
    c.setBossThreads(1);
    c.setWorkerThreads(config.workerThreads());
    // null: CORS answers with the request's origin, which the handshake already checked.
    c.setOrigin(null);
    c.setAuthorizationListener(auth::handshake);
    SocketConfig socket = new SocketConfig();
    socket.setReuseAddress(true);
    socket.setTcpNoDelay(true);
    c.setSocketConfig(socket);
    this.server = new SocketIOServer(c);
    server.getNamespace(Namespace.DEFAULT_NAME).addAuthTokenListener(this::onAuthPayload);
    server.addConnectListener(this::onConnect);
    server.addDisconnectListener(this::onDisconnect);
    ReadHandler reads = new ReadHandler(sessions, receipts, center, recent, replays, badRequests);
    server.addEventListener(READ, Object.class, reads::onRead);
  }

  /** Binds the port; fails if it is taken. */
  public void start() {
    server.start();
    log.info("Socket.IO listening on port {}", port());
  }

  public int port() {
    return server.getConfiguration().getPort();
  }

  public Sessions sessions() {
    return sessions;
  }

  private AuthTokenResult onAuthPayload(Object authData, SocketIOClient client) {
    Verdict v = auth.authPayload(authData, client);
    Session existing = sessions.get(client.getSessionId());
    if (v instanceof Verified ok && existing != null && !existing.userId().equals(ok.userId())) {
      v =
          auth.refused(
              client,
              Reason.BAD_REQUEST,
              "auth.token and the token query parameter name different users");
    }
    if (v instanceof Refused r) {
      // The client gets connect_error; its engine connection has no more use.
      sessions.remove(client.getSessionId());
      closeLater(client);
      return new AuthTokenResult(false, Authenticator.errorData(r.reason(), r.message()));
    }
    if (existing == null) {
      open(client);
    }
    return AuthTokenResult.AuthTokenResultSuccess;
  }

  /**
   * Called at the Engine.IO handshake, before a v4 client's namespace connect: a token in the query
   * decides now; without one, a v4 client has {@code authTimeout} to send it in its auth payload.
   */
  private void onConnect(SocketIOClient client) {
    Verdict v = auth.query(client);
    if (v == null && EngineIOVersion.V4.equals(client.getEngineIOVersion())) {
      timers.schedule(
          () -> {
            if (sessions.get(client.getSessionId()) == null && !client.has(REFUSED)) {
              refuse(client, auth.missing(client));
            }
          },
          authTimeout.toMillis(),
          TimeUnit.MILLISECONDS);
      return;
    }
    if (v == null) {
      v = auth.missing(client);
    }
    if (v instanceof Refused r) {
      refuse(client, r);
      return;
    }
    open(client);
  }

  /** Refuses a client that the server already answered CONNECT: connect_error, then close. */
  private void refuse(SocketIOClient client, Refused r) {
    Packet p = new Packet(PacketType.MESSAGE, client.getEngineIOVersion());
    p.setSubType(PacketType.ERROR);
    p.setNsp(client.getNamespace().getName());
    p.setData(Authenticator.errorData(r.reason(), r.message()));
    client.send(p);
    closeLater(client);
  }

  private void open(SocketIOClient client) {
    String user = client.get(Authenticator.USER);
    Session s = new Session(client, user, client.get(Authenticator.SINCE), emitter);
    sessions.add(s);
    log.debug("{} connected from {}, since={}", s, client.getRemoteAddress(), s.since());
    java.time.Instant expiresAt = client.get(Authenticator.EXPIRES);
    if (expiresAt != null) {
      long delay = Math.max(0, java.time.Duration.between(clock.instant(), expiresAt).toMillis());
      s.expiresWith(timers.schedule(() -> expire(s), delay, TimeUnit.MILLISECONDS));
    }
    try {
      replays.execute(() -> replay(s));
    } catch (RejectedExecutionException e) {
      replayFailed(s, "the notifier is busy replaying for other connections");
    }
  }

  /** A token is good until its {@code exp}: then the connection ends and the client signs in. */
  private void expire(Session s) {
    if (sessions.get(s.id()) != s) {
      return;
    }
    expired.increment();
    s.client()
        .sendEvent(EXPIRED, Map.of("message", "the token expired; connect again with a new one"));
    s.client().disconnect();
  }

  private void replay(Session s) {
    RuntimeException last = null;
    for (int attempt = 1; attempt <= REPLAY_ATTEMPTS; attempt++) {
      // Connected as long as it is registered: a long-polling client has no open channel
      // between its polls, so the channel says nothing here.
      if (sessions.get(s.id()) != s) {
        return;
      }
      try {
        Replayer.Missed missed = replayer.missed(s.userId(), s.since());
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("count", missed.events().size());
        summary.put("truncated", missed.truncated());
        s.replayed(missed.events(), summary);
        log.debug("{} replayed {} notification(s)", s, missed.events().size());
        return;
      } catch (RuntimeException e) {
        last = e;
        sleep(attempt * 500L);
      } catch (Throwable t) {
        last = new IllegalStateException(t);
        break;
      }
    }
    log.warn("{}: replay failed after {} attempts", s, REPLAY_ATTEMPTS, last);
    replayFailed(s, "the center's inbox could not be read: " + last);
  }

  private void replayFailed(Session s, String message) {
    replayFailed.increment();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("count", 0);
    summary.put("truncated", false);
    summary.put("error", message);
    s.replayed(List.of(), summary);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void onDisconnect(SocketIOClient client) {
    Session s = sessions.remove(client.getSessionId());
    if (s != null) {
      log.debug("{} disconnected", s);
    }
  }

  /** A realtime event: to every connection of its user on this notifier. */
  public void deliver(RealtimeEvent e) {
    recent.add(e);
    for (Session s : sessions.of(e.userId())) {
      s.live(e);
    }
  }

  private void closeLater(SocketIOClient client) {
    client.set(REFUSED, Boolean.TRUE);
    timers.schedule(
        () -> {
          if (client instanceof NamespaceClient nc) {
            nc.getBaseClient().disconnect();
          } else {
            client.disconnect();
          }
        },
        REFUSED_CLOSE_DELAY.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Closes every connection and the port. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.stop();
    sessions.all().forEach(s -> sessions.remove(s.id()));
  }
}
