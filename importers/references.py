"""How a link end given as text finds its actor (step 5, links).

A links file, a member list or a Murmurations profile names the other end of a link by an id, a
SIREN (spaces allowed), a SIRET, an RNA number, a ``system:key`` alias, a profile address or a
name (:func:`parse_reference`). Keys are looked up as aliases; a name designates the one actor so
named, or among several the only network (a membership names a network); anything else is a
reject with the candidates listed. What the graph holds and what this run wrote that it may not
show yet are both searched; references found once are found again without a read.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

from graph_model.errors import InvalidIdentifier
from graph_model.identifiers import (
    check_actor_id,
    fold,
    is_valid_siren,
    is_valid_siret,
    normalise_rna,
)
from graph_model.model import ActorKind
from importers.lookups import Lookups
from importers.normalise import clean_text, normalise_profile_url
from importers.writer import Writes

#: a reference starting so is a key, never a name
EXPLICIT_PREFIXES = ("id:", "siren:", "siret:", "rna:", "name:")
#: references remembered (actors are not removed during a run, and links are resolved after the
#: actors are loaded)
_KEPT = 200_000

#: a reference → (the actor's id or None, why not / the candidates)
Resolution = tuple[str | None, str]


class References:
    """Resolves link ends for one run (bounded cache of what was found)."""

    def __init__(self, lookups: Lookups, writes: Writes) -> None:
        self.lookups = lookups
        self.writes = writes
        self._found: OrderedDict[str, str] = OrderedDict()

    def resolve(self, refs: Iterable[str]) -> dict[str, Resolution]:
        """Reference → (actor id or None, why not / the candidates)."""
        result: dict[str, Resolution] = {}
        wanted = set(refs)
        for ref in wanted & self._found.keys():
            self._found.move_to_end(ref)
            result[ref] = (self._found[ref], "")
        parsed = {ref: parse_reference(ref) for ref in wanted - result.keys()}
        keys = {k for ks, _, _ in parsed.values() for k in ks}
        names = {n for _, n, _ in parsed.values() if n}
        found, by_name = self._lookup(keys, names)
        for ref, (ref_keys, name, error) in parsed.items():
            hit = next((found[k] for k in ref_keys if k in found), None)
            if error:
                result[ref] = (None, error)
            elif hit is not None:
                result[ref] = (hit, "")
            elif name is None:
                result[ref] = (None, f"no actor is known as {ref!r} (tried {', '.join(ref_keys)})")
            else:
                result[ref] = _by_name(ref, list({e[0]: e for e in by_name.get(name, [])}.values()))
            actor = result[ref][0]
            if actor is not None:
                self._found[ref] = actor
                if len(self._found) > _KEPT:
                    self._found.popitem(last=False)
        return result

    def one(self, ref: str) -> str | None:
        return self.resolve([ref])[ref][0]

    def _lookup(
        self, keys: set[str], names: set[str]
    ) -> tuple[dict[str, str], dict[str, list[tuple[str, str, str]]]]:
        """Alias keys → actor id, and folded names → (id, name, kind) of the actors so named,
        from the graph and from what this run wrote that it may not show yet."""
        found = self.lookups.aliases(keys)
        by_name = self.lookups.actors_named(names)
        for pending in self.writes.visible():
            for key in keys & pending.keys.keys():
                found.setdefault(key, pending.keys[key])
            for name in names & pending.names.keys():
                known = {e[0] for e in by_name[name]}
                by_name[name].extend(e for e in pending.names[name] if e[0] not in known)
        return found, by_name


def _by_name(ref: str, entries: list[tuple[str, str, str]]) -> Resolution:
    """The actor a name designates: one actor so named; or, among several, the only network
    (a membership names a network); else none, with the candidates listed."""
    if len(entries) == 1:
        return entries[0][0], ""
    if not entries:
        return None, f"no actor is named {ref!r}"
    networks = [e for e in entries if e[2] == ActorKind.NETWORK.value]
    if len(networks) == 1:
        return networks[0][0], ""
    listed = "; ".join(f"{e[0]} ({e[1]}, {e[2]})" for e in sorted(entries))
    return None, f"{ref!r} names {len(entries)} actors: {listed}. Use one of these ids"


def parse_reference(ref: str) -> tuple[list[str], str | None, str | None]:  # noqa: PLR0911
    """How a link end given as text is looked up: (alias keys to try in order, folded name to
    look up, error). Ids, SIREN (spaces allowed), SIRET, RNA and ``system:key`` aliases are
    keys; anything else is a name.

    >>> parse_reference("732 829 320")
    (['siren:732829320'], None, None)
    >>> parse_reference("net-mes")
    (['id:net-mes'], 'net mes', None)
    >>> parse_reference("Réseau des Ressourceries")
    (['name:reseau des ressourceries'], 'reseau des ressourceries', None)
    """
    text = clean_text(ref) or ""
    if not text:
        return [], None, "empty reference"
    if text.startswith(EXPLICIT_PREFIXES) or (
        ":" in text and " " not in text and not text.startswith(("http:", "https:"))
    ):
        return [text], None, None
    if text.startswith(("http://", "https://")):
        return [f"murmurations:{normalise_profile_url(text)}"], None, None
    digits = text.replace(" ", "").replace(".", "")
    if digits.isdigit():
        if len(digits) == 9:
            if is_valid_siren(digits):
                return [f"siren:{digits}"], None, None
            return [], None, f"{text!r} is not a valid SIREN (Luhn check)"
        if len(digits) == 14:
            if is_valid_siret(digits):
                return [f"siret:{digits}", f"siren:{digits[:9]}"], None, None
            return [], None, f"{text!r} is not a valid SIRET (Luhn check)"
    upper = text.replace(" ", "").upper()
    if upper.startswith("W") and upper[1:].isdigit():
        try:
            return [f"rna:{normalise_rna(upper)}"], None, None
        except InvalidIdentifier as exc:
            return [], None, str(exc)
    key = fold(text)
    try:
        return [f"id:{check_actor_id(text)}"], key, None
    except InvalidIdentifier:
        return [f"name:{key}"], key, None
