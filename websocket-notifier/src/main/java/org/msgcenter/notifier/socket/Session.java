package org.msgcenter.notifier.socket;

import com.corundumstudio.socketio.SocketIOClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.msgcenter.notifier.realtime.RealtimeEvent;

/**
 * One authenticated connection of one user. Until its replay is done, live events wait here, so
 * that replayed notifications come first and in order; every notification goes through {@link
 * #emit}, which skips a messageId this connection already got (live and replayed overlap, and the
 * realtime topic is at-least-once).
 *
 * <p>Idle connections hold no collections: the remembered ids are created with the first event.
 */
public final class Session {
  /** Message ids remembered per connection, for dedupe and to find a read message's delivery. */
  static final int REMEMBERED = 512;

  /** Live events held while replay runs; beyond, they are dropped and left to the next replay. */
  static final int MAX_PENDING = 10_000;

  private final SocketIOClient client;
  private final String userId;
  private final String since;
  private final Emitter emitter;
  private boolean replaying = true;
  private boolean closed;
  private List<RealtimeEvent> pending;
  private Map<String, String> sent;
  private java.util.concurrent.Future<?> expiry;

  Session(SocketIOClient client, String userId, String since, Emitter emitter) {
    this.client = client;
    this.userId = userId;
    this.since = since;
    this.emitter = emitter;
  }

  public UUID id() {
    return client.getSessionId();
  }

  public String userId() {
    return userId;
  }

  /** The last messageId the client said it saw, or null. */
  public String since() {
    return since;
  }

  SocketIOClient client() {
    return client;
  }

  /** A live event for this user: sent now, or after the replay. */
  synchronized void live(RealtimeEvent e) {
    if (closed) {
      return;
    }
    if (replaying) {
      if (pending == null) {
        pending = new ArrayList<>();
      }
      if (pending.size() < MAX_PENDING) {
        pending.add(e);
      } else {
        emitter.droppedWhileReplaying(this, e);
      }
      return;
    }
    emit(e, false);
  }

  /**
   * Sends the replayed events, oldest first, then the {@code replay} summary, then the live ones
   * that waited.
   */
  synchronized void replayed(List<RealtimeEvent> events, Map<String, Object> summary) {
    if (closed) {
      return;
    }
    for (RealtimeEvent e : events) {
      emit(e, true);
    }
    client.sendEvent(SocketGateway.REPLAY, summary);
    if (pending != null) {
      pending.sort((a, b) -> a.messageId().compareTo(b.messageId()));
      for (RealtimeEvent e : pending) {
        emit(e, false);
      }
      pending = null;
    }
    replaying = false;
  }

  synchronized boolean replaying() {
    return replaying;
  }

  private void emit(RealtimeEvent e, boolean replay) {
    if (sent == null) {
      sent =
          new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
              return size() > REMEMBERED;
            }
          };
    }
    if (sent.putIfAbsent(e.messageId(), e.deliveryId()) != null) {
      emitter.duplicate(this, e);
      return;
    }
    emitter.emit(this, e, replay);
  }

  /** The delivery of a message this connection got, or null. */
  synchronized String deliveryIdOf(String messageId) {
    return sent == null ? null : sent.get(messageId);
  }

  /** The task that closes this connection when its token expires. */
  synchronized void expiresWith(java.util.concurrent.Future<?> task) {
    if (closed) {
      task.cancel(false);
    } else {
      expiry = task;
    }
  }

  synchronized void close() {
    closed = true;
    if (expiry != null) {
      expiry.cancel(false);
      expiry = null;
    }
    pending = null;
    sent = null;
  }

  @Override
  public String toString() {
    return "Session[" + id() + ", userId=" + userId + "]";
  }
}
