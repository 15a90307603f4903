"""Run every benchmark and gather their figures into one table and one chart.

Each benchmark writes ``results/<name>.json``: its figures, each with the baseline
measured in the same run. This script runs them one after the other (each in its own
interpreter), then writes:

* ``results/latest.md``: one Markdown table with every figure, its baseline, the ratio
  value / baseline, the target and whether it was met;
* ``results/latest.svg``: the ratios as a horizontal bar chart on a log scale, with a
  line at 1.0 (same as the baseline).

A benchmark that fails is listed under the table; the figures of an earlier run of it
are still shown, with the time they were written.

Usage: ``python benchmarks/report.py [--quick] [--only a,b] [--skip a,b] [--minutes M]
[--no-run]``
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

HERE = Path(__file__).parent
RESULTS = HERE / "results"

#: name: (arguments of a full run, arguments of a ``--quick`` run)
BENCHMARKS: dict[str, tuple[list[str], list[str]]] = {
    "import_time": (["--runs", "7"], ["--runs", "3"]),
    "rest_throughput": (["--runs", "3"], ["--runs", "1"]),
    "mercury_dispatch": (
        ["--events", "50000", "--runs", "5"],
        ["--events", "10000", "--runs", "2"],
    ),
    "mercury_reconnect": (["--drops", "20"], ["--drops", "5"]),
    "register_latency": (["--runs", "20"], ["--runs", "5"]),
    "join_latency": (["--runs", "20"], ["--runs", "5"]),
    "media_offer_to_audio": (["--runs", "20"], ["--runs", "5"]),
    "media_load": (
        ["--meetings", "1,10,25", "--window", "6", "--repeats", "3"],
        ["--meetings", "1,10", "--window", "5", "--flat-warmup", "10"],
    ),
}


@dataclass(frozen=True)
class Row:
    """One line of the combined table."""

    benchmark: str
    figure: str
    value: float
    unit: str
    baseline: str | None
    baseline_value: float | None
    ratio: float | None
    target: str
    met: bool | None
    better: str = "lower"


def _number(value: float) -> str:
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 100:
        return f"{value:.0f}"
    if size >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _with_unit(value: float | None, unit: str) -> str:
    return "-" if value is None else f"{_number(value)} {unit}".strip()


def rows_of(result: dict[str, Any]) -> list[Row]:
    """The table rows of one benchmark's JSON result."""
    rows = []
    for fig in result["figures"]:
        value, base = float(fig["value"]), fig.get("baseline_value")
        # A ratio of a negative or zero figure (an RSS slope, say) says nothing.
        ratio = value / base if base is not None and base > 0 and value > 0 else None
        better = fig.get("better", "lower")
        target, on = fig.get("target"), fig.get("target_on", "ratio")
        met: bool | None = None
        text = "-"
        if target is not None:
            sign = "≤" if better == "lower" else "≥"
            text = (
                f"{sign} {target:g}x"
                if on == "ratio"
                else f"{sign} {_with_unit(target, fig['unit'])}"
            )
            measured = ratio if on == "ratio" else value
            if measured is not None:
                met = measured <= target if better == "lower" else measured >= target
        rows.append(
            Row(
                benchmark=result["benchmark"],
                figure=fig["figure"],
                value=value,
                unit=fig["unit"],
                baseline=fig.get("baseline"),
                baseline_value=None if base is None else float(base),
                ratio=ratio,
                target=text,
                met=met,
                better=better,
            )
        )
    return rows


def load(names: list[str], directory: Path = RESULTS) -> list[dict[str, Any]]:
    """The JSON results of ``names`` found in ``directory``, in that order."""
    results = []
    for name in names:
        path = directory / f"{name}.json"
        if path.exists():
            results.append(json.loads(path.read_text()))
    return results


def markdown(results: list[dict[str, Any]], failures: dict[str, str]) -> str:
    """The combined table, then where each figure came from."""
    lines = [
        "# Benchmarks",
        "",
        "Ratio = value / baseline, both measured in the same run. Lower values are better "
        "for times, CPU and memory; higher for throughput (see the target's direction).",
        "",
        "| benchmark | figure | value | baseline | baseline value | ratio | target | met? |",
        "|---|---|---:|---|---:|---:|---|---|",
    ]
    for result in results:
        for row in rows_of(result):
            ratio = "-" if row.ratio is None else f"{row.ratio:.2f}"
            met = {True: "yes", False: "**no**", None: "-"}[row.met]
            lines.append(
                f"| {row.benchmark} | {row.figure} | {_with_unit(row.value, row.unit)} "
                f"| {row.baseline or '-'} | {_with_unit(row.baseline_value, row.unit)} "
                f"| {ratio} | {row.target} | {met} |"
            )
    lines += ["", "| benchmark | written | Python | CPUs | load average | reproduce |"]
    lines.append("|---|---|---|---:|---:|---|")
    for r in results:
        lines.append(
            f"| {r['benchmark']} | {r.get('written', '?')} | {r.get('python', '?')} "
            f"| {r.get('cpus', '?')} | {r.get('load_average', '?')} | `{r['command']}` |"
        )
    if failures:
        lines += ["", "Failed in this run (older figures, if any, are shown above):", ""]
        lines += [f"- {name}: {why}" for name, why in failures.items()]
    lines += ["", "Chart of the ratios: [latest.svg](latest.svg).", ""]
    return "\n".join(lines)


