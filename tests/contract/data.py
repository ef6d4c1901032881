"""What the contract tests write: a few actors and links of the movement, a slice of the
territory reference, the write contexts, and the helpers that compare what comes back."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from graph_model.model import Actor, ActorKind, Link, LinkKind, SourceRef
from graph_model.port import StoredLink, WriteContext
from graph_model.stored import actor_properties
from graph_model.territories import TerritoryReference, load_reference

AT = datetime(2026, 12, 3, 9, 0, 0, 123456, tzinfo=UTC)
CTX = WriteContext(run="run-1", at=AT, by="alice", token="tok-1")
LATER = WriteContext(run="run-2", at=AT + timedelta(hours=1), by="bob")
MOVEMENT = SourceRef(system="movement", key="test")
SHEET = SourceRef(system="sheet", key="line 3")
STAMPS = ("created_at", "updated_at")


class Boom(Exception):
    """A failure raised on purpose inside a transaction."""


# -- data ----------------------------------------------------------------------------------------
def sample_actors() -> list[Actor]:
    return [
        Actor(
            id="net-mes",
            kind=ActorKind.NETWORK,
            name="Mouvement pour l'Economie Solidaire",
            sources=[MOVEMENT],
            website="https://le-mes.org",
        ),
        Actor(
            id="adv-ess-france", kind=ActorKind.ADVOCACY_BODY, name="ESS France", level="national"
        ),
        Actor(
            id="net-relais-occitanie",
            kind=ActorKind.NETWORK,
            name="Réseau des Relais locaux en Occitanie",
            region="76",
            themes=["axe-1"],
        ),
        Actor(
            id="prj-generateur-bfc",
            kind=ActorKind.PROJECT,
            name="Générateur Bourgogne Franche-Comté",
            region="27",
            latitude=47.2,
            longitude=5.9,
        ),
    ]


def sample_links() -> list[Link]:
    return [
        Link(
            kind=LinkKind.MEMBER_OF,
            source_id="net-mes",
            target_id="adv-ess-france",
            since=date(2019, 1, 1),
            sources=[MOVEMENT],
        ),
        Link(
            kind=LinkKind.MEMBER_OF,
            source_id="net-relais-occitanie",
            target_id="net-mes",
            since=date(2015, 6, 1),
            until=date(2018, 12, 31),
        ),
        Link(
            kind=LinkKind.COOPERATES_WITH,
            source_id="net-relais-occitanie",
            target_id="prj-generateur-bfc",
            subkind="mutualisation",
        ),
    ]


def sample_ids() -> list[str]:
    return [a.id for a in sample_actors()]


def reference_slice() -> TerritoryReference:
    """A slice of the shipped reference: every région and département, and La Réunion's and
    Lyon's communes with their EPCI (a whole load takes minutes on a server)."""
    reference = load_reference()
    keep = {"97411", "97415", "69123", "69381"}
    communes = {code: c for code, c in reference.communes.items() if code in keep}
    epcis = {c.epci for c in communes.values() if c.epci}
    return dataclasses.replace(
        reference,
        communes=communes,
        epcis={code: e for code, e in reference.epcis.items() if code in epcis},
    )


def expected_props(actor: Actor, ctx: WriteContext = CTX, **extra: Any) -> dict[str, Any]:
    props = {
        k: v for k, v in actor_properties(actor, extra.pop("lookup", None)).items() if v is not None
    }
    props.update(id=actor.id, kind=actor.kind.value, created_run=ctx.run, updated_run=ctx.run)
    return props | extra


def without(props: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k not in keys}


def types_of(row: Mapping[str, Any]) -> dict[str, type]:
    return {k: type(v) for k, v in row.items()}


def unstamped(link: StoredLink) -> StoredLink:
    return dataclasses.replace(link, created_at=None, updated_at=None)


def by_id(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda row: (str(row.get("key", "")), str(row["id"])))
