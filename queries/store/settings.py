"""Store settings: which server, where, and with which credentials.

Built on demand from environment variables prefixed ``MAILLAGE_`` (never at import time).
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Backend(StrEnum):
    EMBEDDED = "embedded"
    NEO4J = "neo4j"


def default_data_dir() -> Path:
    """Per-user data directory: ``$XDG_DATA_HOME/maillage`` or ``~/.local/share/maillage``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "maillage"


class StoreSettings(BaseSettings):
    """Where the graph lives. See ``docs/configuration.md`` for every variable."""

    model_config = SettingsConfigDict(env_prefix="MAILLAGE_", extra="ignore")

    backend: Backend = Backend.EMBEDDED
    data_dir: Path = Field(default_factory=default_data_dir)
    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr | None = None
    neo4j_database: str = "neo4j"
    embedded_heap: str = Field(default="1g", pattern=r"^\d+[mMgG]$")
    embedded_host: str = "127.0.0.1"
    query_timeout: float = Field(default=30.0, gt=0, description="seconds per transaction")
    connect_timeout: float = Field(default=5.0, gt=0)
