package org.msgcenter.center.store;

import java.time.LocalDateTime;
import java.util.List;
import org.apache.ibatis.annotations.Param;

/** SQL on {@code dedup_key}; statements in DedupMapper.xml. */
public interface DedupMapper {

  /**
   * Claims each key for its message unless a live claim (not yet expired at {@code now}) holds it.
   */
  int claim(@Param("rows") List<DedupRow> rows, @Param("now") LocalDateTime now);

  /** The message that holds each key now. */
  List<DedupRow> select(@Param("rows") List<DedupRow> rows);
}
