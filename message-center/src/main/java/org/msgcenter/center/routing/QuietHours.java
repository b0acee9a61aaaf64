package org.msgcenter.center.routing;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.msgcenter.center.config.Settings;

/**
 * A daily window, such as 22:00–08:00, during which NORMAL and LOW deliveries wait: one that would
 * be sent inside it is scheduled for its end. The window is read in the recipient's time zone when
 * the notification gives one, else in the route's zone. A window whose start is after its end
 * crosses midnight.
 */
public record QuietHours(LocalTime start, LocalTime end, ZoneId zone) {

  public QuietHours {
    if (start.equals(end)) {
      throw new IllegalArgumentException("quiet hours must not start and end at the same time");
    }
  }

  /** Parses {@code 22:00-08:00}; {@code key} names the setting in errors. */
  public static QuietHours parse(String key, String window, String zoneKey, String zone) {
    String[] parts = window.split("-");
    if (parts.length != 2) {
      throw Settings.error(key, window, "must be a window like 22:00-08:00");
    }
    ZoneId z;
    try {
      z = ZoneId.of(zone);
    } catch (DateTimeException e) {
      throw Settings.error(zoneKey, zone, "must be a time-zone id such as Asia/Shanghai");
    }
    try {
      LocalTime s = LocalTime.parse(parts[0].trim());
      LocalTime e = LocalTime.parse(parts[1].trim());
      if (s.equals(e)) {
        throw Settings.error(key, window, "must not start and end at the same time");
      }
      return new QuietHours(s, e, z);
    } catch (DateTimeParseException e) {
      throw Settings.error(key, window, "must be a window like 22:00-08:00");
    }
  }

  /**
   * When a delivery due at {@code due} may go: empty when {@code due} is outside the window, else
   * the window's end.
   *
   * @param recipientZone the recipient's IANA zone, or null to use the route's
   */
  public Optional<Instant> deferUntil(Instant due, String recipientZone) {
    ZoneId z = recipientZone == null ? zone : ZoneId.of(recipientZone);
    ZonedDateTime local = due.atZone(z);
    LocalTime t = local.toLocalTime();
    boolean inside =
        start.isBefore(end)
            ? !t.isBefore(start) && t.isBefore(end)
            : !t.isBefore(start) || t.isBefore(end);
    if (!inside) {
      return Optional.empty();
    }
    ZonedDateTime endToday = local.with(end);
    ZonedDateTime until = endToday.isAfter(local) ? endToday : local.plusDays(1).with(end);
    return Optional.of(until.toInstant());
  }

  @Override
  public String toString() {
    return start + "-" + end + " " + zone;
  }
}
