-- One balance per user; a transfer moves money between two of them in one transaction.
CREATE TABLE payment_account (
  user_id    VARCHAR(64)   NOT NULL,
  balance    DECIMAL(19,2) NOT NULL,
  currency   CHAR(3)       NOT NULL,
  updated_at DATETIME(3)   NOT NULL,
  PRIMARY KEY (user_id),
  CONSTRAINT ck_payment_account_balance CHECK (balance >= 0)
);

CREATE TABLE payment_transfer (
  transfer_id CHAR(36)      CHARACTER SET ascii NOT NULL,
  payer_id    VARCHAR(64)   NOT NULL,
  payee_id    VARCHAR(64)   NOT NULL,
  amount      DECIMAL(19,2) NOT NULL,
  currency    CHAR(3)       NOT NULL,
  note        VARCHAR(140)  NULL,
  request_id  VARCHAR(64)   NULL,
  created_at  DATETIME(3)   NOT NULL,
  PRIMARY KEY (transfer_id),
  -- A client that retries with the same requestId gets the first transfer back, not a second one.
  UNIQUE KEY uk_payment_transfer_request (payer_id, request_id),
  KEY ix_payment_transfer_payer (payer_id, created_at),
  KEY ix_payment_transfer_payee (payee_id, created_at)
);
