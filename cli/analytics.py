"""``maillage path | clusters | peers``: the analytics, for quick use from a terminal.

Actors are given by id or by name: an exact name (accents and case ignored) first, else the
API's accent- and typo-tolerant search; a name that matches several actors lists them instead
of guessing. The projection is cached on disk under the data directory, so a second command
does not re-read the whole graph.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date

import typer
from rich.markup import escape
from rich.table import Table

from cli.context import console, find_actor, graph, handled, settings
from cli.words import actor_kind, link_words, outside_words
from graph_model.i18n import _, format_date, format_number, format_percent, language, ngettext
from queries.analytics import ActorRef, ClusterQuery, PeerQuery, find_peers
from queries.analytics.clusters.answers import Clustering, Unclustered, why_unclustered
from queries.analytics.paths import PATH_LIMITS, PathQuery, find_paths
from queries.analytics.paths.answers import Hop
from queries.analytics.scope import select
from queries.cache import ProjectionCache
from queries.projection import Projection
from queries.snapshots import ClusterCache


@contextmanager
def projection() -> Iterator[Projection]:
    cache = ProjectionCache(settings().data_dir)
    with graph() as opened:
        yield cache.get(opened)


def theme_labels(ids: Iterable[str]) -> dict[str, str]:
    """Theme id → its label in the user's language, read from the graph (an id without a
    theme node keeps its id)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    with graph() as opened:
        found = opened.themes_by_id(wanted)
    english = language() == "en"
    labels = {}
    for theme_id in wanted:
        props = found.get(theme_id) or {}
        label = props.get("label_en") if english else None
        labels[theme_id] = str(
            label or props.get("label_fr") or props.get("label") or props.get("name") or theme_id
        )
    return labels


def _actor(ref: ActorRef) -> str:
    """``Name [id, kind, commune]``, escaped for the console."""
    where = ref.commune or ref.departement or ref.region
    details = ", ".join(p for p in (ref.id, actor_kind(ref.kind), where) if p)
    return escape(f"{ref.name} [{details}]")


def _dates(since: date | None, until: date | None) -> str:
    if since is None and until is None:
        return _("dates unknown")
    if until is None:
        return _("since {since}", since=format_date(since))
    if since is None:
        return _("until {until}", until=format_date(until))
    return _("from {since} to {until}", since=format_date(since), until=format_date(until))


def _hop_lines(hop: Hop) -> list[str]:
    """One line a link of the hop, then its sources once (a source several links share, or
    a link states twice, is named once)."""
    lines = []
    for link in hop.links:
        arrow = "→" if link.direction == "forward" else "←"
        words = link_words(link.kind, link.direction == "forward")
        kind = words + (f" ({link.subkind})" if link.subkind else "")
        lines.append(escape(f"    {arrow} {kind}, {_dates(link.since, link.until)}"))
    sources = dict.fromkeys(
        f"{s.system}:{s.key}" if s.key else s.system for link in hop.links for s in link.sources
    )
    if sources:
        said = _("source: {sources}", sources=", ".join(sources))
        lines.append(f"      [dim]{escape(said)}[/dim]")
    return lines


def path(
    source: str = typer.Argument(..., metavar="FROM", help="actor id or name"),
    target: str = typer.Argument(..., metavar="TO", help="actor id or name"),
    max_hops: int | None = typer.Option(
        None, help=f"longest path accepted (1 to {PATH_LIMITS.max_hops}, the default)"
    ),
    kinds: list[str] = typer.Option([], "--kind", help="link kinds allowed (repeat)"),
    as_of: str | None = typer.Option(None, help="only links valid on this day (YYYY-MM-DD)"),
    avoid: list[str] = typer.Option([], help="actor id to avoid (repeat)"),
    avoid_kinds: list[str] = typer.Option(
        [], "--avoid-kind", help="actor kind to avoid, e.g. AdvocacyBody:national (repeat)"
    ),
    k: int = typer.Option(1, help=f"how many alternative paths (1 to {PATH_LIMITS.max_k})"),
    weighted: bool = typer.Option(
        False, help="cheapest path: strong, long-lived links cost less (docs/analytics.md)"
    ),
) -> None:
    """How is FROM connected to TO: cooperation paths, every hop explained.

    The options are checked against the product's path limits, those of the GraphQL API
    (at most 8 hops, 8 by default; at most 20 alternatives)."""
    with handled():  # a bad option is refused before the store is opened
        query = PathQuery.build(
            source,
            target,
            weighted=weighted,
            max_hops=max_hops,
            kinds=kinds or None,
            as_of=as_of,
            avoid=avoid,
            avoid_kinds=avoid_kinds,
            k=k,
            limits=PATH_LIMITS,
        )
    with projection() as current, handled():
        query = dataclasses.replace(
            query,
            source=find_actor(current, source, field="source"),
            target=find_actor(current, target, field="target"),
        )
        answer = find_paths(current, query)
    if not answer.found:
        console.print(f"[yellow]{escape(answer.explanation)}[/yellow]")
        raise typer.Exit(4)
    for number, found in enumerate(answer.paths, start=1):
        steps = ngettext("{n} hop", "{n} hops", found.length)
        cost = format_number(found.cost, 2)
        console.print(
            f"[bold]{escape(_('path {number}', number=number))}[/bold]"
            + escape(_(": {steps}, cost {cost}", steps=steps, cost=cost))
        )
        console.print(f"  {_actor(found.actors[0])}")
        for hop in found.hops:
            for line in _hop_lines(hop):
                console.print(line)
            console.print(f"  {_actor(hop.target)}")


