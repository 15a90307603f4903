"""Developer tasks: ``nox -s tests``, ``nox -s lint``, ``nox -s typecheck``, ``nox -s bench``,
``nox -s docs``.

Opt-in: ``nox -s js_sdk`` runs the official Webex JS SDK against the emulator;
``nox -s soak`` keeps a bot in a meeting under periodic faults for ten minutes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_external_run = True


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (unit tests and integration tests against the emulator)."""
    session.install("-e", ".[test]")
    session.run("pytest", *(session.posargs or ["-q"]))


@nox.session
def lint(session: nox.Session) -> None:
    """Check style and formatting with ruff."""
    session.install("ruff==0.17.5")
    session.run("ruff", "check", "src", "tests", "scripts", "benchmarks", "examples", "noxfile.py")
    session.run(
        "ruff",
        "format",
        "--check",
        "src",
        "tests",
        "scripts",
        "benchmarks",
        "examples",
        "noxfile.py",
    )


@nox.session
def typecheck(session: nox.Session) -> None:
    """Type-check the package with mypy in strict mode.

    ``tests/emulator/typing_helpers.py`` is checked too: it pins the static types users
    see on the emulator's control helpers (async on ``Emulator``, sync on the threaded one).
    """
    session.install("-e", ".[test]", "mypy>=1.11")
    session.run("mypy", "src", "tests/emulator/typing_helpers.py")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site into site/ with mkdocs --strict (any warning fails)."""
    session.install("-e", ".[docs]")
    # Material prints a banner about the theme's own future on every build; it says
    # nothing about this site.
    session.env["NO_MKDOCS_2_WARNING"] = "1"
    session.run("mkdocs", "build", "--strict", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Run every benchmark; write benchmarks/results/latest.md (one table) and latest.svg.

    Posargs go to benchmarks/report.py: ``--quick`` for a short run, ``--only a,b`` or
    ``--skip a,b`` to pick benchmarks, ``--minutes M`` for the memory-flatness run.
    """
    session.install("-e", ".[emulator]")
    session.install("webexpythonsdk", "wxc_sdk")  # peers for rest_throughput.py
    session.run("python", "benchmarks/report.py", *session.posargs)


@nox.session
def soak(session: nox.Session) -> None:
    """Keep a bot in a meeting under periodic faults (10 min; WEBEX_SOAK_SECONDS to change).

    Opt-in, not part of the default sessions or CI: the soak test is collected only with
    WEBEX_SOAK=1, which this session sets.
    """
    session.install("-e", ".[test]")
    session.env["WEBEX_SOAK"] = "1"
    session.run("pytest", "-q", "tests/reliability/test_soak.py", *session.posargs)


@nox.session(name="js_sdk")
def js_sdk(session: nox.Session) -> None:
    """Run the official Webex JS SDK (Node 18+, npm) against a fresh emulator.

    Opt-in, not part of the default sessions or CI: it downloads the SDK from npm.
    Posargs pick the scripts in scripts/js-sdk to run (default: smoke.mjs meetings.mjs).
    """
    if shutil.which("node") is None or shutil.which("npm") is None:
        session.error("the js_sdk session needs Node.js 18+ and npm on PATH")
    session.install("-e", ".[emulator]")
    scripts = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scripts", "js-sdk")
    session.run("npm", "install", "--no-audit", "--no-fund", "--prefix", scripts, external=True)
    python = os.path.join(session.bin, "python")
    emulator = subprocess.Popen(  # noqa: S603 - our own venv's interpreter, fixed argv
        [python, "-m", "webex_meetings.emulator", "--json"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert emulator.stdout is not None
        line = emulator.stdout.readline()
        if not line:
            session.error("the emulator exited before printing its coordinates")
        info = json.loads(line)
        env = {
            "WEBEX_U2C_URL": info["u2c_url"],
            "WEBEX_ACCESS_TOKEN": info["access_token"],
            "WEBEX_EMULATOR_URL": info["base_url"],
            # With these the smoke script also checks the SDK's own refresh and revoke.
            "WEBEX_REFRESH_TOKEN": info["refresh_token"],
            "WEBEX_CLIENT_ID": info["client_id"],
            "WEBEX_CLIENT_SECRET": info["client_secret"],
        }
        for script in session.posargs or ["smoke.mjs", "meetings.mjs"]:
            # Every script starts from the seeded state: the smoke script rotates tokens.
            _reset_emulator(info["base_url"])
            session.run("node", os.path.join(scripts, script), env=env, external=True)
    finally:
        emulator.terminate()
        emulator.wait(timeout=30)


def _reset_emulator(base_url: str) -> None:
    # base_url is the emulator's own http://127.0.0.1:<port>, never user input.
    request = urllib.request.Request(base_url + "/_emulator/reset", method="POST")  # noqa: S310
    urllib.request.urlopen(request, timeout=10).close()  # noqa: S310
