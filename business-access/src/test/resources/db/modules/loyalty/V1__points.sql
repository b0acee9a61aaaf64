CREATE TABLE loyalty_points (
  user_id VARCHAR(64) NOT NULL,
  points  BIGINT      NOT NULL,
  PRIMARY KEY (user_id)
);
