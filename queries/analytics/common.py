"""Kept only so that ``api/schema/analytics.py`` keeps importing until it moves to the new
places: :class:`ActorRef` lives in :mod:`queries.analytics.actors`, :class:`SourceInfo` in
:mod:`queries.analytics.links` (both also offered by :mod:`queries.analytics`). Nothing new
imports from here."""

from queries.analytics.actors import ActorRef
from queries.analytics.links import SourceInfo

__all__ = ["ActorRef", "SourceInfo"]
