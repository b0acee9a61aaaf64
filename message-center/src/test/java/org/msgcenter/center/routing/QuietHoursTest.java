package org.msgcenter.center.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.msgcenter.center.config.ConfigException;

class QuietHoursTest {
  private final QuietHours night =
      QuietHours.parse("route.x.quietHours", "22:00-08:00", "route.x.quietZone", "Asia/Shanghai");

  @Test
  void a_time_inside_a_window_across_midnight_waits_for_its_end() {
    // 23:30 in Shanghai is 15:30 UTC; the window ends at 08:00 Shanghai, 00:00 UTC next day.
    assertThat(night.deferUntil(Instant.parse("2026-11-22T15:30:00Z"), null))
        .contains(Instant.parse("2026-11-23T00:00:00Z"));
    // 06:00 in Shanghai (22:00 UTC the day before) waits until 08:00 the same morning.
    assertThat(night.deferUntil(Instant.parse("2026-11-21T22:00:00Z"), null))
        .contains(Instant.parse("2026-11-22T00:00:00Z"));
  }

  @Test
  void a_time_outside_the_window_goes_at_once() {
    assertThat(night.deferUntil(Instant.parse("2026-11-22T03:00:00Z"), null))
        .isEmpty(); // 11:00 Shanghai
    assertThat(night.deferUntil(Instant.parse("2026-11-22T00:00:00Z"), null))
        .isEmpty(); // 08:00 sharp: the end
  }

  @Test
  void the_recipients_time_zone_wins_over_the_routes() {
    // 15:30 UTC is 23:30 in Shanghai but 16:30 in Paris: outside the window there.
    assertThat(night.deferUntil(Instant.parse("2026-11-22T15:30:00Z"), "Europe/Paris")).isEmpty();
    // 23:00 in Paris (22:00 UTC) waits until 08:00 Paris (07:00 UTC).
    assertThat(night.deferUntil(Instant.parse("2026-11-22T22:00:00Z"), "Europe/Paris"))
        .contains(Instant.parse("2026-11-23T07:00:00Z"));
  }

  @Test
  void a_window_within_one_day_works_too() {
    QuietHours lunch = QuietHours.parse("k", "12:00-13:30", "z", "UTC");
    assertThat(lunch.deferUntil(Instant.parse("2026-11-22T12:10:00Z"), null))
        .contains(Instant.parse("2026-11-22T13:30:00Z"));
    assertThat(lunch.deferUntil(Instant.parse("2026-11-22T13:30:00Z"), null)).isEmpty();
  }

  @Test
  void bad_settings_name_the_key() {
    assertThatThrownBy(
            () -> QuietHours.parse("route.x.quietHours", "10pm to 8am", "route.x.quietZone", "UTC"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("route.x.quietHours");
    assertThatThrownBy(
            () ->
                QuietHours.parse(
                    "route.x.quietHours", "22:00-08:00", "route.x.quietZone", "Mars/Base"))
        .hasMessageContaining("route.x.quietZone");
  }
}
