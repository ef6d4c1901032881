"""Store settings: which server, where, and with which credentials.

Built on demand from environment variables prefixed ``MAILLAGE_`` (never at import time).
"""

from __future__ import annotations

import logging
import os
import stat
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


logger = logging.getLogger(__name__)

#: the mode of the data directory and of the embedded server's folders: the graph, its
#: password and its logs are the owner's only (other local users read nothing there)
PRIVATE_DIR_MODE = 0o700


def private_directory(path: Path) -> Path:
    """Create ``path`` (and missing parents) with mode 0700, or make an existing one 0700.

    An existing directory with a wider mode (``mkdir``'s default 0755 before this rule) is
    narrowed, and the change logged: the database files below it were readable by every local
    user until then.
    """
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode != PRIVATE_DIR_MODE:
        os.chmod(path, PRIVATE_DIR_MODE)
        logger.warning(
            "%s had mode %s: now %s (the owner's only)", path, oct(mode), oct(PRIVATE_DIR_MODE)
        )
    return path


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
