"""The model's words as the command line shows them: kinds of actors and links, in the user's
language (the web map has its own, in ``web/static/i18n``)."""

from __future__ import annotations

from graph_model.i18n import N_, _

_ACTOR_KINDS = {
    "Network": N_("network"),
    "Organisation": N_("organisation"),
    "Project": N_("project"),
    "AdvocacyBody": N_("advocacy body"),
}

#: a link read in the path's direction: (forward, backward)
_LINKS = {
    "MEMBER_OF": (N_("member of"), N_("has as member")),
    "COOPERATES_WITH": (N_("cooperates with"), N_("cooperates with")),
    "CARRIES": (N_("carries the project"), N_("carried by")),
    "SUPPORTS": (N_("supports"), N_("supported by")),
    "FUNDS": (N_("funds"), N_("funded by")),
    "SITS_ON": (N_("sits on"), N_("has as a seated member")),
}

_OUTSIDE = {
    "commune": N_("outside the commune {territory}"),
    "departement": N_("outside the département {territory}"),
    "region": N_("outside the région {territory}"),
}

#: (level asked, level used) → why they differ
_FALLBACK = {
    ("commune", "departement"): N_("no commune known: compared outside its département"),
    ("commune", "region"): N_("no commune known: compared outside its région"),
    ("departement", "region"): N_("no département known: compared outside its région"),
}


def actor_kind(kind: str) -> str:
    """``Network`` → "réseau" (an unknown kind as it is)."""
    word = _ACTOR_KINDS.get(kind)
    return _(word) if word else kind


def link_words(kind: str, forward: bool = True) -> str:
    """``MEMBER_OF`` read forward → "membre de", backward → "a pour membre"."""
    words = _LINKS.get(kind)
    if words is None:
        return kind
    return _(words[0] if forward else words[1])


def outside_words(level: str, territory: str, asked: str | None = None) -> str:
    """ "outside the département 69", and why when the level asked was not the one used."""
    if not territory:
        return _("it has no place: compared with actors placed anywhere")
    text = _(_OUTSIDE.get(level, "{territory}"), territory=territory)
    why = _FALLBACK.get((asked or level, level))
    return f"{text} ({_(why)})" if why else text
