"""Application settings, read from the environment, the project's `.env` and the service's env file.

Built once in `bot.__main__.main()` (`load_settings`) and passed down; nothing reads the environment
at import time. The service (systemd's EnvironmentFile) and every console command read the same env
file, so `python -m bot grant ...` acts on the database the running bot uses.
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from typing_extensions import Annotated

from bot.services.shared.timefmt import MOSCOW

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_URL = f"sqlite+aiosqlite:///{PROJECT_ROOT / 'data' / 'bot.db'}"
# The env file docs/deploy.md installs; BOT_ENV_FILE names another one (empty: none).
ENV_FILE_VARIABLE = "BOT_ENV_FILE"
SERVICE_ENV_FILE = Path("/etc/growthbot.env")
# URL schemes people write, and the async driver each one means here.
ASYNC_DRIVERS = {
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+psycopg": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
}
# Telegram tokens look like "123456789:AAH...": a numeric bot id, a colon, a secret.
TOKEN_PATTERN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{5,}$")


class Settings(BaseSettings):
    # The env files are chosen by load_settings(); Settings() alone reads only the environment.
    model_config = SettingsConfigDict(env_file=None, env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    database_url: str = DEFAULT_SQLITE_URL
    telegram_api_base: str | None = None
    # A proxy for every request to Telegram: http://host:3128, socks5://user:pass@host:1080.
    telegram_proxy: str | None = None
    redis_url: str | None = None
    default_timezone: str = MOSCOW
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    log_level: str = "INFO"
    # Per-user flood control: at most this many updates per window before one warning.
    throttle_rate: int = 30
    throttle_window_s: float = 10.0
    polling_timeout_s: int = 30
    max_concurrent_updates: int = 100
    log_format: str = "text"  # text | json
    # The bundled sample directory (15 organizations of the Rostov region) for trying the bot out;
    # a district imports its own directory instead (`orgs import`). `--demo` sets it too.
    demo_data: bool = False

    # Webhook mode: chosen when WEBHOOK_URL is set (or with `run --webhook`). The server listens on
    # the local interface only: a TLS proxy in front of it forwards WEBHOOK_URL's path, and /metrics
    # and /healthz beside it stay private.
    webhook_url: str | None = None  # public https URL Telegram calls, e.g. https://bot.example.org/webhook
    webhook_secret: SecretStr | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = 8080
    webhook_path: str = "/webhook"

    # Events and delivery (the outbox).
    offer_claim_hours: float = 12.0
    reminder_offsets_h: Annotated[list[float], NoDecode] = Field(default_factory=lambda: [24.0, 1.0])
    send_rate_per_s: float = Field(default=25.0, gt=0, le=1000)
    per_chat_interval_s: float = 1.0
    quiet_hours: str = "21:00-08:00"
    delivery_interval_s: float = 1.0
    delivery_batch: int = 200
    delivery_lease_s: int = 120
    delivery_max_attempts: int = 5
    # Days a finished outbox message keeps its text (a delivered text needs no copy; 152-ФЗ).
    outbox_retention_days: int = Field(default=7, ge=1, le=365)
    route_nudges_interval_s: int = 900
    mentoring_interval_s: int = 3600
    # Mentoring: how many active mentees one mentor may have at a time.
    mentor_capacity: int = Field(default=3, ge=1, le=30)

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        """`postgresql://...` (what pg_dump and psql take) means asyncpg here; `sqlite:///` aiosqlite."""
        scheme, sep, rest = value.strip().partition("://")
        if not sep:
            raise ValueError("expected a URL like postgresql://user:password@host:5432/db or sqlite:///path/bot.db")
        return f"{ASYNC_DRIVERS.get(scheme.lower(), scheme)}://{rest}"

    @field_validator("telegram_proxy")
    @classmethod
    def _check_proxy(cls, value: str | None) -> str | None:
        if not value or not value.strip():
            return None
        if value.split("://", 1)[0].lower() not in ("http", "https", "socks4", "socks5"):
            raise ValueError("expected http://host:port or socks5://user:password@host:port")
        return value.strip()

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("reminder_offsets_h", mode="before")
    @classmethod
    def _split_offsets(cls, value: object) -> object:
        if isinstance(value, str):
            return [float(part) for part in value.split(",") if part.strip()]
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _check_quiet_hours(cls, value: str) -> str:
        if value and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d", value.strip()):
            raise ValueError("expected HH:MM-HH:MM, e.g. 21:00-08:00, or empty to disable")
        return value.strip()

    @field_validator("default_timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("log_level")
    @classmethod
    def _upper_level(cls, value: str) -> str:
        return value.upper()

    def token_problem(self) -> str | None:
        """A one-line reason the token is unusable, or None when it looks right."""
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            return "BOT_TOKEN is not set: get one from @BotFather and put it in the environment or .env"
        if not TOKEN_PATTERN.match(self.bot_token.get_secret_value().strip()):
            return "BOT_TOKEN is malformed: expected something like 123456789:AAH... from @BotFather"
        return None

    def webhook_problem(self) -> str | None:
        if not self.webhook_url or not self.webhook_url.startswith("https://"):
            return "WEBHOOK_URL must be the public https:// address Telegram will call"
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", secret):
            return "WEBHOOK_SECRET must be 16-256 characters of A-Z, a-z, 0-9, _ and -"
        return None

    @property
    def webhook_mode(self) -> bool:
        return bool(self.webhook_url)

    @property
    def database_shown(self) -> str:
        """The database URL with the password masked, for logs and console output."""
        from sqlalchemy.engine import make_url

        return make_url(self.database_url).render_as_string(hide_password=True)

    @property
    def token(self) -> str:
        assert self.bot_token is not None
        return self.bot_token.get_secret_value().strip()


@dataclass(frozen=True)
class EnvFiles:
    read: tuple[Path, ...]  # lowest priority first; the real environment beats them all
    problem: str | None = None  # a reason to stop: an env file that was asked for but cannot be read


def env_files(environ: dict[str, str] | None = None) -> EnvFiles:
    """The project's `.env`, then the service's env file (BOT_ENV_FILE, default /etc/growthbot.env):
    the service's file wins, as it does for the service itself (systemd puts it in the environment)."""
    environ = os.environ if environ is None else environ
    files = [path for path in (PROJECT_ROOT / ".env",) if path.is_file()]
    named = environ.get(ENV_FILE_VARIABLE)
    service = Path(named) if named else (None if named == "" else SERVICE_ENV_FILE)
    if service is not None and (service.exists() or named):
        if not service.is_file():
            return EnvFiles(tuple(files), f"{ENV_FILE_VARIABLE}={service}: no such file")
        if not os.access(service, os.R_OK):
            owner = _owner_name(service)
            return EnvFiles(
                tuple(files),
                f"cannot read {service} (the service's settings): run this as {owner}, "
                f"e.g. sudo -u {owner} .venv/bin/python -m bot ...",
            )
        files.append(service)
    return EnvFiles(tuple(files))


def _owner_name(path: Path) -> str:
    try:
        return path.owner()
    except (KeyError, OSError):
        return "the service user"


def load_settings(files: EnvFiles) -> Settings:
    return Settings(_env_file=files.read or None)
