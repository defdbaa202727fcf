"""`python -m bot <command>`: run | migrate | seed | grant | revoke | orgs import | orgs list |
orgs approval | backup."""

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from pydantic import ValidationError

from bot.config import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Teacher growth bot")
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser("run", help="migrate, seed and start long polling (the default)")
    run.add_argument("--webhook", action="store_true", help="serve a webhook instead of polling")
    commands.add_parser("migrate", help="upgrade the database schema to the latest revision")
    commands.add_parser("seed", help="load bundled content; safe to repeat")
    for name in ("grant", "revoke"):
        sub = commands.add_parser(name, help=f"{name} a role: mentor, methodist or admin")
        sub.add_argument("role", choices=["mentor", "methodist", "admin"])
        sub.add_argument("telegram_id", type=int)
        sub.add_argument("--scope", type=int, help="organization id the role covers (see `orgs list`)")
    commands.add_parser("backup", help="copy the SQLite database safely while the bot runs").add_argument(
        "path", type=Path
    )
    orgs_cmd = commands.add_parser("orgs", help="organization directory")
    orgs_sub = orgs_cmd.add_subparsers(dest="orgs_command", required=True)
    orgs_sub.add_parser("import", help="import a CSV or YAML directory").add_argument("file", type=Path)
    orgs_sub.add_parser("list", help="print the organization tree with ids")
    approval = orgs_sub.add_parser("approval", help="require a methodist's or mentor's approval of new routes")
    approval.add_argument("org_id", type=int, help="an organization id (see `orgs list`); its subtree too")
    approval.add_argument("state", choices=["on", "off"])
    return parser


def _fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def _configure_logging(settings: Settings) -> None:
    handler = logging.StreamHandler()
    if settings.log_format == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=settings.log_level, handlers=[handler])


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        _fail(f"bad setting {'.'.join(str(p) for p in first['loc']).upper()}: {first['msg']}")
    _configure_logging(settings)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # APScheduler logs two INFO lines per job run; the delivery job runs every second.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)

    from bot import cli

    command = args.command or "run"
    if command == "run":
        if problem := settings.token_problem():
            _fail(problem)
        webhook = bool(getattr(args, "webhook", False))
        if webhook and (problem := settings.webhook_problem()):
            _fail(problem)
        if not cli.migrate_and_seed_in_child(settings):
            sys.exit(2)  # the child has said why, in one line on stderr
        from bot.runner import run_polling, run_webhook

        try:
            asyncio.run(run_webhook(settings) if webhook else run_polling(settings))
        except KeyboardInterrupt:
            pass
        except cli.StartupError as exc:
            _fail(str(exc))
        return
    if command == "backup":
        from bot.infra.backup import BackupUnsupported, backup_sqlite

        try:
            print(f"backup written to {backup_sqlite(settings.database_url, args.path)}")
        except BackupUnsupported as exc:
            _fail(str(exc))
        return
    try:
        cli.migrate(settings)
        if command == "migrate":
            print("database is at the latest revision")
            return
        message = asyncio.run(cli.dispatch(settings, args))
    except cli.StartupError as exc:
        _fail(str(exc))
    print(message)


if __name__ == "__main__":
    main()
