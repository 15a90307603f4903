"""Cold ``import webex_meetings`` time next to a bare ``import httpx``, in one run.

Each import runs in a fresh interpreter (``python -X importtime`` would also work, but a
wall-clock over several fresh processes is what a user feels). The report gives the
median of N runs for both and their ratio.

Usage: ``python benchmarks/import_time.py [--runs N]``
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from _results import Figure, write_json  # a sibling module: the script directory is on sys.path


def _time_import(module: str) -> float:
    code = f"import time; t=time.perf_counter(); import {module}; print(time.perf_counter()-t)"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return float(out.strip())


def _median(module: str, runs: int) -> float:
    _time_import(module)  # warm the OS file cache; the interpreter itself stays cold
    return statistics.median(_time_import(module) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    httpx_s = _median("httpx", args.runs)
    sdk_s = _median("webex_meetings", args.runs)
    aiortc_loaded = subprocess.run(
        [sys.executable, "-c", "import sys, webex_meetings; print('aiortc' in sys.modules)"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    print("| measure | median (ms) | ratio to httpx |")
    print("|---|---:|---:|")
    print(f"| import httpx (baseline) | {httpx_s * 1000:.1f} | 1.00 |")
    print(f"| import webex_meetings | {sdk_s * 1000:.1f} | {sdk_s / httpx_s:.2f} |")
    print(f"\naiortc imported by `import webex_meetings`: {aiortc_loaded}")
    print(f"runs per import: {args.runs}; total {time.perf_counter() - started:.1f}s")
    figure = Figure(
        "import webex_meetings, cold (median)", sdk_s * 1000, "ms", "import httpx", httpx_s * 1000
    )
    command = f"python benchmarks/import_time.py --runs {args.runs}"
    write_json("import_time", "Import time", [figure], command=command)


if __name__ == "__main__":
    main()
