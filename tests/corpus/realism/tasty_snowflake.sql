-- A food-truck company in the style of a Snowflake quickstart, written for the realism corpus.
-- Raw point-of-sale and loyalty data: no primary or foreign keys are declared, prices are
-- NUMBER(38,4), menus carry semi-structured health data, and flags are strings or numbers.

USE ROLE sysadmin;

CREATE OR REPLACE WAREHOUSE demo_build_wh
    WAREHOUSE_SIZE = 'xsmall'
    WAREHOUSE_TYPE = 'standard'
    AUTO_SUSPEND = 60
    AUTO_RESUME = TRUE
    INITIALLY_SUSPENDED = TRUE;

CREATE OR REPLACE DATABASE frostbyte_foods;

CREATE OR REPLACE SCHEMA frostbyte_foods.raw_pos;
CREATE OR REPLACE SCHEMA frostbyte_foods.raw_customer;
CREATE OR REPLACE SCHEMA frostbyte_foods.harmonized;

USE WAREHOUSE demo_build_wh;

CREATE OR REPLACE FILE FORMAT frostbyte_foods.public.csv_ff
    TYPE = 'csv';

CREATE OR REPLACE STAGE frostbyte_foods.public.s3load
    COMMENT = 'Quickstart S3 stage connection'
    URL = 's3://example-bucket/frostbyte/'
    FILE_FORMAT = frostbyte_foods.public.csv_ff;

-- raw_pos.country
CREATE OR REPLACE TABLE frostbyte_foods.raw_pos.country
(
    country_id NUMBER(18,0),
    country VARCHAR(16777216),
    iso_currency VARCHAR(3),
    iso_country VARCHAR(2),
    city_id NUMBER(19,0),
    city VARCHAR(16777216),
    city_population VARCHAR(16777216)
);

-- raw_pos.franchise
CREATE OR REPLACE TABLE frostbyte_foods.raw_pos.franchise
(
    franchise_id NUMBER(38,0),
    first_name VARCHAR(16777216),
    last_name VARCHAR(16777216),
    city VARCHAR(16777216),
    country VARCHAR(16777216),
    e_mail VARCHAR(16777216),
    phone_number VARCHAR(16777216)
);

-- raw_pos.location
CREATE OR REPLACE TABLE frostbyte_foods.raw_pos.location
(
    location_id NUMBER(19,0),
    placekey VARCHAR(16777216),
    location VARCHAR(16777216),
    city VARCHAR(16777216),
    region VARCHAR(16777216),
    iso_country_code VARCHAR(16777216),
    country VARCHAR(16777216)
);

-- raw_pos.menu
CREATE OR REPLACE TABLE frostbyte_foods.raw_pos.menu
(
    menu_id NUMBER(19,0),
    menu_type_id NUMBER(38,0),
    menu_type VARCHAR(16777216),
    truck_brand_name VARCHAR(16777216),
    menu_item_id NUMBER(38,0),
    menu_item_name VARCHAR(16777216),
    item_category VARCHAR(16777216),
    item_subcategory VARCHAR(16777216),
    cost_of_goods_usd NUMBER(38,4),
    sale_price_usd NUMBER(38,4),
    gross_margin_usd NUMBER(38,4) AS (sale_price_usd - cost_of_goods_usd),
    menu_item_health_metrics_obj VARIANT
);

-- raw_pos.truck
CREATE OR REPLACE TABLE frostbyte_foods.raw_pos.truck
(
    truck_id NUMBER(38,0),
    menu_type_id NUMBER(38,0),
    primary_city VARCHAR(16777216),
    region VARCHAR(16777216),
    iso_region VARCHAR(16777216),
    country VARCHAR(16777216),
    iso_country_code VARCHAR(16777216),
    franchise_flag NUMBER(38,0),
    year NUMBER(38,0),
    make VARCHAR(16777216),
    model VARCHAR(16777216),
    ev_flag NUMBER(38,0),
    franchise_id NUMBER(38,0),
    truck_opening_date DATE
);

