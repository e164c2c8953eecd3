-- dbt jaffle shop raw tables (DuckDB)
create table raw_customers (
    id integer primary key,
    first_name varchar,
    last_name varchar
);
create table raw_orders (
    id integer primary key,
    user_id integer references raw_customers(id),
    order_date date,
    status varchar
);
create table raw_payments (
    id integer primary key,
    order_id integer references raw_orders(id),
    payment_method varchar,
    amount integer  -- amount is stored in cents
);
