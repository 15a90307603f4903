"""Benchmark results: Markdown sections of a shared file, and one JSON file per benchmark."""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path


def write_section(path: Path, title: str, body: str, *, heading: str) -> None:
    """Replace the ``## title`` section of ``path`` (or append it), keeping the others.

    Args:
        path: the results file; created with ``# heading`` when missing.
        title: the section title, without the ``## `` prefix.
        body: the section's Markdown.
        heading: the file's top heading, used when the file is created.
    """
    text = path.read_text() if path.exists() else f"# {heading}\n"
    head, *sections = text.split("\n## ")
    kept = [s for s in sections if s.split("\n", 1)[0].strip() != title]
    kept.append(f"{title}\n\n{body.strip()}\n")
    kept.sort(key=lambda s: s.split("\n", 1)[0])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(head.rstrip("\n") + "\n" + "".join(f"\n## {s.rstrip()}\n" for s in kept))


RESULTS_DIR = Path(__file__).parent / "results"


@dataclass
class Figure:
    """One measured figure, with the same-run baseline it is compared to.

    Attributes:
        figure: what was measured, e.g. ``"CPU s over 10 s, 25 meetings"``.
        value: the measured value, in ``unit``.
        unit: ``"ms"``, ``"s"``, ``"MB"``, ``"req/s"``...
        baseline: what the baseline is (None when there is none).
        baseline_value: the baseline measured in the same run, in ``unit``.
        better: ``"lower"`` or ``"higher"``: which way a value is better.
        target: the bound to meet; on the ratio value/baseline, or on the value itself
            when ``target_on`` is ``"value"``; None when the figure has no target.
        target_on: ``"ratio"`` or ``"value"``.
    """

    figure: str
    value: float
    unit: str
    baseline: str | None = None
    baseline_value: float | None = None
    better: str = "lower"
    target: float | None = None
    target_on: str = "ratio"


def write_json(name: str, title: str, figures: list[Figure], *, command: str) -> Path:
    """Write ``results/<name>.json``, which ``report.py`` gathers into one table.

    Args:
        name: the benchmark's file stem.
        title: a short human title.
        figures: every figure of the run.
        command: the command that reproduces it.

    Returns:
        The path written.
    """
    path = RESULTS_DIR / f"{name}.json"
    payload = {
        "benchmark": name,
        "title": title,
        "command": command,
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 2),
        "written": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "figures": [asdict(f) for f in figures],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2) + "\n")
    return path
