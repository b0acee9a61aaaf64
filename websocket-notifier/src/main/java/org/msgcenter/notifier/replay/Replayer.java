package org.msgcenter.notifier.replay;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgcenter.api.DeliveryStatus;
import org.msgcenter.api.DeliveryView;
import org.msgcenter.api.InboxQuery;
import org.msgcenter.api.MessageNotFoundException;
import org.msgcenter.api.MessagePage;
import org.msgcenter.api.MessageView;
import org.msgcenter.notifier.realtime.RealtimeEvent;
import org.msgcenter.notifier.realtime.RecentEvents;

/**
 * What a connecting client missed, oldest first: with {@code since} (the last messageId it saw),
 * the user's in-app notifications after it, acked or not (another device may have acked them);
 * without, those no client has acked yet. Read from the center's inbox a page at a time, merged
 * with {@link RecentEvents} (events this notifier read that the inbox may not show yet; without
 * {@code since}, one the inbox lacks is checked with {@code getMessage}, so that what a client of
 * another notifier acked meanwhile is not replayed).
 */
public final class Replayer {
  static final String IN_APP = "in-app";

  private final CenterClient center;
  private final RecentEvents recent;
  private final int pageSize;
  private final int maxMessages;

  public Replayer(CenterClient center, RecentEvents recent, int pageSize, int maxMessages) {
    this.center = center;
    this.recent = recent;
    this.pageSize = pageSize;
    this.maxMessages = maxMessages;
  }

  /** The missed notifications, and whether {@code replay.maxMessages} cut the list. */
  public record Missed(List<RealtimeEvent> events, boolean truncated) {}

  /**
   * @param since a canonical messageId, or null
   * @throws RuntimeException when the center cannot be asked (Dubbo's own exceptions)
   */
  public Missed missed(String userId, String since) {
    Map<String, RealtimeEvent> byId = new LinkedHashMap<>();
    boolean truncated = false;
    String cursor = null;
    InboxQuery query =
        since == null
            ? new InboxQuery().setUnackedOnly(true).setLimit(pageSize)
            : new InboxQuery().setSince(since).setLimit(pageSize);
    do {
      MessagePage page = center.inbox(userId, query.setCursor(cursor));
      for (MessageView m : page.getItems() == null ? List.<MessageView>of() : page.getItems()) {
        RealtimeEvent e = event(userId, m);
        if (e != null) {
          byId.putIfAbsent(e.messageId(), e);
        }
      }
      cursor = page.getNextCursor();
      if (byId.size() >= maxMessages && cursor != null) {
        truncated = true;
        break;
      }
    } while (cursor != null);
    for (RealtimeEvent e :
        recent.of(
            userId, since == null, e -> since == null || e.messageId().compareTo(since) > 0)) {
      if (!byId.containsKey(e.messageId()) && (since != null || !ackedElsewhere(e))) {
        byId.put(e.messageId(), e);
      }
    }
    // Canonical UUIDv7 text sorts as the ids' time order.
    List<RealtimeEvent> events = new ArrayList<>(byId.values());
    events.sort((a, b) -> a.messageId().compareTo(b.messageId()));
    if (events.size() > maxMessages) {
      truncated = true;
      // Without since the newest matter most; with since the client continues where it stopped.
      events =
          since == null
              ? events.subList(events.size() - maxMessages, events.size())
              : events.subList(0, maxMessages);
    }
    return new Missed(Collections.unmodifiableList(new ArrayList<>(events)), truncated);
  }

  /**
   * Whether a recent event missing from the unacked inbox is there because a client (on another
   * notifier) acked or read it, rather than because the center has not recorded it SENT yet.
   */
  private boolean ackedElsewhere(RealtimeEvent e) {
    MessageView m;
    try {
      m = center.message(e.messageId());
    } catch (MessageNotFoundException notYet) {
      return false;
    }
    if (m.getDeliveries() != null) {
      for (DeliveryView d : m.getDeliveries()) {
        if (IN_APP.equals(d.getChannel())
            && (d.getStatus() == DeliveryStatus.ACKED || d.getStatus() == DeliveryStatus.READ)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The in-app notification of an inbox entry, or null when it has no in-app delivery. */
  static RealtimeEvent event(String userId, MessageView m) {
    if (m.getDeliveries() == null) {
      return null;
    }
    for (DeliveryView d : m.getDeliveries()) {
      if (IN_APP.equals(d.getChannel())) {
        return new RealtimeEvent(
            m.getMessageId(),
            d.getDeliveryId(),
            userId,
            m.getBizType(),
            m.getTitle(),
            m.getContent(),
            m.getData(),
            m.getCreatedAt());
      }
    }
    return null;
  }
}
