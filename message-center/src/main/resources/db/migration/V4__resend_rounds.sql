-- A resend starts a new round of attempts, numbered from 1 again (the attempts count towards the
-- channel's retry.maxAttempts afresh). delivery.resends counts the rounds; each attempt row carries
-- the round it belongs to, so the history keeps every attempt of every round.
ALTER TABLE delivery ADD COLUMN resends INT NOT NULL DEFAULT 0;
ALTER TABLE delivery_attempt
  ADD COLUMN resend_round INT NOT NULL DEFAULT 0 AFTER delivery_id,
  DROP PRIMARY KEY,
  ADD PRIMARY KEY (delivery_id, resend_round, attempt);
