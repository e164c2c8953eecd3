"""Spec -> CREATE TABLE DDL, by the name this package has always offered.

The writer lives on the ground floor (:mod:`dwsim_nb.spec.writer`) so ``ExperimentSpec.to_ddl`` can
call it; the DDL side of the house reaches it here.
"""

from dwsim_nb.spec.writer import WRITE_DIALECTS, SQLiteDeclared, column_type, fk_order, spec_to_ddl

__all__ = ["WRITE_DIALECTS", "SQLiteDeclared", "column_type", "fk_order", "spec_to_ddl"]
