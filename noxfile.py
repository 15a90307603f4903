"""Developer tasks: ``nox -s tests``, ``nox -s lint``, ``nox -s typecheck``, ``nox -s bench``."""

from __future__ import annotations

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
    """Type-check the package with mypy in strict mode."""
    session.install("-e", ".[test]", "mypy>=1.11")
    session.run("mypy", "src")


@nox.session
def bench(session: nox.Session) -> None:
    """Run the benchmarks and write their results table."""
    session.install("-e", ".[emulator]")
    session.install("webexpythonsdk", "wxc_sdk")  # peers for rest_throughput.py
    session.run("python", "benchmarks/import_time.py", *session.posargs)
    session.run("python", "benchmarks/rest_throughput.py")
