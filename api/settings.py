"""API settings: where the server listens, who may read, and the limits every request obeys.

Built on demand from environment variables prefixed ``MAILLAGE_`` (never at import time); the
store's own settings (backend, data directory, credentials) are
:class:`queries.store.StoreSettings`. Every limit is named in the refusal it causes, with the
variable that raises it (see ``docs/api.md``).
"""

from __future__ import annotations

import re
from typing import Annotated, Self

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.*-]+(:[0-9]{1,5})?$")


class ApiSettings(BaseSettings):
    """How ``maillage serve`` serves the GraphQL API and the HTTP exports."""

    model_config = SettingsConfigDict(env_prefix="MAILLAGE_", extra="ignore")

    host: str = Field(default="127.0.0.1", description="interface to bind (loopback by default)")
    port: int = Field(default=8000, ge=1, le=65_535)
    public_read: bool = Field(default=True, description="false: every request needs a token")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="origins allowed by CORS, comma-separated; * for any"
    )
    graphiql: bool = Field(default=True, description="serve GraphiQL on GET /graphql")
    frame_ancestors: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="origins allowed to embed the pages in a frame, comma-separated; none: DENY",
    )

    # -- what a request may send (each refusal names the limit and its variable) -----------
    max_body_bytes: int = Field(default=1_048_576, ge=1_024, description="bytes of a body")
    body_timeout: float = Field(default=15.0, gt=0, description="seconds for a body to arrive")
    header_timeout: float = Field(default=10.0, gt=0, description="seconds for the headers")
    keep_alive_timeout: float = Field(default=5.0, gt=0, description="idle connection, seconds")
    max_header_bytes: int = Field(default=16_384, ge=1_024, description="bytes of the headers")
    auth_failures: int = Field(
        default=10, ge=1, description="refused tokens an address may send per window"
    )
    auth_failure_window: float = Field(default=60.0, gt=0, description="seconds of that window")

    # -- limits (each refusal names the limit, its value and this variable) ------------------
    max_page_size: int = Field(default=100, ge=1, le=10_000)
    default_page_size: int = Field(default=20, ge=1)
    max_depth: int = Field(default=12, ge=2, description="nesting depth of a GraphQL query")
    max_tokens: int = Field(default=4_000, ge=100, description="lexical tokens in a query")
    max_query_cost: int = Field(default=50_000, ge=1, description="estimated cost of a query")
    max_path_hops: int = Field(default=8, ge=1)
    max_paths: int = Field(default=20, ge=1, description="the k of cooperationPaths")
    max_neighbourhood_depth: int = Field(default=3, ge=1, le=3)
    max_neighbourhood_actors: int = Field(default=1_000, ge=1, description="nearest kept")
    request_timeout: float = Field(default=10.0, gt=0, description="seconds per request")
    analytics_threads: int = Field(
        default=2, ge=1, le=64, description="analytics and exports computed at a time"
    )
    switch_interval: float | None = Field(
        default=0.001,
        gt=0,
        description="seconds between GIL hand-overs of the process (Python's default 0.005)",
    )
    export_timeout: float = Field(default=120.0, gt=0, description="seconds per export")
    token_cache_seconds: float = Field(
        default=5.0, ge=0, description="how long a verified token is trusted for reads"
    )
    projection_max_wait: float = Field(
        default=2.0,
        ge=0,
        description="seconds a request waits for the analytics projection to follow a change",
    )
    store_probe_interval: float = Field(
        default=1.0, gt=0, description="seconds between probes while the store is down"
    )
    restart_embedded: bool = Field(
        default=True,
        description="start the embedded server again when it died (not after `maillage db stop`)",
    )

    # -- first run -----------------------------------------------------------------------
    bootstrap: bool = Field(
        default=True,
        description="on start: schema, territories and the movement reference dataset if absent",
    )

    @field_validator("cors_origins", "frame_ancestors", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("frame_ancestors")
    @classmethod
    def _plain_origins(cls, value: list[str]) -> list[str]:
        # they go into a header as they are: refuse anything that could end the directive
        for origin in value:
            if origin != "'self'" and not _ORIGIN.match(origin):
                raise ValueError(
                    f"frame ancestor {origin!r}: give origins such as https://example.org "
                    "(or 'self'), separated by commas"
                )
        return value

    @model_validator(mode="after")
    def _default_within_max(self) -> Self:
        self.default_page_size = min(self.default_page_size, self.max_page_size)
        return self
