"""The "Examples" section of every ``dwsim`` command's ``--help``.

Kept in one table beside the commands rather than in each decorator, so cli.py stays small and
a test can check that no command is left without examples. Each example is a command line that
runs against the shipped TICKIT example (``dwsim example tickit > tickit.sql``).
"""

from __future__ import annotations

import click

EXAMPLES: dict[str, list[str]] = {
    "import-sql": [
        "dwsim example tickit > tickit.sql",
        "dwsim import-sql tickit.sql --name tickit --dialect redshift",
        "dwsim import-sql tickit.sql --name tickit --dialect redshift --dry-run --json",
        "dwsim import-sql schema.sql --name tpch --dialect postgres --workload queries/",
    ],
    "create": ["dwsim create shop.yaml", "dwsim create shop.json --json"],
    "generate": [
        "dwsim generate tickit",
        "dwsim generate tickit --rows users=10000,sales=50000 --seed 42",
        "dwsim generate tickit --scale 0.1 --workers 2",
        "dwsim generate tickit --rows-file rows.yaml     # 'sales: 50000' per line",
        "dwsim generate tickit --overrides rules.yaml --no-load",
    ],
    "load": ["dwsim load tickit", "dwsim load tickit --run 1"],
    "reset": ["dwsim reset tickit"],
    "delete": ["dwsim delete tickit", "dwsim delete tickit --yes"],
    "list": ["dwsim list", "dwsim list --json"],
    "runs": ["dwsim runs tickit", "dwsim runs tickit --json"],
    "query": [
        "dwsim query tickit \"select top 5 username, nvl(city, '?') from users\"",
        'dwsim query tickit "select catgroup, count(*) from category group by 1" -o counts.csv',
        "dwsim query tickit - < report.sql",
    ],
    "show": ["dwsim show tickit", "dwsim show tickit --why", "dwsim show tickit --json"],
    "infer": [
        "dwsim infer shop ./exported_parquet/",
        "dwsim infer shop sqlite:///shop.db --table orders --table customers --dry-run",
    ],
    "export-bundle": ["dwsim export-bundle tickit ./tickit-bundle --run 1"],
    "import-bundle": [
        "dwsim import-bundle ./tickit-bundle",
        "dwsim import-bundle ./tickit-bundle --name copy --no-generate",
    ],
    "demo": ["dwsim demo", "dwsim --home /tmp/dw demo --seed 7"],
    "example": [
        "dwsim example",
        "dwsim example tickit > tickit.sql",
        "dwsim example ecommerce --path",
    ],
    "workload": [
        "dwsim workload tpch queries/",
        "dwsim workload tpch q7.sql --add --selectivity 0.1",
        "dwsim workload tpch --json",
    ],
    "coverage": ["dwsim coverage tpch", "dwsim coverage tpch --run 2 --json"],
    "erd": ["dwsim erd tickit -o tickit.svg", "dwsim erd tickit --html -o tickit.html"],
    "ui": ["dwsim ui", "dwsim ui --port 9000 --no-browser --home ~/dwsim"],
}


def epilog(lines: list[str]) -> str:
    """Click's epilog text: ``\\b`` keeps the lines as they are instead of rewrapping them."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


def add_examples(group: click.Group) -> None:
    """Set the Examples epilog of every command of ``group`` that has examples listed."""
    group.epilog = epilog(["dwsim demo", "dwsim example", "dwsim generate --help"])
    for name, command in group.commands.items():
        if name in EXAMPLES and not command.epilog:
            command.epilog = epilog(EXAMPLES[name])
