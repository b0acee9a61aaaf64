-- Sign-ins per user, so that a sign-in from a new address or device raises an alert and a known
-- one does not.
CREATE TABLE account_login (
  id         BIGINT       NOT NULL AUTO_INCREMENT,
  user_id    VARCHAR(64)  NOT NULL,
  client_ip  VARCHAR(45)  NOT NULL,
  device     VARCHAR(100) NOT NULL,
  alerted    BOOLEAN      NOT NULL,
  signed_in_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  KEY ix_account_login_user (user_id, client_ip, device)
);
