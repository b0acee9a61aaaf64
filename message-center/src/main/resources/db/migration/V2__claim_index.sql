-- The poller claims per channel and priority, so that a channel whose backlog waits for its rate
-- limit or capacity never fills a claim that another channel could use, and HIGH rows are found
-- before the NORMAL backlog of the same channel. Only deliveries that are due some time carry a
-- next_attempt_at (terminal ones hold NULL), so the range up to now of this index is exactly the
-- due rows of one channel and priority, in due order.
ALTER TABLE delivery
  DROP INDEX ix_delivery_due,
  ADD INDEX ix_delivery_claim (channel, priority, next_attempt_at);
