package org.msgcenter.center.store;

import java.util.List;
import org.apache.ibatis.annotations.Param;

/**
 * The reads of the query service; statements in QueryMapper.xml ({@link HistoryReads} has the reads
 * of a message's deliveries and attempts). Each one reads an index range (V3__query_indexes.sql
 * says which), checked by {@code QueryIndexIT} with EXPLAIN.
 */
public interface QueryMapper {

  /** One page of messages matching every filter given, newest first. */
  List<MessageRow> search(@Param("q") MessageSearch query);

  /** One page of a user's messages with an in-app delivery in one of the statuses. */
  List<MessageRow> inbox(@Param("q") InboxSearch query);

  long countInbox(
      @Param("userId") String userId,
      @Param("channel") String channel,
      @Param("statuses") List<String> statuses);

  /** The deliveries of these messages, oldest first. */
  List<DeliveryRow> selectDeliveries(@Param("messageIds") List<byte[]> messageIds);
}
