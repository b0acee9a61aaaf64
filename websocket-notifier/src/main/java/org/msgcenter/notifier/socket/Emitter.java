package org.msgcenter.notifier.socket;

import com.corundumstudio.socketio.AckCallback;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.msgcenter.notifier.realtime.RealtimeEvent;
import org.msgcenter.notifier.realtime.RecentEvents;
import org.msgcenter.notifier.receipts.ReceiptPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@code notification} events and turns the client's acks into receipts. The ack callback
 * lives until the client acks or the connection closes; an unacked notification stays SENT in the
 * center and is replayed on the next connection without {@code since}.
 */
final class Emitter {
  private static final Logger log = LoggerFactory.getLogger(Emitter.class);

  /** The event a client receives, per the contract. */
  static final String NOTIFICATION = "notification";

  private final ReceiptPublisher receipts;
  private final RecentEvents recent;
  private final Counter emitted;
  private final Counter replayed;
  private final Counter acked;
  private final Counter duplicates;
  private final Counter dropped;

  Emitter(ReceiptPublisher receipts, RecentEvents recent, MeterRegistry metrics) {
    this.receipts = receipts;
    this.recent = recent;
    this.emitted = metrics.counter("notifier.emitted");
    this.replayed = metrics.counter("notifier.replayed");
    this.acked = metrics.counter("notifier.acked");
    this.duplicates = metrics.counter("notifier.duplicates.skipped");
    this.dropped = metrics.counter("notifier.live.dropped");
  }

  void emit(Session s, RealtimeEvent e, boolean replay) {
    s.client()
        .sendEvent(
            NOTIFICATION,
            new AckCallback<>(Object.class) {
              @Override
              public void onSuccess(Object result) {
                acked.increment();
                recent.acked(s.userId(), e.messageId());
                receipts.publish(ReceiptPublisher.ACK, s.userId(), e.messageId(), e.deliveryId());
              }
            },
            e.payload());
    emitted.increment();
    if (replay) {
      replayed.increment();
    }
  }

  void duplicate(Session s, RealtimeEvent e) {
    duplicates.increment();
    log.debug("{} already got messageId={}; skipped", s, e.messageId());
  }

  void droppedWhileReplaying(Session s, RealtimeEvent e) {
    dropped.increment();
    log.warn(
        "{}: more than {} live events during replay; messageId={} is left to the next replay",
        s,
        Session.MAX_PENDING,
        e.messageId());
  }
}
