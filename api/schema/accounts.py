"""Who is asking (``me``) and, for admins, the accounts (``users``): what the web map needs to
show only what one may do (the server checks every right again, whatever the page shows)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.auth import AuthError, Role
from api.schema.context import Info
from api.schema.fields import field


@strawberry.type(description="Who makes the request: a signed-in person, a token, or nobody.")
class Viewer:
    name: str | None
    role: str | None = strawberry.field(description="contributor, editor, admin (reader: a token)")
    network: strawberry.ID | None = strawberry.field(
        description="the network a network editor edits (null: national)"
    )
    signed_in: bool = strawberry.field(description="through a session (the web map)")
    may_propose: bool
    may_edit: bool
    may_administer: bool


@strawberry.type(description="A person's account (admins only).")
class Account:
    id: strawberry.ID
    name: str
    role: str
    network: strawberry.ID | None
    created_at: datetime | None
    created_by: str | None
    has_password: bool = strawberry.field(description="whether the sign-in link was used")


@strawberry.type
class AccountQuery:
    @field(description="Who is asking, and what they may do.")
    async def me(self, info: Info) -> Viewer:
        try:
            principal = await info.context.principal()
        except AuthError:
            principal = None
        if principal is None or principal.anonymous:
            return Viewer(
                name=None,
                role=None,
                network=None,
                signed_in=False,
                may_propose=False,
                may_edit=False,
                may_administer=False,
            )
        return Viewer(
            name=principal.name,
            role=principal.role.value if principal.role else None,
            network=strawberry.ID(principal.network) if principal.network else None,
            signed_in=principal.user is not None,
            may_propose=principal.may(Role.CONTRIBUTOR),
            may_edit=principal.may(Role.EDITOR),
            may_administer=principal.may(Role.ADMIN),
        )

    @field(description="Every account (admins only).")
    async def users(self, info: Info) -> list[Account]:
        await info.context.require(Role.ADMIN)
        graph = info.context.services.graph
        records = await info.context.services.guard.run(graph.users)
        return [
            Account(
                id=strawberry.ID(u.id),
                name=u.name,
                role=u.role,
                network=strawberry.ID(u.network) if u.network else None,
                created_at=u.created_at,
                created_by=u.created_by,
                has_password=u.password_hash is not None,
            )
            for u in records
        ]
