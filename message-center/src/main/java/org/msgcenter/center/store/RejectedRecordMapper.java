package org.msgcenter.center.store;

import java.util.List;
import org.apache.ibatis.annotations.Param;

/** SQL on {@code rejected_record}; statements in RejectedRecordMapper.xml. */
public interface RejectedRecordMapper {

  /** One row per source offset: a redelivered bad record is recorded once. */
  int insertIgnoringDuplicates(@Param("rows") List<RejectedRow> rows);
}
