"""A ``--`` comment that ends a column's line is read as the column's COMMENT (``amount integer
-- stored in cents``), and so gives the hints a COMMENT gives; a comment on a line of its own,
or a COMMENT clause beside it, does not."""

from __future__ import annotations

from dwsim_nb.ddl import import_sql

DDL = """
create table payments (
    -- one row per payment
    id integer primary key, -- the payment's number
    amount integer,  -- stored in cents
    fee integer comment 'in dollars' /* fee charged */,
    total integer
);
"""


def test_line_comments_are_column_comments() -> None:
    table = import_sql(DDL, dialect="snowflake").table("payments")
    assert table.column("id").comment == "the payment's number"
    assert table.column("amount").comment == "stored in cents"
    assert table.column("fee").comment == "in dollars"  # the COMMENT clause wins
    assert table.column("total").comment is None


def test_a_line_comment_gives_the_hint_a_comment_gives() -> None:
    plain = import_sql("create table payments (id int primary key, amount integer);")
    commented = import_sql(DDL.replace(" comment 'in dollars'", ""), dialect="duckdb")
    said = commented.table("payments").column("amount").rule
    assert said is not None and "cents" in (said.reason or "")
    unsaid = plain.table("payments").column("amount").rule
    assert unsaid is None or "cents" not in (unsaid.reason or "")