def _colour(row: Row) -> str:
    if row.met is not None:
        return "#2e7d32" if row.met else "#c62828"
    assert row.ratio is not None
    better = row.ratio <= 1 if row.better == "lower" else row.ratio >= 1
    return "#1565c0" if better else "#ef6c00"


def _label(row: Row) -> str:
    label = f"{row.benchmark}: {row.figure} vs {row.baseline}"
    return label if len(label) <= 100 else label[:99] + "…"


def svg(results: list[dict[str, Any]]) -> str:
    """A horizontal bar chart of every ratio, log scale, with a line at 1.0."""
    rows = [row for result in results for row in rows_of(result) if row.ratio]
    labels = [_label(row) for row in rows]
    # About 6.5 px per character at font-size 11; no font metrics without a renderer.
    label_w = 12 + 6.5 * max((len(label) for label in labels), default=10)
    chart_w, bar_h, gap, top = 420, 16, 6, 50
    lo = min([0.5, *(row.ratio for row in rows if row.ratio)])
    hi = max([2.0, *(row.ratio for row in rows if row.ratio)])
    lo_exp, hi_exp = math.floor(math.log2(lo)), math.ceil(math.log2(hi))

    def x(ratio: float) -> float:
        return label_w + (math.log2(ratio) - lo_exp) / (hi_exp - lo_exp) * chart_w

    height = top + len(rows) * (bar_h + gap) + 40
    width = round(label_w + chart_w + 70)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2:.0f}" y="18" text-anchor="middle" font-size="14">'
        "Ratio to the same-run baseline (log scale)</text>",
    ]
    bottom = top + len(rows) * (bar_h + gap)
    for exp in range(lo_exp, hi_exp + 1):
        tick = 2.0**exp
        out.append(
            f'<line x1="{x(tick):.1f}" y1="{top - 4}" x2="{x(tick):.1f}" y2="{bottom}" '
            'stroke="#ddd"/>'
        )
        out.append(
            f'<text x="{x(tick):.1f}" y="{bottom + 14}" text-anchor="middle">{tick:g}</text>'
        )
    for i, row in enumerate(rows):
        assert row.ratio is not None
        y = top + i * (bar_h + gap)
        left, right = sorted((x(1.0), x(row.ratio)))
        out += [
            f'<text x="{label_w - 6:.0f}" y="{y + bar_h - 4}" text-anchor="end">'
            f"{escape(labels[i])}</text>",
            f'<rect x="{left:.1f}" y="{y}" width="{max(right - left, 1):.1f}" height="{bar_h}" '
            f'fill="{_colour(row)}"/>',
            f'<text x="{right + 4:.1f}" y="{y + bar_h - 4}">{row.ratio:.2f}</text>',
        ]
    out += [
        f'<line x1="{x(1.0):.1f}" y1="{top - 8}" x2="{x(1.0):.1f}" y2="{bottom}" '
        'stroke="black" stroke-width="1.5"/>',
        f'<text x="{x(1.0):.1f}" y="{top - 10}" text-anchor="middle">1.0 = baseline</text>',
        f'<text x="10" y="{height - 8}">green: target met; red: target missed; blue: '
        "better than baseline; orange: worse (no target)</text>",
        "</svg>",
    ]
    return "\n".join(out) + "\n"


def run(names: list[str], quick: bool, minutes: float) -> dict[str, str]:
    """Run the benchmarks; returns the failures (name: reason)."""
    failures = {}
    for name in names:
        full, short = BENCHMARKS[name]
        args = list(short if quick else full)
        if name == "media_load" and minutes > 0:
            args += ["--minutes", f"{minutes:g}"]
        print(f"== {name} {' '.join(args)}", flush=True)
        started = time.perf_counter()
        code = subprocess.run([sys.executable, str(HERE / f"{name}.py"), *args]).returncode
        print(f"== {name}: exit {code} after {time.perf_counter() - started:.0f}s", flush=True)
        if code:
            failures[name] = f"exit status {code}"
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, shorter windows")
    parser.add_argument("--only", help=f"comma-separated subset of: {', '.join(BENCHMARKS)}")
    parser.add_argument("--skip", help="comma-separated benchmarks not to run")
    parser.add_argument(
        "--minutes",
        type=float,
        default=None,
        help="memory-flatness run of media_load (default 2, 0.5 with --quick; 0: none)",
    )
    parser.add_argument("--no-run", action="store_true", help="only gather existing results")
    args = parser.parse_args()
    names = list(BENCHMARKS)
    for option in (args.only, args.skip):
        unknown = [n for n in (option or "").split(",") if n and n not in BENCHMARKS]
        if unknown:
            parser.error(f"unknown benchmarks: {', '.join(unknown)}")
    selected = [n for n in names if not args.only or n in args.only.split(",")]
    selected = [n for n in selected if n not in (args.skip or "").split(",")]
    minutes = args.minutes if args.minutes is not None else (0.5 if args.quick else 2.0)
    started = time.perf_counter()
    failures = {} if args.no_run else run(selected, args.quick, minutes)
    results = load(names)
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = markdown(results, failures)
    (RESULTS / "latest.md").write_text(text)
    (RESULTS / "latest.svg").write_text(svg(results))
    print(text)
    print(f"Wrote {RESULTS / 'latest.md'} and latest.svg in {time.perf_counter() - started:.0f}s")
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
