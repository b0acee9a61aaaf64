CREATE TABLE orders (
  order_id    CHAR(36)      CHARACTER SET ascii NOT NULL,
  user_id     VARCHAR(64)   NOT NULL,
  item        VARCHAR(100)  NOT NULL,
  quantity    INT           NOT NULL,
  amount      DECIMAL(19,2) NOT NULL,
  status      VARCHAR(16)   NOT NULL,
  carrier     VARCHAR(40)   NULL,
  tracking_no VARCHAR(64)   NULL,
  created_at  DATETIME(3)   NOT NULL,
  shipped_at  DATETIME(3)   NULL,
  PRIMARY KEY (order_id),
  KEY ix_orders_user (user_id, created_at)
);
