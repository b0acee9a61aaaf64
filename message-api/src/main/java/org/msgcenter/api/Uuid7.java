package org.msgcenter.api;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter, then 62 random
 * bits. Ids made by one generator are strictly increasing, even within one millisecond and when the
 * clock steps back, so they sort by creation time and keep database inserts sequential.
 *
 * <p>The canonical text form is lower-case {@code xxxxxxxx-xxxx-7xxx-[89ab]xxx-xxxxxxxxxxxx}.
 */
public final class Uuid7 {
  /** The canonical text form of a UUIDv7, as the JSON Schema of the wire format states it. */
  public static final Pattern CANONICAL =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

  private static final Uuid7 SYSTEM = new Uuid7(Clock.systemUTC());

  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private long lastMillis = -1;
  private int counter;

  /** A generator reading time from {@code clock}. */
  public Uuid7(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A new id from the system clock. Thread-safe. */
  public static String generate() {
    return SYSTEM.next();
  }

  /** A new id, greater than every id this generator made before. Thread-safe. */
  public String next() {
    long millis;
    int seq;
    long randomBits = random.nextLong();
    synchronized (this) {
      long now = clock.millis();
      if (now > lastMillis) {
        lastMillis = now;
        // Start low in the 12-bit space so that many ids fit into one millisecond.
        counter = random.nextInt(0x800);
      } else if (++counter > 0xFFF) {
        // Counter spent (or clock stepped back): borrow the next millisecond.
        lastMillis++;
        counter = 0;
      }
      millis = lastMillis;
      seq = counter;
    }
    long msb = (millis << 16) | 0x7000L | seq;
    long lsb = (randomBits & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb).toString();
  }

  /** Whether {@code text} is a UUIDv7 in canonical lower-case form. */
  public static boolean isCanonical(String text) {
    return text != null && text.length() == 36 && CANONICAL.matcher(text).matches();
  }

  /** The creation time a UUIDv7 carries, to the millisecond. */
  public static Instant timestamp(String uuid7) {
    requireCanonical(uuid7);
    return Instant.ofEpochMilli(UUID.fromString(uuid7).getMostSignificantBits() >>> 16);
  }

  /** The 16 bytes, big-endian, as stored in {@code BINARY(16)} columns. */
  public static byte[] toBytes(String uuid) {
    UUID u = UUID.fromString(uuid);
    return ByteBuffer.allocate(16)
        .putLong(u.getMostSignificantBits())
        .putLong(u.getLeastSignificantBits())
        .array();
  }

  /** The canonical text of 16 big-endian bytes. */
  public static String fromBytes(byte[] bytes) {
    if (bytes == null || bytes.length != 16) {
      throw new IllegalArgumentException("a UUID has 16 bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    return new UUID(b.getLong(), b.getLong()).toString();
  }

  private static void requireCanonical(String text) {
    if (!isCanonical(text)) {
      throw new IllegalArgumentException("not a canonical UUIDv7: " + text);
    }
  }
}
