"""The ``webex-meetings`` command: demo, emulator, whoami, rooms, messages and join.

Every Webex subcommand takes ``--token`` (or ``WEBEX_ACCESS_TOKEN``), ``--emulator`` (a
fresh in-process emulator, so it works offline) or ``--u2c URL`` (another deployment),
and ``--json`` for scripts. Exit codes are those of :class:`ExitCode`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence

from webex_meetings._exceptions import WebexError
from webex_meetings.cli._errors import CliError, ExitCode, explain
from webex_meetings.cli._output import Output
from webex_meetings.cli._parser import build_parser
from webex_meetings.cli._session import Session, Target, open_session

__all__ = ["ExitCode", "main"]

Handler = Callable[[Session, argparse.Namespace, Output], Awaitable[ExitCode]]


def _handler(args: argparse.Namespace) -> Handler:
    from webex_meetings.cli import _join, _messaging

    handlers: dict[tuple[str, str | None], Handler] = {
        ("whoami", None): _messaging.whoami,
        ("rooms", "list"): _messaging.rooms_list,
        ("rooms", "create"): _messaging.rooms_create,
        ("messages", "list"): _messaging.messages_list,
        ("messages", "send"): _messaging.messages_send,
        ("join", None): _join.join,
    }
    return handlers[(args.command, getattr(args, "action", None))]


class _Interrupts:
    """Ctrl-C (or SIGTERM) cancels the command; its cleanup still runs.

    A second Ctrl-C cancels the cleanup too.
    """

    def __init__(self, output: Output) -> None:
        self.output = output
        self.count = 0

    @contextlib.contextmanager
    def cancelling(self, task: asyncio.Task[ExitCode]) -> Iterator[None]:
        loop = asyncio.get_running_loop()
        installed: list[signal.Signals] = []
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, self._interrupt, task)
                installed.append(sig)
            except (NotImplementedError, RuntimeError):  # Windows, or not the main thread
                pass
        try:
            yield
        finally:
            for sig in installed:
                loop.remove_signal_handler(sig)

    def _interrupt(self, task: asyncio.Task[ExitCode]) -> None:
        self.count += 1
        if self.count == 1:
            self.output.note("interrupted: cleaning up (Ctrl-C again to quit at once)")
        task.cancel()


async def _command(
    handler: Handler, target: Target, args: argparse.Namespace, output: Output
) -> ExitCode:
    try:
        async with open_session(target, output) as session:
            return await handler(session, args, output)
    except (CliError, WebexError) as exc:  # anything else is a bug: keep its traceback
        failure = explain(exc)
    output.note(f"error: {failure.message}")
    return failure.code


async def _run(
    handler: Handler, target: Target, args: argparse.Namespace, output: Output
) -> ExitCode:
    interrupts = _Interrupts(output)
    task = asyncio.create_task(_command(handler, target, args, output), name="cli-command")
    with interrupts.cancelling(task):
        try:
            return await task
        except asyncio.CancelledError:
            if interrupts.count:
                return ExitCode.INTERRUPTED
            raise


def _run_webex_command(args: argparse.Namespace) -> int:
    output = Output(as_json=args.json)
    try:
        target = Target.from_options(
            token=args.token, u2c=args.u2c, emulator=args.emulator, verbose=args.verbose
        )
        if args.command == "join":
            from webex_meetings.cli._join import check_join_args

            check_join_args(args)
    except CliError as exc:
        output.note(f"error: {exc.message}")
        return exc.code
    try:
        return asyncio.run(_run(_handler(args), target, args, output))
    except KeyboardInterrupt:  # before the command's own handler was in place
        output.note("interrupted")
        return ExitCode.INTERRUPTED


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``webex-meetings`` with ``argv`` (default ``sys.argv[1:]``); returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return ExitCode.USAGE
    if args.command == "demo":
        from webex_meetings.demo import run_demo

        return run_demo()
    if args.command == "emulator":
        from webex_meetings.emulator.cli import main as emulator_main

        forwarded = ["--host", args.host, "--port", str(args.port)]
        if args.json:
            forwarded.append("--json")
        return emulator_main(forwarded)
    return _run_webex_command(args)
