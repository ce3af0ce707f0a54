"""The documented environment is read from the README's `## Environment variables` table (the
deployment checks compare against it), and `.ci/run` sets only variables documented there. The code's
own reads of the environment (found by `tests/deploy/code_env.py`, not listed by hand) are all
documented, and every documented variable is read by something."""

from __future__ import annotations

import re

import pytest

from kakawari.nats_cli import password_variable, platform_users
from kit.messaging.subjects import Naming
from tests.deploy.code_env import EnvRead, env_reads
from tests.deploy.manifests import CI_RUN, cell_env_names, env_table_names

# Read by the OpenTelemetry SDK itself (OTEL_TRACES_SAMPLER, ...), not by the platform's code.
LIBRARY_PREFIXES = ("OTEL_",)

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


@pytest.fixture(scope="module")
def code_reads() -> list[EnvRead]:
    reads = env_reads()
    assert {"KAKAWARI_SECRET_KEY", "DATABASE_URL", "PORT"} <= {r.pattern for r in reads}, "the scan found too little"
    return reads


def test_every_variable_the_code_reads_is_documented(code_reads, documented_env):
    missing = sorted({f"{r.pattern} ({r.where})" for r in code_reads if not any(r.matches(n) for n in documented_env)})
    assert not missing, f"read by the code but not in the README's environment table: {missing}"


def test_every_documented_variable_is_read(code_reads, documented_env):
    # nats-server itself reads each user's password variable from the generated configuration.
    server_reads = {password_variable(u.name) for u in platform_users(Naming(""))}
    unread = sorted(n for n in documented_env if not n.startswith(LIBRARY_PREFIXES) and n not in server_reads
                    and not any(r.matches(n) for r in code_reads))
    assert not unread, f"documented in the README but read by nothing: {unread}"


def test_the_scan_finds_every_kind_of_read(tmp_path):
    (tmp_path / "kit").mkdir()
    (tmp_path / "kit" / "sample.py").write_text("""
import os

NAME = "FROM_A_CONSTANT"


def _env(name, default=None):
    value = os.getenv(name)
    return value or default


def _number(name):
    return int(_env(name) or 0)


def _not_a_reader(name):
    return name


def settings(service):
    return [os.getenv("DIRECT"), os.environ.get("VIA_ENVIRON_GET"), os.environ["SUBSCRIPTED"], _env("WRAPPED"),
            _number("WRAPPED_TWICE"), os.environ.get(NAME), _env(f"{service.upper()}_DATABASE_URL"),
            _not_a_reader("NOT_READ")]
""", encoding="utf-8")
    reads = env_reads(tmp_path)
    exact = {r.pattern for r in reads if r.exact}
    assert exact == {"DIRECT", "VIA_ENVIRON_GET", "SUBSCRIPTED", "WRAPPED", "WRAPPED_TWICE", "FROM_A_CONSTANT"}
    built = [r for r in reads if not r.exact]
    assert len(built) == 1 and built[0].matches("FORUM_DATABASE_URL") and not built[0].matches("DATABASE_URL")
    assert all(r.where.startswith("kit/sample.py:") for r in reads)
