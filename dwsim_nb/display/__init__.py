"""HTML, text and picture renderings of specs, experiments, runs and generated data.

Pure functions: the workspace's classes call them from ``_repr_html_``; magics and widgets
show them.
"""

from dwsim_nb.display.erd import ERD, erd_svg
from dwsim_nb.display.html import error_html, status_badge
from dwsim_nb.display.profile import Profile, profile, profile_png, profile_run, profile_svg
from dwsim_nb.display.rule_labels import describe_rule
from dwsim_nb.display.runs_view import (
    experiment_html,
    experiment_text,
    experiments_html,
    experiments_text,
    run_html,
    run_text,
    runs_html,
    runs_text,
)
from dwsim_nb.display.spec_view import spec_html, spec_text
from dwsim_nb.display.why_view import why_html, why_text

__all__ = [
    "ERD",
    "Profile",
    "describe_rule",
    "erd_svg",
    "error_html",
    "experiment_html",
    "experiment_text",
    "experiments_html",
    "experiments_text",
    "profile",
    "profile_png",
    "profile_run",
    "profile_svg",
    "run_html",
    "run_text",
    "runs_html",
    "runs_text",
    "spec_html",
    "spec_text",
    "status_badge",
    "why_html",
    "why_text",
]
