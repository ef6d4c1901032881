"""What the actor form looks up as one types: communes by name or postcode (:mod:`api.communes`)
and a SIREN/SIRET known from the imported data (:mod:`api.identifiers_lookup`).

Both read public data (the territory reference; the actors' own fields, as ``actor`` does):
they answer whoever may read the graph (``MAILLAGE_PUBLIC_READ``).
"""

from __future__ import annotations

import strawberry

from api.communes import search_communes
from api.identifiers_lookup import lookup
from api.schema.actors import Actor, actor_from_props
from api.schema.context import Info
from api.schema.fields import field
from graph_model.territories import Commune, load_reference


@strawberry.type(description="A commune (or a municipal arrondissement) of the reference.")
class CommuneMatch:
    code: str = strawberry.field(description="the INSEE code (ActorInput.commune)")
    name: str
    postcodes: list[str]
    departement: str = strawberry.field(description="its département's code")
    departement_name: str | None
    population: int | None
    latitude: float | None = strawberry.field(description="its centre")
    longitude: float | None


def _commune(commune: Commune) -> CommuneMatch:
    departement = load_reference().departements.get(commune.departement)
    return CommuneMatch(
        code=commune.code,
        name=commune.name,
        postcodes=list(commune.postcodes),
        departement=commune.departement,
        departement_name=departement.name if departement else None,
        population=commune.population,
        latitude=commune.lat,
        longitude=commune.lon,
    )


@strawberry.type(description="What the graph knows of a SIREN or SIRET (imported SIRENE data).")
class IdentifierKnown:
    siren: str
    siret: str | None
    known: bool = strawberry.field(description="an actor has it: open it rather than add one")
    from_sirene: bool = strawberry.field(description="the SIRENE register is among its sources")
    name: str | None
    legal_form: str | None
    rna: str | None
    commune: CommuneMatch | None
    latitude: float | None = strawberry.field(description="its point (or its commune's centre)")
    longitude: float | None
    actor: Actor | None


@strawberry.type
class PlaceQuery:
    @field(
        description="Communes by name (accents and case forgiven, each word a prefix) or by "
        "postcode prefix or INSEE code: the exact name first, then by population."
    )
    async def communes(
        self, info: Info, search: str, first: int | None = None
    ) -> list[CommuneMatch]:
        found = await info.context.services.guard.run(
            lambda: search_communes(search, first if first is not None else 10)
        )
        return [_commune(c) for c in found]

    @field(
        description="A SIREN (9 digits) or SIRET (14) looked up in the graph (imported SIRENE "
        "data and the other sources): the actor that has it, and what to prefill a form with."
    )
    async def sirene(self, info: Info, number: str) -> IdentifierKnown:
        services = info.context.services
        match = await services.guard.run(lookup, services.graph, number)
        props = match.props
        commune = load_reference().resolve_commune(str(props["commune"])) if props.get(
            "commune"
        ) else None  # fmt: skip
        return IdentifierKnown(
            siren=match.siren,
            siret=match.siret or props.get("siret"),
            known=match.actor is not None,
            from_sirene=match.from_sirene,
            name=props.get("name"),
            legal_form=props.get("legal_form"),
            rna=props.get("rna"),
            commune=_commune(commune) if commune else None,
            latitude=props.get("latitude"),
            longitude=props.get("longitude"),
            actor=actor_from_props(dict(props)) if match.actor else None,
        )


__all__ = ["PlaceQuery"]
