"""The combined benchmark report: rows, ratios, targets, Markdown and the SVG chart."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any
from xml.etree import ElementTree

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


report = _module("report")
results = _module("_results")

MEDIA: dict[str, Any] = {
    "benchmark": "media_load",
    "title": "Audio meetings",
    "command": "python benchmarks/media_load.py",
    "figures": [
        {"figure": "CPU, 10 meetings", "value": 5.5, "unit": "s", "baseline": "bare",
         "baseline_value": 5.0, "better": "lower", "target": 1.15, "target_on": "ratio"},
        {"figure": "CPU, 25 meetings", "value": 12.0, "unit": "s", "baseline": "bare",
         "baseline_value": 10.0, "better": "lower", "target": 1.15, "target_on": "ratio"},
        {"figure": "steady RSS", "value": 120.0, "unit": "MB", "baseline": "bare",
         "baseline_value": 100.0, "better": "lower", "target": None, "target_on": "ratio"},
        {"figure": "RSS growth", "value": 0.4, "unit": "MB/min", "baseline": None,
         "baseline_value": None, "better": "lower", "target": 1.0, "target_on": "value"},
    ],
}  # fmt: skip
DISPATCH: dict[str, Any] = {
    "benchmark": "mercury_dispatch",
    "title": "Mercury dispatch",
    "command": "python benchmarks/mercury_dispatch.py",
    "figures": [
        {"figure": "events per CPU s", "value": 19_000.0, "unit": "events/s",
         "baseline": "raw websockets", "baseline_value": 76_000.0, "better": "higher",
         "target": 20_000, "target_on": "value"},
        {"figure": "events per CPU s vs acks", "value": 40_000.0, "unit": "events/s",
         "baseline": "raw + acks", "baseline_value": 20_000.0, "better": "higher",
         "target": 1.5, "target_on": "ratio"},
    ],
}  # fmt: skip


def test_rows_compute_ratios_and_targets() -> None:
    rows = report.rows_of(MEDIA) + report.rows_of(DISPATCH)
    got = [(r.figure, r.ratio, r.met, r.target) for r in rows]
    assert got == [
        ("CPU, 10 meetings", pytest.approx(1.1), True, "≤ 1.15x"),
        ("CPU, 25 meetings", pytest.approx(1.2), False, "≤ 1.15x"),
        ("steady RSS", pytest.approx(1.2), None, "-"),
        ("RSS growth", None, True, "≤ 1.00 MB/min"),
        ("events per CPU s", pytest.approx(0.25), False, "≥ 20,000 events/s"),
        ("events per CPU s vs acks", pytest.approx(2.0), True, "≥ 1.5x"),
    ]


def test_markdown_has_one_row_per_figure(tmp_path: Path) -> None:
    for result in (MEDIA, DISPATCH):
        (tmp_path / f"{result['benchmark']}.json").write_text(json.dumps(result))
    loaded = report.load(["media_load", "mercury_dispatch", "missing"], tmp_path)
    text = report.markdown(loaded, {"missing": "exit status 1"})
    rows = [line for line in text.splitlines() if line.startswith("| media_load |")]
    assert rows[0] == (
        "| media_load | CPU, 10 meetings | 5.50 s | bare | 5.00 s | 1.10 | ≤ 1.15x | yes |"
    )
    assert rows[1].endswith("| 1.20 | ≤ 1.15x | **no** |")
    assert rows[3] == "| media_load | RSS growth | 0.40 MB/min | - | - | - | ≤ 1.00 MB/min | yes |"
    dispatch = [line for line in text.splitlines() if line.startswith("| mercury_dispatch |")]
    assert dispatch[0] == (
        "| mercury_dispatch | events per CPU s | 19,000 events/s | raw websockets "
        "| 76,000 events/s | 0.25 | ≥ 20,000 events/s | **no** |"
    )
    assert len(rows) + len(dispatch) == 6 + 2  # six figures, plus two source-table rows
    assert "- missing: exit status 1" in text


def test_svg_draws_one_bar_per_ratio_and_the_baseline_line() -> None:
    svg = report.svg([MEDIA, DISPATCH])
    root = ElementTree.fromstring(svg)  # well-formed XML
    ns = "{http://www.w3.org/2000/svg}"
    bars = [r for r in root.iter(f"{ns}rect") if r.get("fill") != "white"]
    assert len(bars) == 5  # every figure with a baseline value
    colours = [bar.get("fill") for bar in bars]
    assert colours == ["#2e7d32", "#c62828", "#ef6c00", "#c62828", "#2e7d32"]
    labels = [t.text or "" for t in root.iter(f"{ns}text")]
    assert {"1.20", "0.25"} <= set(labels)
    # The 1.0 line sits where a ratio of 1 starts every bar.
    line = next(el for el in root.iter(f"{ns}line") if el.get("stroke") == "black")
    x1 = float(line.get("x1") or 0)
    for bar, ratio in zip(bars, [1.1, 1.2, 1.2, 0.25, 2.0], strict=True):
        left, width = float(bar.get("x") or 0), float(bar.get("width") or 0)
        edge = left if ratio >= 1 else left + width
        assert edge == pytest.approx(x1, abs=0.2)
    assert re.search(r"&lt;|&amp;", report.svg([{**MEDIA, "benchmark": "a<b&c"}]))


def test_negative_figures_get_no_ratio_and_no_bar() -> None:
    shrinking = {
        **MEDIA,
        "figures": [
            {"figure": "RSS growth", "value": -0.2, "unit": "MB/min", "baseline": "bare",
             "baseline_value": 0.1, "better": "lower", "target": 1.0, "target_on": "value"},
        ],
    }  # fmt: skip
    [row] = report.rows_of(shrinking)
    assert (row.ratio, row.met) == (None, True)
    root = ElementTree.fromstring(report.svg([shrinking]))
    assert [
        r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("fill") != "white"
    ] == []


def test_write_json_round_trips_figures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(results, "RESULTS_DIR", tmp_path)
    figure = results.Figure("p95 join", 12.5, "ms", "raw httpx", 10.0)
    path = results.write_json("join_latency", "Join", [figure], command="python x.py")
    [loaded] = report.load(["join_latency"], tmp_path)
    assert path == tmp_path / "join_latency.json"
    assert loaded["command"] == "python x.py"
    [row] = report.rows_of(loaded)
    assert (row.value, row.baseline_value, row.ratio, row.met) == (12.5, 10.0, 1.25, None)
