package org.msgcenter.center.store;

import java.time.LocalDateTime;
import java.util.List;
import org.apache.ibatis.annotations.Param;

/** SQL on {@code delivery}; statements in DeliveryMapper.xml. Updates are conditional. */
public interface DeliveryMapper {

  /** The deliveries among {@code ids} still SENDING under {@code owner}. */
  List<byte[]> selectLeased(@Param("ids") List<byte[]> ids, @Param("owner") String owner);

  /** Client receipts: ACKED or READ, one-way, only for the named user's in-app deliveries. */
  int applyReceipts(
      @Param("rows") List<ReceiptRow> rows,
      @Param("status") String status,
      @Param("fromStates") List<String> fromStates,
      @Param("now") LocalDateTime now);

  List<byte[]> selectMessageIds(@Param("ids") List<byte[]> deliveryIds);

  /**
   * Moves the due time of these locked, unclaimed deliveries to their {@code leaseExpiry} field
   * (here: when their endpoint takes sends again), leaving their status as it is.
   */
  int hold(@Param("rows") List<DueDelivery> rows, @Param("now") LocalDateTime now);

  int expire(@Param("ids") List<byte[]> ids, @Param("now") LocalDateTime now);

  int releaseOwnLeases(
      @Param("owner") String owner,
      @Param("channels") java.util.Collection<String> channels,
      @Param("now") LocalDateTime now);
}
