"""The console commands that touch the database (everything but `run`), and `run`'s preparation."""

import argparse
import os
import subprocess
import sys

from sqlalchemy import select

from bot.config import Settings
from bot.infra.db import create_engine, create_sessionmaker
from bot.infra.seed import seed
from bot.services.route import approval
from bot.services.shared import org_import, roles
from bot.services.shared.errors import DomainError
from models import Organization, Role


class StartupError(Exception):
    """A problem worth one line on stderr and exit code 2, never a traceback."""


def migrate(settings: Settings) -> None:
    from bot.infra import migrate as migrations  # Alembic: only in the processes that migrate

    try:
        migrations.upgrade(settings.database_url)
    except Exception as exc:  # a wrong URL or an unreachable server: say so in one line
        raise StartupError(f"cannot migrate {settings.database_url.split('@')[-1]}: {exc}") from None


def migrate_and_seed_in_child(settings: Settings) -> bool:
    """`run`'s preparation, done by `python -m bot seed` (migrate, then load bundled content) in a
    child process: Alembic's modules (~11 MB) and whatever migrating and seeding allocate are gone
    with the child instead of staying in the long-running bot. The child logs to the same stderr
    and explains a failure itself in one line; False means it failed."""
    env = {**os.environ, "DATABASE_URL": settings.database_url}
    child = subprocess.run(
        [sys.executable, "-m", "bot", "seed"], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=False
    )
    return child.returncode == 0


async def dispatch(settings: Settings, args: argparse.Namespace) -> str:
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            try:
                return await _run(session, args)
            except DomainError as exc:
                raise StartupError(exc.user_message) from None
    finally:
        await engine.dispose()


async def _run(session, args: argparse.Namespace) -> str:
    if args.command == "seed":
        await seed(session)
        return "content is loaded"
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
        return f"imported: {report.created} created, {report.existing} updated"
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
