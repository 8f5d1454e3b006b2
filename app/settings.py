"""Settings, read from ``STAKEMAP_*`` environment variables when asked for, never at import."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE = "sqlite:///" + str(Path("stakemap.db").resolve())


class Settings(BaseSettings):
    """Service configuration. Every field comes from ``STAKEMAP_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="STAKEMAP_", extra="ignore")

    database_url: str = Field(
        default_factory=lambda: "sqlite:///" + str(Path("stakemap.db").resolve()),
        description="SQLAlchemy URL; postgresql+psycopg://… selects PostgreSQL.",
    )
    max_body_bytes: int = Field(50 * 1024 * 1024, ge=1024, description="Largest request body.")
    base_url: str = Field("http://127.0.0.1:8000", description="Public address, for links.")
    sqlite_busy_timeout_ms: int = Field(10_000, ge=0)
    pool_size: int = Field(
        10,
        ge=1,
        description="PostgreSQL connections each worker keeps (and as many again at peaks).",
    )
    login_link_minutes: int = Field(60 * 24, ge=1)
    forwarded_allow_ips: str = Field(
        "127.0.0.1",
        description="Proxies whose X-Forwarded-For/-Proto are believed (comma-separated, or *).",
    )
    session_hours: int = Field(12, ge=1, description="How long a browser session lasts.")
    analysis_wait_seconds: float = Field(
        2.0,
        ge=0,
        le=60,
        description="How long a request waits for an analysis being computed before it answers "
        "202 with the progress.",
    )
    analysis_parallel: int | None = Field(
        None,
        ge=1,
        le=64,
        description="Analyses each worker process computes at once (default: half the CPU "
        "cores, at least one; the rest serve requests).",
    )
    analysis_isolation: Literal["process", "thread"] = Field(
        "process",
        description="Compute analyses in child processes at a lower CPU priority (process), or "
        "in a thread of the serving process (thread).",
    )


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read from the environment once."""
    return Settings()