def _no_cluster_reason(
    current: Projection, result: Clustering, question: ClusterQuery
) -> tuple[str, Unclustered]:
    """Why a scope has no cluster, or why some of its actors are in none."""
    selection = select(current, question.scope)
    actors = selection.actors if selection.actors is not None else current.graph.nodes
    why = why_unclustered(current, result, actors)
    parts = []
    if why.outside_only:
        parts.append(
            ngettext(
                "{n} actor linked only to actors outside the scope (a national network, "
                "another territory)",
                "{n} actors linked only to actors outside the scope (a national network, "
                "another territory)",
                why.outside_only,
            )
        )
    if why.no_link:
        parts.append(ngettext("{n} without any link", "{n} without any link", why.no_link))
    if why.small_group:
        parts.append(
            ngettext(
                "{n} in a group too small to be a cluster",
                "{n} in groups too small to be clusters",
                why.small_group,
            )
        )
    return "; ".join(parts), why


def clusters(
    scope: str | None = typer.Option(
        None, help="FR (default), region:84, departement:69, epci:…, commune:…"
    ),
    resolution: float = typer.Option(1.0, help="higher: more, smaller clusters"),
    seed: int = typer.Option(0, help="same graph + seed: same clusters"),
    top: int = typer.Option(20, help="clusters listed"),
    through_hubs: bool = typer.Option(
        False,
        "--through-hubs",
        help="also tie two actors of the scope linked to the same actor elsewhere (a national "
        "network): members of a list that link only to their network",
    ),
) -> None:
    """Territorial clusters: who cooperates densely with whom within a scope."""
    # ids follow the previous run's clusters (kept under the data directory): citable
    with handled():
        question = ClusterQuery.build(
            scope, resolution=resolution, seed=seed, through_hubs=through_hubs
        )
    cache = ClusterCache(directory=settings().data_dir / "clusters")
    with projection() as current:
        result = cache.get(current, question)
        reason, why = _no_cluster_reason(current, result, question)
    summary = _(
        "scope {scope}: {actors}, {clusters}, modularity {modularity}",
        scope=result.scope,
        actors=ngettext("{n} actor", "{n} actors", result.actors),
        clusters=ngettext("{n} cluster", "{n} clusters", len(result.clusters)),
        modularity=format_number(result.modularity, 3),
    )
    console.print(summary, markup=False, highlight=False)
    if result.unclustered:
        left = ngettext(
            "{n} actor in no cluster: {why}",
            "{n} actors in no cluster: {why}",
            result.unclustered,
            why=reason,
        )
        console.print(left, markup=False, highlight=False)
    if not result.clusters:
        if result.actors == 0:
            console.print(_("No actor in this scope: nothing to cluster."), markup=False)
        elif why.outside_only and not through_hubs:
            console.print(
                _(
                    "No cluster: the actors of this scope are linked to actors elsewhere, not to "
                    "each other. Add --through-hubs to tie those that share a network, or try a "
                    "wider scope (a région, or all of France)."
                ),
                markup=False,
            )
        else:
            console.print(
                _(
                    "No cluster: the actors of this scope are not linked to each other. "
                    "Try a wider scope (a région, or all of France)."
                ),
                markup=False,
            )
        return
    table = Table()
    for column in (
        _("id"),
        _("size"),
        _("density"),
        _("links inside"),
        _("main départements"),
        _("central actors"),
    ):
        table.add_column(column)
    for cluster in result.clusters[:top]:
        where = ", ".join(f"{s.key} {format_percent(s.share)}" for s in cluster.departements[:3])
        table.add_row(
            cluster.id,
            format_number(cluster.size),
            format_number(cluster.density, 2),
            format_percent(cluster.internal_ratio),
            escape(where or _("none known (actors without a place)")),
            escape("; ".join(c.actor.name for c in cluster.central_actors[:3])),
        )
    console.print(table)


def peers(
    actor: str = typer.Argument(..., help="actor id or name"),
    outside: str = typer.Option("departement", help="commune, departement or region"),
    first: int = typer.Option(10, help="how many peers"),
    hide_linked: bool = typer.Option(False, help="hide actors already linked to it"),
) -> None:
    """Who elsewhere runs a project like this one: similar actors outside its territory."""
    with handled():
        question = PeerQuery.build(actor, level=outside, exclude_linked=hide_linked, limit=first)
    with projection() as current, handled():
        question = dataclasses.replace(question, actor=find_actor(current, actor, field="actor"))
        answer = find_peers(current, question)
    where = outside_words(answer.level, answer.territory, answer.asked)
    console.print(
        escape(
            _(
                "peers of {actor}, {where}: {shown} of {candidates}",
                actor=f"{answer.actor.name} [{answer.actor.id}]",
                where=where,
                shown=format_number(len(answer.peers)),
                candidates=ngettext("{n} candidate", "{n} candidates", answer.candidates),
            )
        ),
        highlight=False,
    )
    labels = theme_labels(t for peer in answer.peers for t in peer.shared_themes)
    for peer in answer.peers:
        shared = [
            *(_("theme {name}", name=labels.get(t, t)) for t in peer.shared_themes),
            *(_("method {name}", name=m) for m in peer.shared_methods),
            *(_("network {name}", name=n.name) for n in peer.shared_networks),
            *(_("carried by: {kind}", kind=actor_kind(c)) for c in peer.shared_carrier_kinds),
        ]
        linked = f" [dim]{escape(_('(already linked)'))}[/dim]" if peer.linked else ""
        score = format_percent(peer.score)
        console.print(f"  {score}  {_actor(peer.actor)}{linked}", highlight=False)
        if shared:
            said = _("shared: {items}", items=", ".join(shared))
            console.print(f"        {escape(said)}", highlight=False)
