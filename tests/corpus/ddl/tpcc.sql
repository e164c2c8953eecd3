-- TPC-C schema with its composite keys (Postgres spelling).
BEGIN;
CREATE TABLE warehouse (
  w_id smallint NOT NULL,
  w_name varchar(10),
  w_street_1 varchar(20),
  w_street_2 varchar(20),
  w_city varchar(20),
  w_state char(2),
  w_zip char(9),
  w_tax decimal(4,2),
  w_ytd decimal(12,2),
  CONSTRAINT pk_warehouse PRIMARY KEY (w_id)
);
CREATE TABLE district (
  d_id smallint NOT NULL,
  d_w_id smallint NOT NULL,
  d_name varchar(10),
  d_street_1 varchar(20),
  d_city varchar(20),
  d_state char(2),
  d_zip char(9),
  d_tax decimal(4,2),
  d_ytd decimal(12,2),
  d_next_o_id int,
  PRIMARY KEY (d_w_id, d_id),
  FOREIGN KEY (d_w_id) REFERENCES warehouse (w_id)
);
CREATE TABLE customer (
  c_id int NOT NULL,
  c_d_id smallint NOT NULL,
  c_w_id smallint NOT NULL,
  c_first varchar(16),
  c_middle char(2),
  c_last varchar(16),
  c_phone char(16),
  c_since timestamp,
  c_credit char(2),
  c_balance decimal(12,2),
  c_data text,
  PRIMARY KEY (c_w_id, c_d_id, c_id),
  CONSTRAINT fk_customer_district FOREIGN KEY (c_w_id, c_d_id) REFERENCES district (d_w_id, d_id)
);
CREATE TABLE history (
  h_c_id int,
  h_c_d_id smallint,
  h_c_w_id smallint,
  h_d_id smallint,
  h_w_id smallint,
  h_date timestamp,
  h_amount decimal(6,2),
  h_data varchar(24),
  FOREIGN KEY (h_c_w_id, h_c_d_id, h_c_id) REFERENCES customer (c_w_id, c_d_id, c_id),
  FOREIGN KEY (h_w_id, h_d_id) REFERENCES district (d_w_id, d_id)
);
CREATE TABLE oorder (
  o_id int NOT NULL,
  o_d_id smallint NOT NULL,
  o_w_id smallint NOT NULL,
  o_c_id int,
  o_entry_d timestamp,
  o_carrier_id int,
  o_ol_cnt smallint,
  o_all_local smallint,
  PRIMARY KEY (o_w_id, o_d_id, o_id),
  FOREIGN KEY (o_w_id, o_d_id, o_c_id) REFERENCES customer (c_w_id, c_d_id, c_id)
);
CREATE TABLE new_order (
  no_o_id int NOT NULL,
  no_d_id smallint NOT NULL,
  no_w_id smallint NOT NULL,
  PRIMARY KEY (no_w_id, no_d_id, no_o_id),
  FOREIGN KEY (no_w_id, no_d_id, no_o_id) REFERENCES oorder (o_w_id, o_d_id, o_id)
);
CREATE TABLE item (
  i_id int NOT NULL PRIMARY KEY,
  i_im_id int,
  i_name varchar(24),
  i_price decimal(5,2),
  i_data varchar(50)
);
CREATE TABLE stock (
  s_i_id int NOT NULL REFERENCES item (i_id),
  s_w_id smallint NOT NULL REFERENCES warehouse (w_id),
  s_quantity smallint,
  s_ytd decimal(8,2),
  s_order_cnt smallint,
  s_data varchar(50),
  PRIMARY KEY (s_w_id, s_i_id)
);
CREATE TABLE order_line (
  ol_o_id int NOT NULL,
  ol_d_id smallint NOT NULL,
  ol_w_id smallint NOT NULL,
  ol_number smallint NOT NULL,
  ol_i_id int NOT NULL,
  ol_supply_w_id smallint,
  ol_delivery_d timestamp,
  ol_quantity smallint,
  ol_amount decimal(6,2),
  ol_dist_info char(24),
  PRIMARY KEY (ol_w_id, ol_d_id, ol_o_id, ol_number),
  FOREIGN KEY (ol_w_id, ol_d_id, ol_o_id) REFERENCES oorder (o_w_id, o_d_id, o_id),
  FOREIGN KEY (ol_supply_w_id, ol_i_id) REFERENCES stock (s_w_id, s_i_id)
);
CREATE INDEX idx_customer_name ON customer (c_w_id, c_d_id, c_last, c_first);
COMMIT;
