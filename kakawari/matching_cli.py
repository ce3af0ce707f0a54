"""`kakawari matching`: allocate a batch round from an instance file, as the matching service would.

    kakawari matching allocate INSTANCE.json [--report] [--mode stable|max-fill]

Prints `{"assignment": {person_id: program_id or null}}` (every person, in the file's order) on
stdout; a bad instance prints every problem in Japanese and English on stderr and exits with 1.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from kit.errors import FieldProblem
from services.matching.rounds.domain.deferred_acceptance import deferred_acceptance
from services.matching.rounds.domain.instance import InvalidInstance, parse_instance
from services.matching.rounds.domain.quality import quality_report

matching_app = typer.Typer(help="Matching: allocate batch rounds (マッチング: 一括割り当て)", no_args_is_help=True)

_SHOWN_PROBLEMS = 20  # a broken export can have thousands; the first ones say what is wrong


class Mode(StrEnum):
    stable = "stable"
    max_fill = "max-fill"


@matching_app.callback()
def matching() -> None:
    """Matching: allocate batch rounds (マッチング: 一括割り当て)."""


@matching_app.command()
def allocate(
    instance: Annotated[Path, typer.Argument(metavar="INSTANCE.json", help="the instance file; - reads stdin")],
    report: Annotated[bool, typer.Option(
        "--report", help='also print the quality report: the output becomes {"assignment": ..., "report": ...} '
                         "(fill rate, ranks got, blocking pairs, unmatched people and seats, regions, seed)")] = False,
    mode: Annotated[Mode, typer.Option(
        help="stable: person-proposing deferred acceptance (no blocking pairs); max-fill: as many placed as "
             "possible (OR-Tools min-cost flow), at the price of the blocking pairs the report lists")] = Mode.stable,
) -> None:
    """Allocate people to programs; print {"assignment": {person_id: program_id or null}} as JSON.

    "people" maps each person id to a list of program ids;
    "programs" maps each program id to its "capacity" and "preferences" (a list of person ids).
    Every list is in order of preference. A pair is acceptable only if each lists the other.
    Programs may add "region", "starts_on" and "ends_on"; the file may add "seed".
    """
    try:
        parsed = parse_instance(_read(instance))
    except InvalidInstance as invalid:
        _fail(invalid.ja, invalid.en, invalid.problems)
    if mode is Mode.max_fill:
        from services.matching.rounds.domain.max_fill import max_fill  # OR-Tools loads only when asked for

        matching = max_fill(parsed)
    else:
        matching = deferred_acceptance(parsed)
    output: dict[str, object] = {"assignment": parsed.named(matching)}
    if report:
        output["report"] = quality_report(parsed, matching, mode=mode.value).as_json()
    typer.echo(json.dumps(output, ensure_ascii=False))


class _DuplicateKey(ValueError):
    pass


def _read(path: Path) -> object:
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        _fail(f"インスタンスのファイルを読めません: {path}", f"Cannot read the instance file: {path} ({error})")
    try:
        return json.loads(text, object_pairs_hook=_object_without_duplicates)
    except _DuplicateKey as duplicate:
        _fail(f"同じキー「{duplicate}」が2回あります(JSON)。", f'The key "{duplicate}" appears twice (JSON).')
    except json.JSONDecodeError as error:
        _fail(f"JSON として読めません({error.lineno}行目 {error.colno}文字目)。",
              f"Not valid JSON (line {error.lineno}, column {error.colno}): {error.msg}.")


def _object_without_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object; a key given twice (a person or program listed twice) is an error, not the last one."""
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _fail(ja: str, en: str, problems: list[FieldProblem] | tuple[()] = ()) -> NoReturn:
    lines = [ja, en]
    for problem in problems[:_SHOWN_PROBLEMS]:
        lines.append(f"- {problem.field}: {problem.ja} / {problem.en}")
    if len(problems) > _SHOWN_PROBLEMS:
        rest = len(problems) - _SHOWN_PROBLEMS
        lines.append(f"- ほか{rest}件 / and {rest} more")
    typer.echo("\n".join(lines), err=True)
    raise typer.Exit(code=1)
