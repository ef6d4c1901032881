"""The Cypher catalogue: every statement Maillage sends lives in a ``.cypher`` file.

One statement per file under ``queries/cypher/``, loaded once (cached) and typed
``LiteralString`` so that only text shipped with the project reaches the driver; values always
travel as ``$parameters``. A statement that must name a label or a relationship type that varies
writes ``__KIND__`` or ``__LINK__`` where it goes; :func:`cypher` fills it from the
:class:`~graph_model.model.ActorKind` / :class:`~graph_model.model.LinkKind` allow-lists, never
from a caller's string. ``tests/test_cypher_catalog.py`` EXPLAINs every file on every server.

>>> cypher("graph_version").startswith("OPTIONAL MATCH")
True
>>> "Network" in cypher("actors_upsert", kind=ActorKind.NETWORK)
True
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import LiteralString

from graph_model.errors import ConfigurationError
from graph_model.model import ActorKind, LinkKind

_KIND = "__KIND__"
_LINK = "__LINK__"


@cache
def _text(name: str) -> str:
    resource = resources.files("queries") / "cypher" / f"{name}.cypher"
    try:
        text = resource.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigurationError(f"no Cypher statement named {name!r} in queries/cypher") from exc
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("//")]
    return "\n".join(lines).strip()


def cypher(
    name: str, *, kind: ActorKind | None = None, link: LinkKind | None = None
) -> LiteralString:
    """The statement in ``queries/cypher/<name>.cypher``, with its placeholders filled."""
    text = _text(name)
    if (_KIND in text) != (kind is not None) or (_LINK in text) != (link is not None):
        raise ConfigurationError(
            f"statement {name!r} takes kind={_KIND in text}, link={_LINK in text}"
        )
    if kind is not None:
        text = text.replace(_KIND, ActorKind(kind).value)
    if link is not None:
        text = text.replace(_LINK, LinkKind(link).value)
    # mypy reads LiteralString as str; the text comes from files shipped in the package
    return text


def statement_names() -> list[str]:
    """Every statement in the catalogue (for the test that EXPLAINs them all)."""
    folder = resources.files("queries") / "cypher"
    return sorted(
        entry.name.removesuffix(".cypher")
        for entry in folder.iterdir()
        if entry.name.endswith(".cypher")
    )


def placeholders(name: str) -> tuple[bool, bool]:
    """Whether the statement takes a kind, a link type."""
    text = _text(name)
    return _KIND in text, _LINK in text
