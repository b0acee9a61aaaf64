package org.msgcenter.center.store;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** The database keeps times as DATETIME(3) in UTC; these convert at the boundary. */
public final class Times {
  private Times() {}

  public static LocalDateTime utc(Instant instant) {
    return instant == null
        ? null
        : LocalDateTime.ofInstant(instant, ZoneOffset.UTC)
            .withNano(instant.getNano() / 1_000_000 * 1_000_000);
  }

  public static Instant instant(LocalDateTime utc) {
    return utc == null ? null : utc.toInstant(ZoneOffset.UTC);
  }
}
