"""``maillage path | clusters | peers``: the analytics, for quick use from a terminal.

Actors are given by id or by name (accent- and case-insensitive); a name that matches several
actors lists them instead of guessing. The projection is cached on disk under the data
directory, so a second command does not re-read the whole graph.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import typer
from rich.table import Table

from cli.context import console, graph, handled, settings
from queries.analytics import ActorRef, ClusterQuery, PeerQuery, find_peers
from queries.analytics.paths import PATH_LIMITS, PathQuery, find_paths
from queries.projection import Projection, ProjectionCache
from queries.snapshots import ClusterCache


@contextmanager
def projection() -> Iterator[Projection]:
    cache = ProjectionCache(settings().data_dir)
    with graph() as opened:
        yield cache.get(opened)


def _actor(ref: ActorRef) -> str:
    where = ref.commune or ref.departement or ref.region
    return f"{ref.name} [{ref.id}, {ref.kind}{', ' + where if where else ''}]"


def _dates(since: date | None, until: date | None) -> str:
    if since is None and until is None:
        return ""
    return f" ({since.isoformat() if since else '?'} → {until.isoformat() if until else '…'})"


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
    with projection() as current:
        answer = find_paths(current, query)
    if not answer.found:
        console.print(f"[yellow]{answer.explanation}[/yellow]")
        raise typer.Exit(4)
    for number, found in enumerate(answer.paths, start=1):
        console.print(f"[bold]path {number}[/bold]: {found.length} hops, cost {found.cost:.2f}")
        console.print(f"  {_actor(found.actors[0])}")
        for hop in found.hops:
            for link in hop.links:
                arrow = "→" if link.direction == "forward" else "←"
                kind = link.kind + (f"/{link.subkind}" if link.subkind else "")
                sources = ", ".join(s.system for s in link.sources)
                console.print(
                    f"    {arrow} {kind}{_dates(link.since, link.until)}"
                    + (f" [dim]source: {sources}[/dim]" if sources else "")
                )
            console.print(f"  {_actor(hop.target)}")


def clusters(
    scope: str | None = typer.Option(
        None, help="FR (default), region:84, departement:69, epci:…, commune:…"
    ),
    resolution: float = typer.Option(1.0, help="higher: more, smaller clusters"),
    seed: int = typer.Option(0, help="same graph + seed: same clusters"),
    top: int = typer.Option(20, help="clusters listed"),
) -> None:
    """Territorial clusters: who cooperates densely with whom within a scope."""
    # ids follow the previous run's clusters (kept under the data directory): citable
    with handled():
        question = ClusterQuery.build(scope, resolution=resolution, seed=seed)
    cache = ClusterCache(directory=settings().data_dir / "clusters")
    with projection() as current:
        result = cache.get(current, question)
    console.print(
        f"scope {result.scope}: {result.actors} actors, {len(result.clusters)} clusters, "
        f"modularity {result.modularity:.3f}, {result.unclustered} actors in no cluster"
    )
    table = Table()
    for column in ("id", "size", "density", "inside", "main départements", "central actors"):
        table.add_column(column)
    for cluster in result.clusters[:top]:
        table.add_row(
            cluster.id,
            str(cluster.size),
            f"{cluster.density:.2f}",
            f"{cluster.internal_ratio:.0%}",
            ", ".join(f"{s.key} {s.share:.0%}" for s in cluster.departements[:3]),
            "; ".join(c.actor.name for c in cluster.central_actors[:3]),
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
    with projection() as current:
        answer = find_peers(current, question)
    console.print(
        f"peers of {_actor(answer.actor)} outside {answer.level} {answer.territory}: "
        f"{len(answer.peers)} of {answer.candidates} candidates"
    )
    for peer in answer.peers:
        shared = [
            *(f"theme {t}" for t in peer.shared_themes),
            *(f"method {m}" for m in peer.shared_methods),
            *(f"network {n.name}" for n in peer.shared_networks),
            *(f"carried by a {c}" for c in peer.shared_carrier_kinds),
        ]
        linked = " [dim](already linked)[/dim]" if peer.linked else ""
        console.print(f"  {peer.score:.2f}  {_actor(peer.actor)}{linked}")
        if shared:
            console.print(f"        shared: {', '.join(shared)}")
