"""The console commands that touch the database (everything but `run`), and `run`'s preparation.

Every command reads the same settings as the service (`bot.config.env_files`) and says which
database it acted on, password masked."""

import argparse
import os
import subprocess
import sys

from sqlalchemy import select

from bot.config import Settings
from bot.infra.db import create_engine, create_sessionmaker
from bot.infra.seed import seed
from bot.services.route import approval
from bot.services.shared import org_import, org_removal, roles
from bot.services.shared.errors import DomainError
from models import Organization, Role


class StartupError(Exception):
    """A problem worth one line on stderr, never a traceback. Exit code 2: a configuration error,
    which systemd does not restart (RestartPreventExitStatus=2)."""

    exit_code = 2


class Unreachable(StartupError):
    """A service that may come back (the database server, Redis): exit code 1, systemd retries."""

    exit_code = 1


def _is_network_error(exc: BaseException) -> bool:
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError):
            return True
        stack += [current.__cause__, current.__context__, getattr(current, "orig", None)]
    return False


def migrate(settings: Settings) -> str:
    """Upgrade the schema; returns «schema upgraded 0004 → 0005», «schema already at 0005»..."""
    from bot.infra import migrate as migrations  # Alembic: only in the processes that migrate

    try:
        return migrations.upgrade(settings.database_url).describe()
    except Exception as exc:  # a wrong URL or an unreachable server: say so in one line
        error = Unreachable if _is_network_error(exc) else StartupError
        raise error(f"cannot migrate {settings.database_shown}: {exc}") from None


def migrate_and_seed_in_child(settings: Settings) -> int:
    """`run`'s preparation, done by `python -m bot seed` (migrate, then load bundled content) in a
    child process: Alembic's modules (~11 MB) and whatever migrating and seeding allocate are gone
    with the child instead of staying in the long-running bot. The child logs to the same stderr
    and explains a failure itself in one line; returns its exit code (0: ready)."""
    env = {**os.environ, "DATABASE_URL": settings.database_url, "DEMO_DATA": "1" if settings.demo_data else "0"}
    child = subprocess.run(
        [sys.executable, "-m", "bot", "seed"], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=False
    )
    return child.returncode


async def dispatch(settings: Settings, args: argparse.Namespace) -> str:
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            try:
                return await _run(session, settings, args)
            except DomainError as exc:
                raise StartupError(exc.user_message) from None
    finally:
        await engine.dispose()


async def _run(session, settings: Settings, args: argparse.Namespace) -> str:
    if args.command == "seed":
        organizations = await seed(session, demo=settings.demo_data)
        return f"content is loaded; organizations: {organizations}"
    if args.command == "grant":
        created = await roles.grant(session, None, Role(args.role), args.telegram_id, args.scope)
        return f"{args.role} granted to {args.telegram_id}" if created else "already granted"
    if args.command == "revoke":
        removed = await roles.revoke(session, None, Role(args.role), args.telegram_id, args.scope)
        return f"revoked {removed} grant(s)"
    if args.orgs_command == "approval":
        changed = await approval.set_required(session, None, args.org_id, args.state == "on")
        return f"route approval {args.state} under organization {args.org_id}: {changed} organization(s) changed"
    if args.orgs_command == "import":
        report = await org_import.import_file(session, args.file)
        return f"imported {args.file.name}: {report.describe()}"
    if args.orgs_command == "remove":
        removed = await org_removal.remove_subtree(session, args.org_id)
        return f"removed «{removed.root}» and {removed.count - 1} organization(s) under it"
    return await _tree(session)


async def _tree(session) -> str:
    rows = list(await session.scalars(select(Organization).order_by(Organization.name)))
    children: dict[int | None, list[Organization]] = {}
    for org in rows:
        children.setdefault(org.parent_id, []).append(org)
    lines: list[str] = []

    def walk(parent: int | None, depth: int) -> None:
        for org in children.get(parent, []):
            flag = "\troute approval" if org.route_approval_required else ""
            lines.append(f"{'  ' * depth}{org.id}\t{org.kind.value}\t{org.name}\t{org.timezone}{flag}")
            walk(org.id, depth + 1)

    walk(None, 0)
    return "\n".join(lines) or "no organizations yet"
