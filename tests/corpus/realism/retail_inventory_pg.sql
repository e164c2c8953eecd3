-- A retail and inventory schema in the style of public sample databases (PostgreSQL): a
-- vendor table whose columns share a short prefix, a catalogue of products and spare parts,
-- customer accounts, and sales orders with their lines.
CREATE TABLE vendor (
    v_id integer NOT NULL PRIMARY KEY,
    v_name character varying(60) NOT NULL,
    v_phone character varying(24),
    v_city character varying(40)
);
CREATE TABLE product (
    product_id integer NOT NULL PRIMARY KEY,
    vendor_id integer REFERENCES vendor (v_id),
    name character varying(120) NOT NULL,
    brand_name character varying(40),
    manufacturer character varying(80),
    package_type character varying(20),
    size integer,
    list_price numeric(10,2)
);
CREATE TABLE spare_part (
    spare_part_id integer NOT NULL PRIMARY KEY,
    part_name character varying(80) NOT NULL,
    component_type character varying(40),
    weight_kg numeric(8,3)
);
CREATE TABLE customer_account (
    account_id integer NOT NULL PRIMARY KEY,
    full_name character varying(80),
    email character varying(120),
    customer_segment character varying(30),
    created_at timestamp
);
CREATE TABLE sales_order (
    order_id integer NOT NULL PRIMARY KEY,
    account_id integer REFERENCES customer_account (account_id),
    order_date date NOT NULL,
    cashier character varying(60),
    priority smallint
);
CREATE TABLE sales_order_line (
    order_id integer NOT NULL REFERENCES sales_order (order_id),
    line_no integer NOT NULL,
    product_id integer REFERENCES product (product_id),
    quantity numeric(12,3) NOT NULL,
    unit_price numeric(10,2),
    tax_rate numeric(5,4),
    PRIMARY KEY (order_id, line_no)
);
