package org.msgcenter.notifier.realtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The realtime events this notifier read in the last {@code window}, per user. They close a gap:
 * the center records an in-app delivery SENT only once Kafka acknowledged its event, so an event
 * can reach this notifier before the inbox shows it. A client that connects in between finds it
 * neither in the live stream (it was not connected yet) nor in the inbox; replay adds it from here.
 *
 * <p>Bounded by time and by {@code maxPerUser}; acks received through this notifier are noted, so
 * that a replay without {@code since} skips what a client here already acked.
 */
public final class RecentEvents {
  private final Duration window;
  private final int maxPerUser;
  private final Clock clock;
  private final Map<String, Deque<Entry>> byUser = new ConcurrentHashMap<>();

  private static final class Entry {
    final RealtimeEvent event;
    final Instant at;
    volatile boolean acked;

    Entry(RealtimeEvent event, Instant at) {
      this.event = event;
      this.at = at;
    }
  }

  public RecentEvents(Duration window, int maxPerUser, Clock clock) {
    this.window = window;
    this.maxPerUser = maxPerUser;
    this.clock = clock;
  }

  public void add(RealtimeEvent e) {
    if (window.isZero()) {
      return;
    }
    Instant now = clock.instant();
    byUser.compute(
        e.userId(),
        (user, q) -> {
          Deque<Entry> d = q == null ? new ArrayDeque<>() : q;
          d.addLast(new Entry(e, now));
          while (d.size() > maxPerUser) {
            d.removeFirst();
          }
          return d;
        });
  }

  /** Notes that a client of this notifier acked the message. */
  public void acked(String userId, String messageId) {
    byUser.computeIfPresent(
        userId,
        (user, d) -> {
          for (Entry e : d) {
            if (e.event.messageId().equals(messageId)) {
              e.acked = true;
            }
          }
          return d;
        });
  }

  /** The user's recent events (oldest first) that {@code filter} accepts. */
  public List<RealtimeEvent> of(
      String userId, boolean unackedOnly, Predicate<RealtimeEvent> filter) {
    List<RealtimeEvent> out = new ArrayList<>();
    Instant oldest = clock.instant().minus(window);
    byUser.computeIfPresent(
        userId,
        (user, d) -> {
          d.removeIf(e -> e.at.isBefore(oldest));
          for (Entry e : d) {
            if ((!unackedOnly || !e.acked) && filter.test(e.event)) {
              out.add(e.event);
            }
          }
          return d.isEmpty() ? null : d;
        });
    return out;
  }

  /** The delivery id of one of the user's recent messages, or null. */
  public String deliveryIdOf(String userId, String messageId) {
    return of(userId, false, e -> e.messageId().equals(messageId)).stream()
        .map(RealtimeEvent::deliveryId)
        .findFirst()
        .orElse(null);
  }

  /** Drops what fell out of the window; called from a timer so idle users do not keep entries. */
  public void evict() {
    Instant oldest = clock.instant().minus(window);
    for (Iterator<String> it = byUser.keySet().iterator(); it.hasNext(); ) {
      byUser.computeIfPresent(
          it.next(),
          (user, d) -> {
            d.removeIf(e -> e.at.isBefore(oldest));
            return d.isEmpty() ? null : d;
          });
    }
  }

  public int users() {
    return byUser.size();
  }
}
