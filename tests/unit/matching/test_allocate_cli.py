"""`kakawari matching allocate`: the assignment on stdout for every person, the report and max-fill on request,
and a bad instance explained in Japanese and English on stderr with a non-zero exit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from bench.matching import generate_instance, reference_assignment
from kakawari.matching_cli import matching_app

RUNNER = CliRunner()
SEASON: dict[str, Any] = {
    "people": {"あき": ["飛騨-田植え", "京都-茶摘み"], "bo": ["飛騨-田植え"], "cy": ["京都-茶摘み", "飛騨-田植え"]},
    "programs": {"飛騨-田植え": {"capacity": 1, "preferences": ["bo", "あき", "cy"], "region": "岐阜県"},
                 "京都-茶摘み": {"capacity": 1, "preferences": ["あき"], "region": "京都府"}},
    "seed": "s1",
}


def write(tmp_path: Path, data: object, name: str = "instance.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_prints_every_persons_program_or_null(tmp_path: Path) -> None:
    result = RUNNER.invoke(matching_app, ["allocate", write(tmp_path, SEASON)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"assignment": {"あき": "京都-茶摘み", "bo": "飛騨-田植え", "cy": None}}
    assert result.stderr == ""


def test_works_under_the_platforms_cli_as_wired() -> None:
    app = typer.Typer()
    app.add_typer(matching_app, name="matching")
    result = RUNNER.invoke(app, ["matching", "allocate", "-"], input=json.dumps(SEASON))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["assignment"]["bo"] == "飛騨-田植え"


def test_a_season_equals_the_reference(tmp_path: Path) -> None:
    data = generate_instance(300, 30, seed=5)
    result = RUNNER.invoke(matching_app, ["allocate", write(tmp_path, data)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"assignment": reference_assignment(data)}


def test_the_report_comes_with_the_assignment(tmp_path: Path) -> None:
    result = RUNNER.invoke(matching_app, ["allocate", write(tmp_path, SEASON), "--report"])
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert output["assignment"]["cy"] is None
    report = output["report"]
    assert (report["mode"], report["seed"], report["matched"], report["fill_rate"]) == ("stable", "s1", 2, 1.0)
    assert report["blocking_pairs"] == [] and report["unmatched_people"] == ["cy"]
    assert {r["region"] for r in report["regions"]} == {"岐阜県", "京都府"}


def test_max_fill_places_more_and_reports_the_blocking_pairs(tmp_path: Path) -> None:
    data = {"people": {"a": ["x", "y"], "b": ["x"]},
            "programs": {"x": {"capacity": 1, "preferences": ["a", "b"]}, "y": {"capacity": 1, "preferences": ["a"]}}}
    path = write(tmp_path, data)
    stable = json.loads(RUNNER.invoke(matching_app, ["allocate", path]).stdout)
    assert stable == {"assignment": {"a": "x", "b": None}}
    result = RUNNER.invoke(matching_app, ["allocate", path, "--mode", "max-fill", "--report"])
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert output["assignment"] == {"a": "y", "b": "x"}
    assert output["report"]["mode"] == "max-fill" and output["report"]["blocking_pairs"] == [["a", "x"]]


@pytest.mark.parametrize(("data", "ja", "en"), [
    ({"people": {"a": ["x", "ghost"]}, "programs": {"x": {"capacity": 1, "preferences": ["a"]}}},
     "プログラム「ghost」はありません", 'lists unknown program "ghost"'),
    ({"people": {"a": ["x"]}, "programs": {"x": {"capacity": -2, "preferences": ["a"]}}},
     "定員が負の数です(-2)", "negative capacity (-2)"),
    ({"people": {"a": ["x", "x"]}, "programs": {"x": {"capacity": 1, "preferences": ["a"]}}},
     "「x」が重複しています", 'lists "x" more than once'),
    ('{"people": {"a": ["x"], "a": []}, "programs": {}}', "同じキー「a」が2回あります", 'The key "a" appears twice'),
    ('{"people": {', "JSON として読めません", "Not valid JSON"),
])
def test_a_bad_instance_is_explained_in_both_languages(tmp_path: Path, data: object, ja: str, en: str) -> None:
    result = RUNNER.invoke(matching_app, ["allocate", write(tmp_path, data)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert ja in result.stderr and en in result.stderr


def test_a_missing_file_is_explained(tmp_path: Path) -> None:
    result = RUNNER.invoke(matching_app, ["allocate", str(tmp_path / "nowhere.json")])
    assert result.exit_code == 1
    assert "インスタンスのファイルを読めません" in result.stderr and "Cannot read the instance file" in result.stderr


def test_a_long_list_of_problems_is_cut_short(tmp_path: Path) -> None:
    data = {"people": {f"p{i}": ["ghost"] for i in range(30)}, "programs": {}}
    result = RUNNER.invoke(matching_app, ["allocate", write(tmp_path, data)])
    assert result.exit_code == 1
    assert result.stderr.count("\n- ") == 21 and "ほか10件 / and 10 more" in result.stderr
