-- DuckDB analytics schema: nested types, sequences, reserved words as names.
INSTALL json;
LOAD json;
CREATE SCHEMA IF NOT EXISTS app;
CREATE SEQUENCE app.event_seq START 10 INCREMENT 2;

CREATE TABLE app."date" (
    "date" DATE PRIMARY KEY,
    "user" VARCHAR,
    is_holiday BOOLEAN DEFAULT false
);

CREATE OR REPLACE TABLE app.accounts (
    account_id UBIGINT PRIMARY KEY,
    username VARCHAR NOT NULL UNIQUE,
    "Größe" DOUBLE,
    labels VARCHAR[],
    attrs MAP(VARCHAR, VARCHAR),
    home STRUCT(city VARCHAR, zip VARCHAR),
    kind ENUM('free', 'pro', 'team'),
    created_at TIMESTAMPTZ DEFAULT current_timestamp
);

CREATE TEMP TABLE IF NOT EXISTS app.events (
    event_id BIGINT DEFAULT nextval('app.event_seq') PRIMARY KEY,
    account_id UBIGINT NOT NULL REFERENCES app.accounts (account_id),
    event_day DATE REFERENCES app."date",
    payload JSON,
    amount HUGEINT,
    ratio FLOAT4,
    occurred_at TIMESTAMP
);

CREATE TABLE app.daily AS SELECT CAST(event_day AS DATE) AS day, CAST(count(*) AS BIGINT) AS n FROM app.events GROUP BY 1;
CREATE TABLE app.daily_named (d, n) AS SELECT event_day, account_id FROM app.events;

CREATE VIEW app.v_events AS SELECT * FROM app.events;
CREATE UNIQUE INDEX accounts_name ON app.accounts (username);
