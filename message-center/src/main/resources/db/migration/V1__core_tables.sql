-- Core tables of the message center. Ids are UUIDv7 in BINARY(16): time-ordered, so inserts stay
-- sequential as the tables grow. Times are DATETIME(3) in UTC, written from the application's clock.
-- Statuses are stored by name. Runs on MySQL 8 and MariaDB 10.6+.

CREATE TABLE message (
  message_id       BINARY(16)    NOT NULL,
  trace_id         VARCHAR(64)   NOT NULL,
  biz_type         VARCHAR(64)   NOT NULL,
  biz_id           VARCHAR(128)  NULL,
  user_id          VARCHAR(64)   NULL,
  source           VARCHAR(64)   NULL,
  priority         VARCHAR(8)    NOT NULL,
  status           VARCHAR(24)   NOT NULL,
  template         VARCHAR(64)   NULL,
  params           TEXT          NULL,
  title            VARCHAR(200)  NULL,
  content          TEXT          NULL,
  data             TEXT          NULL,
  send_at          DATETIME(3)   NULL,
  expire_at        DATETIME(3)   NULL,
  dedup_key        VARCHAR(128)  NULL,
  suppressed_by    BINARY(16)    NULL,
  ingest_token     BINARY(16)    NOT NULL,
  source_topic     VARCHAR(249)  NOT NULL,
  source_partition INT           NOT NULL,
  source_offset    BIGINT        NOT NULL,
  created_at       DATETIME(3)   NOT NULL,
  updated_at       DATETIME(3)   NOT NULL,
  PRIMARY KEY (message_id),
  KEY ix_message_user (user_id, message_id),
  KEY ix_message_trace (trace_id),
  KEY ix_message_biz (biz_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE delivery (
  delivery_id      BINARY(16)    NOT NULL,
  message_id       BINARY(16)    NOT NULL,
  channel          VARCHAR(32)   NOT NULL,
  address          VARCHAR(2048) NOT NULL,
  -- Uniqueness is per (message, channel, address); addresses can be long, so their hash.
  address_hash     BINARY(16)    NOT NULL,
  status           VARCHAR(16)   NOT NULL,
  priority         VARCHAR(8)    NOT NULL,
  attempts         INT           NOT NULL DEFAULT 0,
  -- One column drives scheduled sends, retries, backlog and lease expiry.
  next_attempt_at  DATETIME(3)   NULL,
  lease_owner      VARCHAR(64)   NULL,
  user_id          VARCHAR(64)   NULL,
  last_error       VARCHAR(1000) NULL,
  provider_receipt VARCHAR(255)  NULL,
  sent_at          DATETIME(3)   NULL,
  acked_at         DATETIME(3)   NULL,
  read_at          DATETIME(3)   NULL,
  created_at       DATETIME(3)   NOT NULL,
  updated_at       DATETIME(3)   NOT NULL,
  PRIMARY KEY (delivery_id),
  UNIQUE KEY uk_delivery_address (message_id, channel, address_hash),
  KEY ix_delivery_due (status, next_attempt_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Append-only: one row per attempt, written when its outcome is known.
CREATE TABLE delivery_attempt (
  delivery_id      BINARY(16)    NOT NULL,
  attempt          INT           NOT NULL,
  started_at       DATETIME(3)   NOT NULL,
  finished_at      DATETIME(3)   NULL,
  outcome          VARCHAR(24)   NOT NULL,
  manual           BOOLEAN       NOT NULL DEFAULT FALSE,
  error            VARCHAR(1000) NULL,
  provider_receipt VARCHAR(255)  NULL,
  instance_id      VARCHAR(64)   NOT NULL,
  PRIMARY KEY (delivery_id, attempt)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Input that broke the contract. Never a message, so a corrected record with the same id is accepted.
CREATE TABLE rejected_record (
  id               BIGINT        NOT NULL AUTO_INCREMENT,
  source_topic     VARCHAR(249)  NOT NULL,
  source_partition INT           NOT NULL,
  source_offset    BIGINT        NOT NULL,
  record_key       VARCHAR(255)  NULL,
  message_id       VARCHAR(64)   NULL,
  reason           VARCHAR(32)   NOT NULL,
  error            VARCHAR(2000) NOT NULL,
  payload          MEDIUMBLOB    NULL,
  created_at       DATETIME(3)   NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_rejected_source (source_topic, source_partition, source_offset),
  KEY ix_rejected_message (message_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The first message of each (user, bizType, dedupKey) inside its window; later ones are SUPPRESSED.
CREATE TABLE dedup_key (
  user_id          VARCHAR(64)   NOT NULL,
  biz_type         VARCHAR(64)   NOT NULL,
  dedup_key        VARCHAR(128)  NOT NULL,
  message_id       BINARY(16)    NOT NULL,
  expires_at       DATETIME(3)   NOT NULL,
  PRIMARY KEY (user_id, biz_type, dedup_key)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
