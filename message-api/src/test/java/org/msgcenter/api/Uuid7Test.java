package org.msgcenter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class Uuid7Test {

  /** A clock the test moves by hand. */
  private static final class HandClock extends Clock {
    long millis;

    HandClock(long millis) {
      this.millis = millis;
    }

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @Test
  void generated_ids_are_canonical_version_7_with_the_rfc_variant() {
    String id = Uuid7.generate();
    assertThat(Uuid7.isCanonical(id)).as(id).isTrue();
    assertThat(java.util.UUID.fromString(id).version()).isEqualTo(7);
    assertThat(java.util.UUID.fromString(id).variant()).isEqualTo(2);
  }

  @Test
  void ids_carry_the_clock_time() {
    HandClock clock = new HandClock(Instant.parse("2026-11-22T08:00:00.123Z").toEpochMilli());
    assertThat(Uuid7.timestamp(new Uuid7(clock).next()))
        .isEqualTo(Instant.parse("2026-11-22T08:00:00.123Z"));
  }

  @Test
  void ids_within_one_millisecond_strictly_increase_even_past_the_counter_space() {
    HandClock clock = new HandClock(1_700_000_000_000L);
    Uuid7 gen = new Uuid7(clock);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(gen.next());
    }
    assertThat(ids).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void ids_keep_increasing_when_the_clock_steps_back() {
    HandClock clock = new HandClock(1_700_000_000_000L);
    Uuid7 gen = new Uuid7(clock);
    String before = gen.next();
    clock.millis -= 5_000;
    String after = gen.next();
    assertThat(after).isGreaterThan(before);
  }

  @Test
  void ids_from_many_threads_are_unique() throws InterruptedException {
    Set<String> ids = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    for (int t = 0; t < 4; t++) {
      pool.submit(
          () -> {
            for (int i = 0; i < 25_000; i++) {
              ids.add(Uuid7.generate());
            }
          });
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    assertThat(ids).hasSize(100_000);
  }

  @Test
  void bytes_round_trip_in_big_endian_order_so_binary_keys_sort_by_time() {
    String id = "0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d";
    byte[] bytes = Uuid7.toBytes(id);
    assertThat(bytes).hasSize(16);
    assertThat(bytes[0]).isEqualTo((byte) 0x01);
    assertThat(bytes[1]).isEqualTo((byte) 0x93);
    assertThat(Uuid7.fromBytes(bytes)).isEqualTo(id);
  }

  @Test
  void canonical_form_is_lower_case_version_7() {
    assertThat(Uuid7.isCanonical("0193a3f0-5c2e-7b1a-9c3d-4e5f6a7b8c9d")).isTrue();
    assertThat(Uuid7.isCanonical("0193A3F0-5C2E-7B1A-9C3D-4E5F6A7B8C9D")).isFalse();
    assertThat(Uuid7.isCanonical("0193a3f0-5c2e-4b1a-9c3d-4e5f6a7b8c9d")).isFalse();
    assertThat(Uuid7.isCanonical("0193a3f0-5c2e-7b1a-cc3d-4e5f6a7b8c9d")).isFalse();
    assertThat(Uuid7.isCanonical(null)).isFalse();
    assertThatThrownBy(() -> Uuid7.timestamp("nope")).isInstanceOf(IllegalArgumentException.class);
  }
}
