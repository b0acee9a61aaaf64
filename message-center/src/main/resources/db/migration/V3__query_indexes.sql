-- Indexes for the query service (docs/query-api.md). Every query it offers reads an index range;
-- none reads a table that grows with traffic from end to end. Few indexes, on columns that never
-- change after the insert, so the hot path pays one index entry per row and nothing per status
-- change:
--   getMessage        message PRIMARY; delivery uk_delivery_address (message_id, ...);
--                     delivery_attempt PRIMARY (delivery_id, ...)
--   search by userId  ix_message_user (user_id, message_id)
--   search by bizId   ix_message_biz (biz_id), by traceId ix_message_trace (trace_id): InnoDB
--                     appends the primary key, so both are ordered by message_id within a key
--   search by bizType ix_message_biz_type (biz_type, message_id), below
--   search by time    message PRIMARY: UUIDv7 ids are time-ordered, a time range is an id range
--   inbox, unread     ix_delivery_inbox (user_id, channel, message_id), below
ALTER TABLE message ADD KEY ix_message_biz_type (biz_type, message_id);
ALTER TABLE delivery ADD KEY ix_delivery_inbox (user_id, channel, message_id);
