-- An online shop in PostgreSQL DDL: customers with addresses, a product catalogue in
-- categories, orders with their lines, payments and reviews. Keys, CHECKs and DEFAULTs are
-- what the generator reads: statuses from the CHECK lists, ratings 1-5, totals from the lines.

CREATE TYPE order_status AS ENUM ('placed', 'paid', 'shipped', 'delivered', 'cancelled', 'returned');

CREATE TABLE customers (
    customer_id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    first_name    VARCHAR(50)  NOT NULL,
    last_name     VARCHAR(50)  NOT NULL,
    email         VARCHAR(255) NOT NULL UNIQUE,
    phone         VARCHAR(30),
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    is_active     BOOLEAN      NOT NULL DEFAULT true
);

CREATE TABLE addresses (
    address_id    BIGSERIAL PRIMARY KEY,
    customer_id   BIGINT NOT NULL REFERENCES customers (customer_id),
    kind          VARCHAR(10) NOT NULL CHECK (kind IN ('billing', 'shipping')),
    street        VARCHAR(120) NOT NULL,
    city          VARCHAR(60)  NOT NULL,
    postal_code   VARCHAR(12),
    country_code  CHAR(2)      NOT NULL
);

CREATE TABLE categories (
    category_id   SERIAL PRIMARY KEY,
    name          VARCHAR(60) NOT NULL UNIQUE,
    parent_id     INTEGER REFERENCES categories (category_id)
);

CREATE TABLE products (
    product_id    SERIAL PRIMARY KEY,
    sku           VARCHAR(12) NOT NULL UNIQUE CHECK (sku LIKE 'SKU-%'),
    name          VARCHAR(120) NOT NULL,
    category_id   INTEGER NOT NULL REFERENCES categories (category_id),
    unit_price    NUMERIC(10, 2) NOT NULL CHECK (unit_price > 0),
    stock         INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE orders (
    order_id      BIGSERIAL PRIMARY KEY,
    customer_id   BIGINT NOT NULL REFERENCES customers (customer_id),
    status        order_status NOT NULL DEFAULT 'placed',
    ordered_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    shipped_at    TIMESTAMPTZ,
    currency      CHAR(3) NOT NULL DEFAULT 'EUR',
    total_amount  NUMERIC(12, 2)
);

CREATE TABLE order_items (
    order_id      BIGINT  NOT NULL REFERENCES orders (order_id),
    line_no       INTEGER NOT NULL,
    product_id    INTEGER NOT NULL REFERENCES products (product_id),
    quantity      INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 10),
    unit_price    NUMERIC(10, 2) NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

CREATE TABLE payments (
    payment_id    BIGSERIAL PRIMARY KEY,
    order_id      BIGINT NOT NULL REFERENCES orders (order_id),
    method        VARCHAR(12) NOT NULL CHECK (method IN ('card', 'paypal', 'transfer', 'voucher')),
    amount        NUMERIC(12, 2) NOT NULL,
    paid_at       TIMESTAMPTZ NOT NULL
);

CREATE TABLE reviews (
    review_id     BIGSERIAL PRIMARY KEY,
    product_id    INTEGER NOT NULL REFERENCES products (product_id),
    customer_id   BIGINT  NOT NULL REFERENCES customers (customer_id),
    rating        SMALLINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
    title         VARCHAR(100),
    body          TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
