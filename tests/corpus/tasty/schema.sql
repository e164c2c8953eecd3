create or replace table truck (
  truck_id number(38,0) primary key,
  primary_city varchar(16777216),
  region varchar,
  menu_type_id number(38,0),
  year number(38,0),
  truck_opening_date date
);
create or replace table menu (
  menu_id number(19,0) primary key,
  menu_type_id number(38,0),
  menu_type varchar(16777216),
  truck_brand_name varchar(16777216),
  menu_item_name varchar(16777216),
  cost_of_goods_usd number(38,4),
  sale_price_usd number(38,4),
  menu_item_health_metrics_obj variant,
  tags array
);
create or replace table order_header (
  order_id number(38,0) primary key,
  truck_id number(38,0) references truck(truck_id),
  order_ts timestamp_ntz,
  order_amount number(38,4),
  order_total number(38,4),
  discount_amount number(38,4),
  customer_id number(38,0),
  order_channel varchar
);
