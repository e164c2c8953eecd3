"""Show why (issue 15, item 6): inferred rules listed with their reason, grouped by the kind of
source, and alike notes grouped and counted, the same in the notebook HTML, the CLI and the
import form."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from dwsim_nb.cli import main
from dwsim_nb.ddl import import_sql
from dwsim_nb.display import spec_html, spec_text, why_html, why_text
from dwsim_nb.spec.notes import group_messages, grouped_lines
from dwsim_nb.spec.why import inferred_rules, source_kind

RENTAL = Path(__file__).parent / "corpus" / "realism" / "rental_pgdump.sql"

PARTITION_NOTE = (
    "line {line}: skipped partition public.payment_p{n:04d} of public.payment "
    "(a partition holds the parent table's rows, so it is the same table)"
)

SMALL_DDL = """
CREATE TABLE public.film (
    film_id integer NOT NULL PRIMARY KEY,
    release_year integer CHECK (release_year BETWEEN 1901 AND 2155),
    rental_rate numeric(4,2) DEFAULT 4.99 NOT NULL,
    email text
);
"""


def _partition_notes(n: int, first_line: int = 812, step: int = 7) -> list[str]:
    return [PARTITION_NOTE.format(line=first_line + i * step, n=i) for i in range(n)]


def test_55_partition_notes_are_one_counted_line_with_their_line_span() -> None:
    notes = _partition_notes(55)
    notes.insert(10, "line 900: domain year read as INT")
    groups = group_messages(notes)
    assert [g.count for g in groups] == [55, 1]
    big = groups[0]
    assert big.line_span() == f"lines 812–{812 + 54 * 7}"
    line = big.summary(max_examples=3)
    assert line.startswith("55× skipped partition … of public.payment (a partition holds")
    # the names that varied are examples, the one shared by all stays in the template
    assert "public.payment_p0000, public.payment_p0001, public.payment_p0002, … 52 more" in line
    assert groups[1].summary() == "line 900: domain year read as INT"


def test_messages_with_different_words_do_not_group() -> None:
    lines = grouped_lines(
        [
            "line 1: skipped CREATE INDEX idx_a",
            "line 2: skipped CREATE TRIGGER trg_a",
            "line 3: skipped CREATE INDEX idx_b",
            "no line here: warned about t_1",
            "no line here: warned about t_2",
        ]
    )
    assert lines[0] == "2× skipped CREATE INDEX … (lines 1–3); e.g. idx_a, idx_b"
    assert lines[1] == "line 2: skipped CREATE TRIGGER trg_a"
    assert lines[2] == "2× no line here: warned about …; e.g. t_1, t_2"


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        ("CHECK ((VALUE >= 1901) AND (VALUE <= 2155))", "CHECK"),
        ("DEFAULT 4.99 (the most common value)", "DEFAULT"),
        ("GENERATED ALWAYS AS (round(length / 60.0, 2))", "GENERATED"),
        ("comment 'ISO 3166 country code'", "comment"),
        ("calendar: month of caldate", "calendar"),
        ("arithmetic: qtysold * priceperticket", "arithmetic"),
        ("hierarchy catgroup <- catname", "hierarchy"),
        ("faker email (looks like an e-mail address)", "name"),
    ],
)
def test_reason_prefix_names_its_kind_of_source(reason: str, kind: str) -> None:
    assert source_kind(reason) == kind


def test_inferred_rules_are_grouped_by_source_with_ddl_hints_first() -> None:
    spec = import_sql(SMALL_DDL, dialect="postgres", name="small")
    rules = inferred_rules(spec)
    by_col = {r.column.name: r for r in rules}
    assert by_col["release_year"].source == "CHECK"
    assert by_col["rental_rate"].source == "DEFAULT"
    assert by_col["email"].source == "name"
    order = [r.source for r in rules]
    assert order.index("CHECK") < order.index("DEFAULT") < order.index("name")
    assert "film_id" not in by_col  # no inferred rule, nothing to explain


def test_rental_import_html_shows_why_table_and_grouped_notes() -> None:
    spec = import_sql(RENTAL.read_text(), dialect="postgres", name="rental")
    page = spec_html(spec)
    why = why_html(spec, collapsed=len(spec.tables) > 8)  # a big schema's Why starts closed
    assert why in page
    # one grid row per inferred rule, each with its reason
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td>", why)
    assert len(rows) == len(inferred_rules(spec))
    assert "release_year" in why and "CHECK ((VALUE &gt;= 1901)" in why
    assert "DEFAULT 4.99" in why
    # the six partition notes are one list item with a count and a line span
    assert page.count("skipped partition") == 1
    assert re.search(r"<b>6×</b> skipped partition … of public\.payment", page)
    assert "lines " in page
    total = len(spec.notes)
    assert re.search(rf"Notes <span class=\"dwsim-muted\">\({total} in \d+ groups\)", page)


def test_text_renderings_group_notes_and_count_rules() -> None:
    spec = import_sql(RENTAL.read_text(), dialect="postgres", name="rental")
    text = spec_text(spec)
    assert sum("skipped partition" in line for line in text.splitlines()) == 1
    assert "note: 6× skipped partition" in text
    table = why_text(spec)
    assert table.splitlines()[0].startswith(f"{len(inferred_rules(spec))} inferred rules: CHECK")
    assert re.search(r"^CHECK\s+film\s+release_year\s+range 1901 … 2155\s+CHECK", table, re.M)


def test_cli_show_why_and_import_summary(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--home", str(tmp_path / "ws")]
    r = runner.invoke(
        main,
        [*base, "import-sql", str(RENTAL), "-n", "rental", "-d", "postgres"],
        catch_exceptions=False,
        terminal_width=200,
    )
    assert r.exit_code == 0, r.output
    assert "inferred rules: CHECK 3" in r.output
    assert "dwsim show rental --why" in r.output
    r = runner.invoke(main, [*base, "show", "rental", "--why"], terminal_width=250)
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    row = next(line for line in lines if "release_year" in line)
    assert "CHECK" in row and "1901" in row
    partition = [line for line in lines if "skipped partition" in line]
    assert len(partition) == 1 and "6×" in partition[0]


def test_import_form_preview_shows_why(tmp_path: Path) -> None:
    pytest.importorskip("ipywidgets")
    from dwsim_nb.widgets.import_form import ImportForm
    from dwsim_nb.workspace import Workspace

    form = ImportForm(Workspace(tmp_path / "ws"))
    form.ddl.value = RENTAL.read_text()
    form.dialect.value = "postgres"
    form.preview()
    out = form.output.value
    assert 'class="dwsim-why"' in out
    assert "DEFAULT 4.99" in out
    assert out.count("skipped partition") == 1
