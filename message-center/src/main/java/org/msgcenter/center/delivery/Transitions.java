package org.msgcenter.center.delivery;

import static org.msgcenter.api.DeliveryStatus.ACKED;
import static org.msgcenter.api.DeliveryStatus.CANCELLED;
import static org.msgcenter.api.DeliveryStatus.DEAD;
import static org.msgcenter.api.DeliveryStatus.EXPIRED;
import static org.msgcenter.api.DeliveryStatus.PENDING;
import static org.msgcenter.api.DeliveryStatus.READ;
import static org.msgcenter.api.DeliveryStatus.RETRYING;
import static org.msgcenter.api.DeliveryStatus.SCHEDULED;
import static org.msgcenter.api.DeliveryStatus.SENDING;
import static org.msgcenter.api.DeliveryStatus.SENT;
import static org.msgcenter.api.DeliveryStatus.SKIPPED;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.msgcenter.api.DeliveryStatus;

/**
 * The one place that says which delivery status changes are legal: the table of {@code
 * docs/states.md}. Every conditional update takes its from-states from here, so SQL and table
 * cannot drift apart.
 */
public final class Transitions {
  /** Statuses a delivery can be created in (the rows starting with "—"). */
  public static final Set<DeliveryStatus> INITIAL =
      Collections.unmodifiableSet(EnumSet.of(SENDING, PENDING, SCHEDULED, SKIPPED));

  /** Statuses that end a delivery's life (DEAD until a resend). */
  public static final Set<DeliveryStatus> TERMINAL =
      Collections.unmodifiableSet(EnumSet.of(SENT, ACKED, READ, SKIPPED, DEAD, EXPIRED, CANCELLED));

  /** Statuses that count as delivered. */
  public static final Set<DeliveryStatus> DELIVERED =
      Collections.unmodifiableSet(EnumSet.of(SENT, ACKED, READ));

  private static final Map<DeliveryStatus, Set<DeliveryStatus>> FROM =
      new EnumMap<>(DeliveryStatus.class);

  static {
    allow(SENDING, PENDING, SCHEDULED, RETRYING, SENDING); // claim; SENDING when the lease expired
    allow(SENT, SENDING);
    allow(RETRYING, SENDING);
    allow(PENDING, SENDING, DEAD, RETRYING); // release, resend
    allow(DEAD, SENDING);
    allow(ACKED, SENDING, SENT);
    allow(READ, SENDING, SENT, ACKED);
    allow(EXPIRED, PENDING, SCHEDULED, RETRYING, SENDING);
    allow(CANCELLED, SCHEDULED, PENDING, RETRYING);
  }

  private Transitions() {}

  private static void allow(DeliveryStatus to, DeliveryStatus... from) {
    FROM.put(to, Collections.unmodifiableSet(EnumSet.of(from[0], from)));
  }

  /** The statuses from which a delivery may move to {@code to}. */
  public static Set<DeliveryStatus> from(DeliveryStatus to) {
    return FROM.getOrDefault(to, Set.of());
  }

  public static boolean isAllowed(DeliveryStatus from, DeliveryStatus to) {
    return from(to).contains(from);
  }

  /**
   * @throws IllegalStateException when the table does not allow the change
   */
  public static void require(DeliveryStatus from, DeliveryStatus to) {
    if (!isAllowed(from, to)) {
      throw new IllegalStateException("illegal delivery transition " + from + " -> " + to);
    }
  }

  /** The from-states of {@code to} as SQL string literals, for IN clauses. */
  public static String sqlFrom(DeliveryStatus to) {
    return from(to).stream()
        .map(s -> "'" + s.name() + "'")
        .sorted()
        .collect(Collectors.joining(","));
  }
}
