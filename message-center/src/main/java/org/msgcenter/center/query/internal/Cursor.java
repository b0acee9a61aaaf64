package org.msgcenter.center.query.internal;

import java.nio.ByteBuffer;
import java.util.Base64;
import org.msgcenter.api.InvalidRequestException;

/**
 * The opaque page cursor: the last messageId of a page, with the kind of listing it continues.
 * Keyset pagination: the next page starts after that id, so it costs the same at any depth and a
 * row inserted meanwhile never shifts a page. URL-safe Base64 of {@code [version, kind, 16 id
 * bytes]}.
 */
public final class Cursor {
  /** Search results, newest first. */
  public static final byte SEARCH = 'S';

  /** An inbox, newest first. */
  public static final byte INBOX_NEWEST = 'N';

  /** An inbox after {@code since}, oldest first. */
  public static final byte INBOX_OLDEST = 'O';

  private static final byte VERSION = 1;
  private static final int LENGTH = 18;

  private Cursor() {}

  public static String encode(byte kind, byte[] messageId) {
    byte[] raw = ByteBuffer.allocate(LENGTH).put(VERSION).put(kind).put(messageId).array();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  /**
   * The messageId a cursor continues after, or null when {@code cursor} is absent.
   *
   * @throws InvalidRequestException naming {@code cursor} when it is not one this kind of listing
   *     issued
   */
  public static byte[] decode(String cursor, byte kind) {
    if (cursor == null || cursor.isBlank()) {
      return null;
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(cursor.strip());
    } catch (IllegalArgumentException e) {
      raw = new byte[0];
    }
    if (raw.length != LENGTH || raw[0] != VERSION || raw[1] != kind) {
      throw new InvalidRequestException(
          "cursor", "is not a cursor of this listing: pass the nextCursor of its previous page");
    }
    byte[] id = new byte[16];
    System.arraycopy(raw, 2, id, 0, 16);
    return id;
  }
}
