package org.msgcenter.center.store;

import java.util.List;
import org.apache.ibatis.annotations.Param;

/** SQL on {@code delivery_attempt} (append-only); statements in AttemptMapper.xml. */
public interface AttemptMapper {

  /** Appends rows; a row written by an earlier try of the same recorder batch is kept. */
  int insertAll(@Param("rows") List<AttemptRow> rows);
}
