"""The documented environment is read from the README's `## Environment variables` table (the
deployment checks compare against it), and `.ci/run` sets only variables documented there."""

from __future__ import annotations

import re

import pytest

from tests.deploy.manifests import CI_RUN, cell_env_names, env_table_names

TABLE = """\
# title

## Environment variables

| variable | default | meaning |
|---|---|---|
| `PORT` | `8000` | HTTP port; `NOT_A_NAME` in another column is not one |
| `OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG` | `parentbased_always_on` | two names |
| `REGISTRY_DATABASE_URL`, `FORUM_…`, `MATCHING_...`, `NOTIFY_DATABASE_URL` | – | elided |

`OUTSIDE_THE_TABLE` is not read.

## Next section

| `LATER_TABLE` | x |
|---|---|
| `LATER_ROW` | y |
"""


# Names the sample table shares with the real README: several to a cell, and an ellipsis.
SAMPLED = ("OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG", "REGISTRY_DATABASE_URL", "FORUM_DATABASE_URL",
           "MATCHING_DATABASE_URL", "NOTIFY_DATABASE_URL")


def test_table_names_first_column_only():
    assert env_table_names(TABLE) == {"PORT", *SAMPLED}


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("`PORT`", ["PORT"]),
        ("`KAKAWARI_MAX_DELIVER`, `KAKAWARI_RETRY_BACKOFF`", ["KAKAWARI_MAX_DELIVER", "KAKAWARI_RETRY_BACKOFF"]),
        (
            "`REGISTRY_DATABASE_URL`, `FORUM_…`, `MATCHING_…`, `NOTIFY_DATABASE_URL`",
            ["REGISTRY_DATABASE_URL", "FORUM_DATABASE_URL", "MATCHING_DATABASE_URL", "NOTIFY_DATABASE_URL"],
        ),
        ("`FORUM_...`, `REGISTRY_DATABASE_URL`", ["FORUM_DATABASE_URL", "REGISTRY_DATABASE_URL"]),
        ("`APP_A_…`, `APP_B_…`, `APP_C_LIMIT`", ["APP_A_LIMIT", "APP_B_LIMIT", "APP_C_LIMIT"]),
    ],
    ids=["one", "several", "ellipsis-per-service", "ascii-ellipsis-first", "multi-word-prefix"],
)
def test_cell_names(cell, names):
    assert cell_env_names(cell) == names


@pytest.mark.parametrize(
    "cell",
    [
        "no name here",
        "`FORUM_…`",  # an ellipsis with no full name to take the pattern from
        "`REGISTRY_DATABASE_URL`, `FORUM_…`, `NOTIFY_SMTP_URL`",  # full names that disagree
        "`postgresql://…`",
        "`lower_case`",
    ],
    ids=["no-backticks", "ellipsis-alone", "ambiguous-pattern", "not-a-name", "lower-case"],
)
def test_cell_names_rejects(cell):
    with pytest.raises(ValueError):
        cell_env_names(cell)


def test_table_missing_section_or_table():
    with pytest.raises(ValueError):
        env_table_names("# title\n\n## Other\n\n| `A` | b |\n|---|---|\n| `C` | d |\n")
    with pytest.raises(ValueError):
        env_table_names("## Environment variables\n\nnone yet\n")


def test_readme_table(documented_env):
    for name in ("PORT", "HOST", "KAKAWARI_SEED_DEMO", *SAMPLED):
        assert name in documented_env, name
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", name) for name in documented_env), sorted(documented_env)


def test_ci_run_sets_only_documented_variables(documented_env):
    script = CI_RUN.read_text(encoding="utf-8")
    # NAME=… at the start of a command (a line, or after `;`, `then`, `&&`, `||`), exported or not
    command_start = r"(?:^|;|&&|\|\||\bthen\b|\bdo\b)\s*"
    assigned = set(re.findall(command_start + r"(?:export\s+)?([A-Z_][A-Z0-9_]*)=", script, re.MULTILINE))
    assert assigned, ".ci/run sets no variables: the check below would prove nothing"
    assert assigned <= documented_env, sorted(assigned - documented_env)
