-- A subscription business in Snowflake DDL: accounts, their users, plans, subscriptions,
-- invoices and a product-usage event stream with a VARIANT payload. Snowflake spellings
-- (NUMBER(38,0), TIMESTAMP_NTZ, AUTOINCREMENT, CLUSTER BY, COMMENT) are read as written.

CREATE OR REPLACE TABLE plans (
    plan_id        NUMBER(38,0) AUTOINCREMENT PRIMARY KEY,
    plan_name      VARCHAR(30) NOT NULL COMMENT 'Starter, Team, Business or Enterprise',
    monthly_price  NUMBER(10,2) NOT NULL,
    seats_included NUMBER(5,0) NOT NULL
);

CREATE OR REPLACE TABLE accounts (
    account_id     NUMBER(38,0) AUTOINCREMENT PRIMARY KEY,
    company_name   VARCHAR(200) NOT NULL,
    industry       VARCHAR(50),
    country        VARCHAR(2) COMMENT 'ISO 3166 country code',
    created_at     TIMESTAMP_NTZ NOT NULL
) CLUSTER BY (created_at);

CREATE OR REPLACE TABLE account_users (
    user_id        NUMBER(38,0) AUTOINCREMENT PRIMARY KEY,
    account_id     NUMBER(38,0) NOT NULL REFERENCES accounts (account_id),
    email          VARCHAR(320) NOT NULL,
    full_name      VARCHAR(200),
    role           VARCHAR(20) COMMENT 'admin, member or viewer',
    last_login_at  TIMESTAMP_NTZ
);

CREATE OR REPLACE TABLE subscriptions (
    subscription_id NUMBER(38,0) AUTOINCREMENT PRIMARY KEY,
    account_id      NUMBER(38,0) NOT NULL REFERENCES accounts (account_id),
    plan_id         NUMBER(38,0) NOT NULL REFERENCES plans (plan_id),
    status          VARCHAR(12) NOT NULL,
    started_at      DATE NOT NULL,
    ended_at        DATE,
    seats           NUMBER(5,0) NOT NULL
);

CREATE OR REPLACE TABLE invoices (
    invoice_id      NUMBER(38,0) AUTOINCREMENT PRIMARY KEY,
    subscription_id NUMBER(38,0) NOT NULL REFERENCES subscriptions (subscription_id),
    invoice_date    DATE NOT NULL,
    amount_usd      NUMBER(12,2) NOT NULL,
    currency        VARCHAR(3) DEFAULT 'USD',
    paid            BOOLEAN
);

CREATE OR REPLACE TABLE usage_events (
    event_id        VARCHAR(36) NOT NULL PRIMARY KEY,
    user_id         NUMBER(38,0) NOT NULL REFERENCES account_users (user_id),
    event_type      VARCHAR(40) NOT NULL,
    occurred_at     TIMESTAMP_NTZ NOT NULL,
    properties      VARIANT
) CLUSTER BY (TO_DATE(occurred_at));
