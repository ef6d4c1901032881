"""Duplicate candidates side by side and merged field by field, in GraphQL (:mod:`api.merging`).

``duplicateComparison(id)`` lays the record an import held next to the actor it resembles,
field by field (which differ, which sides each may take); ``mergeCandidate(id, choices)``
applies the editor's choices as one change of the actor (in its history, reverted as any edit)
and records the decision as an accept. Editors only; a network editor for its network's actors
only. Expected failures are typed results: the candidate is unknown, taken (decided, or being
decided), its actor was removed meanwhile, or a choice is wrong (``InvalidInput`` naming
``choices``).
"""

from __future__ import annotations

import contextlib
from enum import Enum
from typing import Annotated, cast

import strawberry
from strawberry.scalars import JSON

from api.auth import Role
from api.editing import Author
from api.merging import API_NAMES, Comparison, FieldDiff, compare, merge
from api.schema.actors import Actor, actor_from_props
from api.schema.context import Info
from api.schema.fields import field, mutation
from api.schema.mutations import ActorNotFound, CandidateNotFound, InvalidInput, Problem, invalid
from graph_model.errors import NotFound, ValidationError
from graph_model.limits import MAX_DESCRIPTION, MAX_ID, check_text
from importers.review import CandidateMissing, CandidateTaken

FROM_API = {v: k for k, v in API_NAMES.items()}


@strawberry.enum(description="Which side of a duplicate candidate a field takes.")
class MergeSide(Enum):
    RECORD = "record"
    ACTOR = "actor"
    BOTH = "both"


@strawberry.input(description="One field of a merge and the side it takes.")
class FieldChoice:
    field: str = strawberry.field(
        description="name, legalForm, siren, siret, rna, commune, position, website, email, "
        "themes, description, aliases"
    )
    side: MergeSide


@strawberry.type(description="One field of a duplicate candidate: the record's value, the actor's.")
class CandidateField:
    field: str
    record: JSON | None = strawberry.field(description="what the held record says")
    actor: JSON | None = strawberry.field(description="what the actor holds")
    differs: bool
    sides: list[MergeSide] = strawberry.field(
        description="the sides it may take (none: shown, not chosen — the kind is fixed)"
    )


@strawberry.type(description="A duplicate candidate, the record and the actor side by side.")
class DuplicateComparison:
    candidate: strawberry.ID
    status: str
    record_alias: str
    fields: list[CandidateField]
    actor_id: strawberry.Private[str]

    @field(description="The existing actor the record resembles (null: removed since).")
    async def actor(self, info: Info) -> Actor | None:
        props = await info.context.loaders.actors.load(self.actor_id)
        return actor_from_props(props) if props else None


@strawberry.type(description="A duplicate candidate merged field by field into its actor.")
class CandidateMerged:
    candidate: strawberry.ID
    actor: Actor | None
    change: strawberry.ID = strawberry.field(description="the change it made (history, revert)")


@strawberry.type(description="The candidate was decided already, or is being decided now.")
class CandidateTakenProblem(Problem):
    id: str


MergeCandidateResult = Annotated[
    CandidateMerged | CandidateNotFound | CandidateTakenProblem | ActorNotFound | InvalidInput,
    strawberry.union("MergeCandidateResult"),
]


def _field(diff: FieldDiff) -> CandidateField:
    return CandidateField(
        field=API_NAMES.get(diff.name, diff.name),
        record=cast(JSON, diff.record),
        actor=cast(JSON, diff.actor),
        differs=diff.differs,
        sides=[MergeSide(s) for s in diff.sides],
    )


def _comparison(found: Comparison) -> DuplicateComparison:
    return DuplicateComparison(
        candidate=strawberry.ID(found.candidate),
        status=found.status,
        record_alias=found.record_alias,
        fields=[_field(d) for d in found.fields],
        actor_id=found.actor,
    )


@strawberry.type
class MergeQuery:
    @field(description="A duplicate candidate's record and actor side by side (editors).")
    async def duplicate_comparison(
        self, info: Info, id: strawberry.ID
    ) -> DuplicateComparison | None:
        await info.context.require(Role.EDITOR)
        check_text(str(id), field="id", limit=MAX_ID)
        services = info.context.services
        try:
            found = await services.guard.run(compare, services.graph, str(id))
        except NotFound:
            return None
        return _comparison(found)


@strawberry.type
class MergeMutation:
    @mutation(
        description="Merge a duplicate candidate field by field: each chosen field takes the "
        "record's value, the actor's, or both (lists); fields not chosen keep the actor's. One "
        "change (history, revertChange); the decision is kept as an accept."
    )
    async def merge_candidate(
        self,
        info: Info,
        id: strawberry.ID,
        choices: list[FieldChoice],
        note: str | None = None,
    ) -> MergeCandidateResult:
        principal = await info.context.require(Role.EDITOR)
        author = Author(principal.name, principal.token_id, principal.user, principal.network)
        services = info.context.services
        wanted = [(FROM_API.get(c.field, c.field), c.side.value) for c in choices]
        try:
            check_text(str(id), field="id", limit=MAX_ID)
            if note is not None:
                check_text(note, field="note", limit=MAX_DESCRIPTION, multiline=True)
            merged = await services.guard.run(
                lambda: merge(services.graph, str(id), wanted, author, note=note)
            )
        except CandidateTaken as exc:
            return CandidateTakenProblem(code=exc.code, message=str(exc), id=str(id))
        except ValidationError as exc:
            return invalid(exc)
        except CandidateMissing as exc:
            return CandidateNotFound(code=exc.code, message=str(exc), id=str(id))
        except NotFound as exc:
            return ActorNotFound(code=exc.code, message=str(exc), id=None)
        await services.projection.catch_up()
        with contextlib.suppress(KeyError):  # read again: this request may hold the old one
            info.context.loaders.actors.clear(merged.actor)
        props = await info.context.loaders.actors.load(merged.actor)
        return CandidateMerged(
            candidate=id,
            actor=actor_from_props(props) if props else None,
            change=strawberry.ID(merged.change_id),
        )


__all__ = ["MergeMutation", "MergeQuery"]
