package org.msgcenter.notifier.socket;

import com.corundumstudio.socketio.AckRequest;
import com.corundumstudio.socketio.SocketIOClient;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.msgcenter.notifier.realtime.RecentEvents;
import org.msgcenter.notifier.receipts.ReceiptPublisher;
import org.msgcenter.notifier.replay.CenterClient;
import org.msgcenter.notifier.socket.internal.ReadRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's {@code read} event, {@code {messageIds: [...]}}: a read receipt for each message
 * this notifier handed out to the user (it knows their delivery ids), the center's {@code markRead}
 * for the others. Answered through the client's ack with {@code {ok, read, errors}}, or, without an
 * ack, errors as a {@code request_error} event.
 */
final class ReadHandler {
  private static final Logger log = LoggerFactory.getLogger(ReadHandler.class);
  static final String READ = SocketGateway.READ;
  static final String REQUEST_ERROR = SocketGateway.REQUEST_ERROR;

  private final Sessions sessions;
  private final ReceiptPublisher receipts;
  private final CenterClient center;
  private final RecentEvents recent;
  private final ExecutorService calls;
  private final Counter badRequests;

  ReadHandler(
      Sessions sessions,
      ReceiptPublisher receipts,
      CenterClient center,
      RecentEvents recent,
      ExecutorService calls,
      Counter badRequests) {
    this.sessions = sessions;
    this.receipts = receipts;
    this.center = center;
    this.recent = recent;
    this.calls = calls;
    this.badRequests = badRequests;
  }

  void onRead(SocketIOClient client, Object data, AckRequest ack) {
    Session s = sessions.get(client.getSessionId());
    if (s == null) {
      answer(client, ack, 0, new ArrayList<>(List.of("read: the connection is not authenticated")));
      return;
    }
    ReadRequest request = ReadRequest.parse(data);
    List<String> errors = new ArrayList<>(request.errors());
    List<String> unknown = new ArrayList<>();
    int recorded = 0;
    for (String messageId : request.messageIds()) {
      String deliveryId = deliveryIdOf(s, messageId);
      if (deliveryId == null) {
        unknown.add(messageId);
      } else {
        receipts.publish(ReceiptPublisher.READ, s.userId(), messageId, deliveryId);
        recorded++;
      }
    }
    if (unknown.isEmpty()) {
      answer(client, ack, recorded, errors);
      return;
    }
    // Messages this notifier did not hand out: the center finds their deliveries itself. The
    // answer cannot wait for it (netty-socketio acks an event when its listener returns), so a
    // failure there reaches the client as a request_error event.
    try {
      calls.execute(
          () -> {
            try {
              center.markRead(s.userId(), unknown);
            } catch (Throwable t) {
              log.warn("{}: markRead of {} message(s) failed", s, unknown.size(), t);
              badRequests.increment();
              client.sendEvent(
                  REQUEST_ERROR,
                  Map.of(
                      "event",
                      READ,
                      "errors",
                      List.of("read: not recorded, send again: " + unknown)));
            }
          });
      recorded += unknown.size();
    } catch (RejectedExecutionException e) {
      errors.add("read: the notifier is busy; send again: " + unknown);
    }
    answer(client, ack, recorded, errors);
  }

  private void answer(SocketIOClient client, AckRequest ack, int recorded, List<String> errors) {
    if (!errors.isEmpty()) {
      badRequests.increment();
      log.info("Bad read from {}: {}", client.getSessionId(), errors);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("ok", errors.isEmpty());
    answer.put("read", recorded);
    answer.put("errors", errors);
    if (ack.isAckRequested()) {
      ack.sendAckData(answer);
    } else if (!errors.isEmpty()) {
      client.sendEvent(REQUEST_ERROR, Map.of("event", READ, "errors", errors));
    }
  }

  private String deliveryIdOf(Session s, String messageId) {
    String id = s.deliveryIdOf(messageId);
    if (id != null) {
      return id;
    }
    for (Session other : sessions.of(s.userId())) {
      id = other.deliveryIdOf(messageId);
      if (id != null) {
        return id;
      }
    }
    return recent.deliveryIdOf(s.userId(), messageId);
  }
}