-- raw_pos.order_header
CREATE OR REPLACE TABLE frostbyte_foods.raw_pos.order_header
(
    order_id NUMBER(38,0),
    truck_id NUMBER(38,0),
    location_id FLOAT,
    customer_id NUMBER(38,0),
    discount_id VARCHAR(16777216),
    shift_id NUMBER(38,0),
    shift_start_time TIME(9),
    shift_end_time TIME(9),
    order_channel VARCHAR(16777216),
    order_ts TIMESTAMP_NTZ(9),
    served_ts VARCHAR(16777216),
    order_currency VARCHAR(3),
    order_amount NUMBER(38,4),
    order_tax_amount VARCHAR(16777216),
    order_discount_amount VARCHAR(16777216),
    order_total NUMBER(38,4)
);

-- raw_pos.order_detail
CREATE OR REPLACE TABLE frostbyte_foods.raw_pos.order_detail
(
    order_detail_id NUMBER(38,0),
    order_id NUMBER(38,0),
    menu_item_id NUMBER(38,0),
    discount_id VARCHAR(16777216),
    line_number NUMBER(38,0),
    quantity NUMBER(5,0),
    unit_price NUMBER(38,4),
    price NUMBER(38,4),
    order_item_discount_amount VARCHAR(16777216)
);

-- raw_customer.customer_loyalty
CREATE OR REPLACE TABLE frostbyte_foods.raw_customer.customer_loyalty
(
    customer_id NUMBER(38,0),
    first_name VARCHAR(16777216),
    last_name VARCHAR(16777216),
    city VARCHAR(16777216),
    country VARCHAR(16777216),
    postal_code VARCHAR(16777216),
    preferred_language VARCHAR(16777216),
    gender VARCHAR(16777216),
    favourite_brand VARCHAR(16777216),
    marital_status VARCHAR(16777216),
    children_count VARCHAR(16777216),
    sign_up_date DATE,
    birthday_date DATE,
    e_mail VARCHAR(16777216),
    phone_number VARCHAR(16777216),
    loyalty_flag VARCHAR(1),
    favourite_items ARRAY
);

-- harmonized view over the raw tables (views are read as statements to skip)
CREATE OR REPLACE VIEW frostbyte_foods.harmonized.orders_v
    AS
SELECT
    oh.order_id,
    oh.truck_id,
    oh.order_ts,
    od.order_detail_id,
    od.line_number,
    m.truck_brand_name,
    m.menu_type,
    t.primary_city,
    t.region,
    t.country,
    t.franchise_flag,
    t.franchise_id,
    f.first_name AS franchisee_first_name,
    f.last_name AS franchisee_last_name,
    l.location_id,
    cl.customer_id,
    cl.first_name,
    cl.last_name,
    cl.e_mail,
    cl.phone_number,
    cl.children_count,
    cl.gender,
    cl.marital_status,
    od.menu_item_id,
    m.menu_item_name,
    od.quantity,
    od.unit_price,
    od.price,
    oh.order_amount,
    oh.order_tax_amount,
    oh.order_discount_amount,
    oh.order_total
FROM frostbyte_foods.raw_pos.order_detail od
JOIN frostbyte_foods.raw_pos.order_header oh
    ON od.order_id = oh.order_id
JOIN frostbyte_foods.raw_pos.truck t
    ON oh.truck_id = t.truck_id
JOIN frostbyte_foods.raw_pos.menu m
    ON od.menu_item_id = m.menu_item_id
JOIN frostbyte_foods.raw_pos.franchise f
    ON t.franchise_id = f.franchise_id
JOIN frostbyte_foods.raw_pos.location l
    ON oh.location_id = l.location_id
LEFT JOIN frostbyte_foods.raw_customer.customer_loyalty cl
    ON oh.customer_id = cl.customer_id;

COMMENT ON TABLE frostbyte_foods.raw_pos.truck IS 'One row per food truck in the fleet';
COMMENT ON COLUMN frostbyte_foods.raw_pos.truck.iso_country_code IS 'ISO 3166-1 alpha-2 country code';
COMMENT ON COLUMN frostbyte_foods.raw_pos.location.iso_country_code IS 'ISO 3166-1 alpha-2 country code';
