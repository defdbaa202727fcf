"""Application settings, read from the environment and `.env`.

Built once in `bot.__main__.main()` and passed down; nothing reads the environment at import time.
"""

import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from typing_extensions import Annotated

from bot.services.shared.timefmt import MOSCOW

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_URL = f"sqlite+aiosqlite:///{PROJECT_ROOT / 'data' / 'bot.db'}"
# Telegram tokens look like "123456789:AAH...": a numeric bot id, a colon, a secret.
TOKEN_PATTERN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{5,}$")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    database_url: str = DEFAULT_SQLITE_URL
    telegram_api_base: str | None = None
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

    # Webhook mode (`python -m bot run --webhook`).
    webhook_url: str | None = None  # public https URL Telegram calls, e.g. https://bot.example.org/webhook
    webhook_secret: SecretStr | None = None
    webhook_host: str = "0.0.0.0"
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
    def token(self) -> str:
        assert self.bot_token is not None
        return self.bot_token.get_secret_value().strip()
