package org.msgcenter.center.store;

import java.time.LocalDateTime;
import java.util.List;
import org.apache.ibatis.annotations.Param;

/** SQL on {@code message}; statements in MessageMapper.xml. */
public interface MessageMapper {

  /** Of these ids, those already stored (a consistent read: no locks taken). */
  List<byte[]> selectExisting(@Param("ids") List<byte[]> ids);

  /** Of these ids, those whose row carries {@code token}: the ones this batch inserted. */
  List<byte[]> selectInsertedBy(@Param("ids") List<byte[]> ids, @Param("token") byte[] token);

  int markSuppressed(
      @Param("messageId") byte[] messageId,
      @Param("by") byte[] by,
      @Param("now") LocalDateTime now);

  /** For tests and reports. */
  String selectStatus(@Param("messageId") byte[] messageId);
}
