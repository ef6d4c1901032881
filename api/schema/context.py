"""The typed context of one GraphQL request: services, loaders, and who is asking."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from strawberry.types import Info as StrawberryInfo

from api.accounts import session_principal
from api.auth import ANONYMOUS, AuthError, Principal, Role, Unauthenticated
from api.csrf import refusal as csrf_refusal
from api.schema.loaders import Loaders, make_loaders
from api.services import Services
from api.settings import ApiSettings
from graph_model.i18n import _


@dataclass
class Context:
    services: Services
    loaders: Loaders
    request_id: str
    token: str | None = None
    #: the secret of the session cookie (a signed-in person), when there is no token
    session: str | None = field(default=None, repr=False)
    #: the session came without its CSRF token (a POST): it is not used (see api.csrf)
    csrf_refused: bool = False
    _principal: Principal | None = field(default=None, repr=False)

    @classmethod
    def create(
        cls,
        services: Services,
        *,
        request_id: str,
        token: str | None,
        session: str | None = None,
        csrf_refused: bool = False,
    ) -> Context:
        return cls(
            services=services,
            loaders=make_loaders(services.guard, services.graph),
            request_id=request_id,
            token=token,
            session=session,
            csrf_refused=csrf_refused,
        )

    @property
    def settings(self) -> ApiSettings:
        return self.services.settings

    async def principal(self) -> Principal:
        """Who asks (the anonymous public without a token); a read may use the token cache."""
        if self._principal is not None:
            return self._principal
        if self.token is None and self.session is not None and self.csrf_refused:
            self._principal = ANONYMOUS
            return ANONYMOUS
        if self.token is None and self.session is not None:
            found = await self.services.guard.run(
                session_principal, self.services.graph, self.session
            )
            self._principal = found or ANONYMOUS  # an expired session reads as the public
            return self._principal
        if self.token is None:
            self._principal = ANONYMOUS
            return ANONYMOUS
        tokens = self.services.tokens
        principal = tokens.cached(self.token)
        if principal is None:
            principal = await self.services.guard.run(tokens.verify, self.token)
        self._principal = principal
        return principal

    async def sees_editors(self) -> bool:
        """Whether the caller may see who edited (token names) and which files were imported.

        Token names and file names say who works on the graph and from what: editors and admins
        see them; the anonymous public and readers get null (``changes.by``: ``"hidden"``).
        """
        try:
            principal = await self.principal()
        except AuthError:
            return False
        return principal.may(Role.EDITOR)

    async def require(self, role: Role) -> Principal:
        """The caller, checked against the graph now (never the cache), if it has ``role``."""
        if self.token is None and self.session is not None and self.csrf_refused:
            raise csrf_refusal()
        if self.token is None and self.session is not None:
            principal = await self.services.guard.run(
                session_principal, self.services.graph, self.session
            )
            if principal is None:
                raise SessionExpired(
                    _(
                        "your session has ended (signed out, or expired): sign in again; "
                        "what you typed stays in the form"
                    )
                )
            self._principal = principal
            if not principal.may(role):
                raise AuthError(
                    _(
                        "your account {name!r} has the role {granted}; this needs {role}",
                        name=principal.name,
                        granted=principal.role.value if principal.role else "none",
                        role=role.value,
                    )
                )
            return principal
        if self.token is None:
            raise Unauthenticated(
                f"this needs a token with the role {role.value}: send 'Authorization: Bearer "
                "<token>' (an admin creates one with `maillage token create --role editor "
                "--name <who>`)"
            )
        principal = await self.services.guard.run(self.services.tokens.verify, self.token)
        self._principal = principal
        if not principal.may(role):
            granted = principal.role.value if principal.role else "none"
            raise AuthError(
                f"the token {principal.name!r} has the role {granted}; this needs {role.value}"
            )
        return principal


class SessionExpired(Unauthenticated):
    """The session cookie names a session that ended or expired."""

    code = "session_expired"


Info: TypeAlias = StrawberryInfo[Context, None]
