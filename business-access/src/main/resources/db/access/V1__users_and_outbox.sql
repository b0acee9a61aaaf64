-- The access layer's users. Passwords are stored only as PBKDF2 hashes
-- (pbkdf2-sha256$<iterations>$<salt>$<hash>, salt and hash in Base64).
CREATE TABLE access_user (
  user_id       VARCHAR(64)  NOT NULL,
  username      VARCHAR(64)  NOT NULL,
  display_name  VARCHAR(100) NOT NULL,
  email         VARCHAR(254) NULL,
  password_hash VARCHAR(255) CHARACTER SET ascii NOT NULL,
  created_at    DATETIME(3)  NOT NULL,
  updated_at    DATETIME(3)  NOT NULL,
  PRIMARY KEY (user_id),
  UNIQUE KEY uk_access_user_username (username)
);

-- The outbox of message-api's OutboxPublisher (OutboxTable.ddl("msgcenter_outbox")): business
-- modules write notifications here inside their transactions; the relay publishes them.
CREATE TABLE msgcenter_outbox (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  message_id      CHAR(36)     CHARACTER SET ascii NOT NULL,
  payload         MEDIUMTEXT   CHARACTER SET utf8mb4 NOT NULL,
  created_at      DATETIME(3)  NOT NULL,
  next_attempt_at DATETIME(3)  NOT NULL,
  attempts        INT          NOT NULL DEFAULT 0,
  last_error      VARCHAR(1000) NULL,
  sent_at         DATETIME(3)  NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_msgcenter_outbox_message (message_id),
  KEY ix_msgcenter_outbox_due (sent_at, next_attempt_at)
);
