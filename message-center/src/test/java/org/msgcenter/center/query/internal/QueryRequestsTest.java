package org.msgcenter.center.query.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.msgcenter.api.InvalidRequestException;
import org.msgcenter.api.Uuid7;

class QueryRequestsTest {

  @Test
  void a_cursor_gives_back_the_id_it_was_made_of_for_its_own_kind_only() {
    byte[] id = Uuid7.toBytes(Uuid7.generate());
    String cursor = Cursor.encode(Cursor.SEARCH, id);
    assertThat(Cursor.decode(cursor, Cursor.SEARCH)).isEqualTo(id);
    assertThat(cursor).doesNotContain("+", "/", "=");
    assertThat(Cursor.decode(null, Cursor.SEARCH)).isNull();
    for (String bad : new String[] {"bogus", "AAAA", Cursor.encode(Cursor.INBOX_NEWEST, id)}) {
      assertThatThrownBy(() -> Cursor.decode(bad, Cursor.SEARCH))
          .isInstanceOfSatisfying(
              InvalidRequestException.class, e -> assertThat(e.getField()).isEqualTo("cursor"));
    }
  }

  @Test
  void the_limit_defaults_to_50_and_is_capped_at_200_with_the_field_named() {
    assertThat(Requests.limit(null)).isEqualTo(50);
    assertThat(Requests.limit(200)).isEqualTo(200);
    for (int bad : new int[] {0, -1, 201}) {
      assertThatThrownBy(() -> Requests.limit(bad))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessage("limit: must be between 1 and 200 (was " + bad + ")");
    }
  }

  @Test
  void ids_are_uuids_in_any_case_and_anything_else_is_refused_naming_the_field() {
    String id = Uuid7.generate();
    assertThat(Requests.id("messageId", id.toUpperCase())).isEqualTo(Uuid7.toBytes(id));
    assertThatThrownBy(() -> Requests.id("messageId", "12345"))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.getField()).isEqualTo("messageId"));
    assertThatThrownBy(() -> Requests.id("since", null)).hasMessage("since: is required");
    assertThatThrownBy(() -> Requests.instant("from", "yesterday"))
        .hasMessageStartingWith("from: must be an ISO-8601 UTC instant");
    assertThatThrownBy(() -> Requests.optional("userId", "x".repeat(65), 64))
        .hasMessage("userId: must be at most 64 characters (was 65)");
  }

  @Test
  void a_time_bound_sorts_below_every_id_of_its_millisecond_and_above_earlier_ones() {
    Instant t = Instant.parse("2026-11-22T08:00:00.123Z");
    byte[] bound = Requests.idBound(t);
    byte[] same =
        Uuid7.toBytes(new Uuid7(java.time.Clock.fixed(t, java.time.ZoneOffset.UTC)).next());
    byte[] before =
        Uuid7.toBytes(
            new Uuid7(java.time.Clock.fixed(t.minusMillis(1), java.time.ZoneOffset.UTC)).next());
    assertThat(Arrays.compareUnsigned(bound, same)).isNegative();
    assertThat(Arrays.compareUnsigned(before, bound)).isNegative();
  }

  @Test
  void views_mask_urls_in_addresses_and_texts_and_keep_other_addresses() {
    assertThat(Views.address("https://oapi.example.com/robot/send?access_token=s3cr3t"))
        .isEqualTo("https://oapi.example.com/***");
    assertThat(Views.address("bob@example.com")).isEqualTo("bob@example.com");
    assertThat(Views.address("u-1001")).isEqualTo("u-1001");
    assertThat(Views.text("POST https://h.example.com:8443/hook/T0K3N failed: 503"))
        .isEqualTo("POST https://h.example.com:8443/*** failed: 503")
        .doesNotContain("T0K3N");
    assertThat(Views.text(null)).isNull();
    assertThat(Views.time(java.time.LocalDateTime.parse("2026-11-22T08:00:00")))
        .isEqualTo("2026-11-22T08:00:00.000Z");
  }

  @Test
  void times_are_written_as_the_iso_formatter_writes_them() {
    java.time.format.DateTimeFormatter iso =
        java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'");
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 10_000; i++) {
      java.time.LocalDateTime t =
          java.time.LocalDateTime.ofEpochSecond(
              random.nextLong(-30_610_224_000L, 253_402_300_799L),
              random.nextInt(1_000_000_000),
              java.time.ZoneOffset.UTC);
      assertThat(Views.time(t)).as(t.toString()).isEqualTo(iso.format(t));
    }
    assertThat(Views.time(java.time.LocalDateTime.parse("2026-01-02T03:04:05.006789")))
        .isEqualTo("2026-01-02T03:04:05.006Z");
    assertThat(Views.time(null)).isNull();
  }
}
