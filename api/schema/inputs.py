"""GraphQL input types: the actors filter and the mutations' inputs.

The mutations' inputs are checked by the model (:mod:`graph_model.limits`, through
:mod:`api.editing`), which answers ``InvalidInput`` naming the field; the filter checks the
same bounds itself (a query has no typed problems: the refusal is a GraphQL error naming it).
"""

from __future__ import annotations

from datetime import date

import strawberry

from api.schema.enums import LinkKind
from graph_model.limits import MAX_CODE, MAX_ID, MAX_NAME, check_items, check_text
from graph_model.model import ActorKind, AdvocacyLevel


@strawberry.input(description="Which actors: every condition given must hold.")
class ActorFilter:
    kinds: list[ActorKind] | None = strawberry.field(default=None, description="any of these kinds")
    territory: str | None = strawberry.field(
        default=None,
        description="seat within this territory: an id (region:76, departement:31, "
        "epci:243100518, commune:31555, FR) or an unambiguous INSEE code",
    )
    themes: list[str] | None = strawberry.field(default=None, description="any of these themes")
    member_of: strawberry.ID | None = strawberry.field(
        default=None, description="members (MEMBER_OF) of this network or body"
    )
    active_as_of: date | None = strawberry.field(
        default=None,
        description="with at least one cooperation link valid on this date (and, with memberOf, "
        "a membership valid on it)",
    )
    text: str | None = strawberry.field(
        default=None,
        description="the name contains these words (accents and case ignored); for ranked, "
        "typo-tolerant search use Query.search",
    )

    def __post_init__(self) -> None:
        """The bounds of :mod:`graph_model.limits` (a refusal names the field)."""
        if self.territory is not None:
            check_text(self.territory, field="territory", limit=MAX_CODE)
        if self.themes is not None:
            check_items(self.themes, field="themes")
        if self.member_of is not None:
            check_text(str(self.member_of), field="memberOf", limit=MAX_ID)
        if self.text is not None:
            check_text(self.text, field="text", limit=MAX_NAME)


@strawberry.input(description="Where a fact comes from.")
class SourceInput:
    system: str = strawberry.field(description="lower-case system name: movement, gogocarto, api…")
    key: str = strawberry.field(description="the key of the fact in that system")
    url: str | None = None


@strawberry.input(description="An actor to create or update (given fields replace stored ones).")
class ActorInput:
    id: strawberry.ID | None = strawberry.field(
        default=None,
        description="the actor to update; omitted, the id is minted from the SIREN, the RNA "
        "number or the source key (and an actor already known under them is updated)",
    )
    kind: ActorKind = strawberry.field(description="fixed at creation")
    name: str
    legal_form: str | None = None
    level: AdvocacyLevel | None = strawberry.field(default=None, description="AdvocacyBody only")
    siren: str | None = None
    siret: str | None = None
    rna: str | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = strawberry.field(
        default=None, description="a French number in any usual form, stored as E.164"
    )
    description: str | None = None
    commune: str | None = strawberry.field(
        default=None, description="INSEE code of the seat's commune"
    )
    latitude: float | None = None
    longitude: float | None = None
    active_in: list[str] | None = strawberry.field(
        default=None, description="territory ids it acts in (replaces the stored list)"
    )
    themes: list[str] | None = None
    methods: list[str] | None = None
    aliases: list[str] | None = strawberry.field(
        default=None, description="other keys it is known under (system:key), added"
    )
    source: SourceInput | None = None


@strawberry.input(description="A cooperation link to record.")
class LinkInput:
    from_: strawberry.ID = strawberry.field(name="from")
    to: strawberry.ID
    kind: LinkKind
    subkind: str | None = None
    since: date | None = None
    until: date | None = None
    source: SourceInput = strawberry.field(description="required: where the link is attested")


@strawberry.input(description="A cooperation link to end (or remove, when it was a mistake).")
class UnlinkInput:
    from_: strawberry.ID = strawberry.field(name="from")
    to: strawberry.ID
    kind: LinkKind
    until: date | None = strawberry.field(
        default=None, description="the day it ended (today when omitted)"
    )
    source: SourceInput = strawberry.field(description="required: where the end is attested")
    remove: bool = strawberry.field(
        default=False,
        description="delete the link instead of ending it (a link recorded by mistake); "
        "history then forgets it",
    )
