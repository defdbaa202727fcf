"""`python -m bot <command>`: run | migrate | seed | grant | revoke | orgs import|list|remove|approval |
backup."""

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from pydantic import ValidationError

from bot.config import EnvFiles, Settings, env_files, load_settings
from bot.version import describe

log = logging.getLogger("bot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Teacher growth bot")
    parser.add_argument("--version", action="version", version=f"teacher-growth-bot {describe()}")
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser("run", help="migrate, seed and start (webhook when WEBHOOK_URL is set, else polling)")
    mode = run.add_mutually_exclusive_group()
    mode.add_argument("--webhook", action="store_true", help="serve a webhook (the default when WEBHOOK_URL is set)")
    mode.add_argument("--polling", action="store_true", help="long-poll even though WEBHOOK_URL is set")
    run.add_argument("--demo", action="store_true", help="load the sample organization directory into an empty table")
    commands.add_parser("migrate", help="upgrade the database schema to the latest revision")
    seed = commands.add_parser("seed", help="load bundled content; safe to repeat")
    seed.add_argument("--demo", action="store_true", help="also the sample organization directory (empty table only)")
    for name in ("grant", "revoke"):
        sub = commands.add_parser(name, help=f"{name} a role: mentor, methodist or admin")
        sub.add_argument("role", choices=["mentor", "methodist", "admin"])
        sub.add_argument("telegram_id", type=int)
        sub.add_argument("--scope", type=int, help="organization id the role covers (see `orgs list`)")
    commands.add_parser("backup", help="a dated copy of the SQLite database, safe while the bot runs").add_argument(
        "path", type=Path, help="a directory (the file is named after the database and the time) or a file"
    )
    orgs_cmd = commands.add_parser("orgs", help="organization directory")
    orgs_sub = orgs_cmd.add_subparsers(dest="orgs_command", required=True)
    orgs_sub.add_parser("import", help="import a CSV, XLSX or YAML directory").add_argument("file", type=Path)
    orgs_sub.add_parser("list", help="print the organization tree with ids")
    orgs_sub.add_parser("remove", help="remove an organization and its subtree, if nobody uses them").add_argument(
        "org_id", type=int
    )
    approval = orgs_sub.add_parser("approval", help="require a methodist's or mentor's approval of new routes")
    approval.add_argument("org_id", type=int, help="an organization id (see `orgs list`); its subtree too")
    approval.add_argument("state", choices=["on", "off"])
    return parser


def _fail(message: str, exit_code: int = 2) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(exit_code)


def _configure_logging(settings: Settings) -> None:
    handler = logging.StreamHandler()
    if settings.log_format == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=settings.log_level, handlers=[handler])
    # aiogram logs an INFO line for every update handled: the journal would grow by a line per tap
    # of every user. LOG_LEVEL=DEBUG brings them back.
    debugging = logging.getLevelName(settings.log_level) <= logging.DEBUG
    logging.getLogger("aiogram.event").setLevel(logging.NOTSET if debugging else logging.WARNING)


def _settings(args: argparse.Namespace, files: EnvFiles) -> Settings:
    if files.problem:
        _fail(files.problem)
    try:
        settings = load_settings(files)
    except ValidationError as exc:
        first = exc.errors()[0]
        _fail(f"bad setting {'.'.join(str(p) for p in first['loc']).upper()}: {first['msg']}")
    if getattr(args, "demo", False):
        settings = settings.model_copy(update={"demo_data": True})
    return settings


def _run(args: argparse.Namespace, settings: Settings, files: EnvFiles) -> None:
    from bot import cli

    if problem := settings.token_problem():
        _fail(problem)
    webhook = not args.polling and (args.webhook or settings.webhook_mode)
    if webhook and (problem := settings.webhook_problem()):
        _fail(problem)
    log.info(
        "teacher-growth-bot %s; settings from %s; database %s; %s",
        describe(),
        ", ".join(map(str, files.read)) or "the environment",
        settings.database_shown,
        "webhook mode" if webhook else "long polling",
    )
    if code := cli.migrate_and_seed_in_child(settings):
        sys.exit(code)  # the child has said why, in one line on stderr
    from aiogram.exceptions import TelegramNetworkError

    from bot.runner import run_polling, run_webhook

    try:
        asyncio.run(run_webhook(settings) if webhook else run_polling(settings))
    except KeyboardInterrupt:
        pass
    except cli.StartupError as exc:
        _fail(str(exc), exc.exit_code)
    except TelegramNetworkError as exc:  # lost between getMe and the first poll or setWebhook: systemd retries
        _fail(f"Telegram became unreachable while starting: {exc}", 1)


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    if args.command is None:
        args = _parser().parse_args(["run", *(argv if argv is not None else sys.argv[1:])])
    files = env_files()
    settings = _settings(args, files)
    _configure_logging(settings)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # APScheduler logs two INFO lines per job run; the delivery job runs every second.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)

    from bot import cli
    from bot.infra.ownership import root_problem

    if problem := root_problem(settings.database_url):
        _fail(problem)
    if args.command == "run":
        _run(args, settings, files)
        return
    print(f"settings: {', '.join(map(str, files.read)) or 'the environment only (no env file found)'}")
    print(f"database: {settings.database_shown}")
    if args.command == "backup":
        from bot.infra.backup import BackupUnsupported, backup_sqlite

        try:
            print(f"backup written to {backup_sqlite(settings.database_url, args.path)}")
        except BackupUnsupported as exc:
            _fail(str(exc))
        return
    try:
        print(cli.migrate(settings))
        if args.command == "migrate":
            return
        message = asyncio.run(cli.dispatch(settings, args))
    except cli.StartupError as exc:
        _fail(str(exc), exc.exit_code)
    print(message)


if __name__ == "__main__":
    main()
