package org.msgcenter.center.store;

import java.time.LocalDateTime;
import java.util.List;
import org.apache.ibatis.annotations.Param;

/**
 * The writes of the command service; statements in CommandMapper.xml. Callers lock the messages
 * first ({@link HotUpdates#lockMessages}), as every writer of existing deliveries does; every
 * update is conditional on the from-states and its row count is checked by the caller.
 */
public interface CommandMapper {

  /**
   * Locks the message's deliveries in {@code states}, skipping those another transaction holds (a
   * poller claiming them): it never waits on a delivery lock while holding the message lock.
   */
  List<byte[]> lockInStates(
      @Param("messageId") byte[] messageId, @Param("states") List<String> states);

  /** Back to PENDING, due now, attempts reset, a new resend round. */
  int resend(
      @Param("ids") List<byte[]> deliveryIds,
      @Param("from") List<String> fromStates,
      @Param("now") LocalDateTime now);

  int cancel(
      @Param("ids") List<byte[]> deliveryIds,
      @Param("from") List<String> fromStates,
      @Param("now") LocalDateTime now);

  /** Of these messages, those with an in-app delivery to {@code userId}. */
  List<byte[]> selectWithInApp(
      @Param("messageIds") List<byte[]> messageIds,
      @Param("userId") String userId,
      @Param("channel") String channel);

  /** The user's in-app deliveries of these messages to READ, one-way. */
  int markRead(
      @Param("messageIds") List<byte[]> messageIds,
      @Param("userId") String userId,
      @Param("channel") String channel,
      @Param("from") List<String> fromStates,
      @Param("now") LocalDateTime now);
}
