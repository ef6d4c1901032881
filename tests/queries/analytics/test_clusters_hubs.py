"""Clusters through hubs: members of a territory that link only to a network elsewhere (a
national network without a position) form no cluster by default — and one when the ties
through that hub are counted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from queries.analytics.clusters import territorial_clusters
from queries.analytics.clusters.answers import why_unclustered
from queries.analytics.clusters.find import hubs_of
from queries.analytics.clusters.query import ClusterQuery
from queries.projection import Projection

if TYPE_CHECKING:
    from tests.queries.analytics.conftest import Graphs

KNOWN = {"departement": {"31", "69"}}


def _members_of_a_national_network(graphs: type[Graphs]) -> Projection:
    actor, link = graphs.actor, graphs.link
    toulouse = {"commune": "31555", "departement": "31", "region": "76"}
    nowhere = {"commune": None, "departement": None, "region": None}
    actors = [actor("n-mes", "Network", **nowhere)]
    actors += [actor(f"o-tls-{n}", "Organisation", **toulouse) for n in range(4)]
    actors += [actor("o-lyon", "Organisation")]  # Lyon: another département
    links = [link(f"m{n}", f"o-tls-{n}", "n-mes", "MEMBER_OF") for n in range(4)]
    links.append(link("m-lyon", "o-lyon", "n-mes", "MEMBER_OF"))
    return graphs.build(actors, links)


def test_members_linked_only_to_a_national_network_form_no_cluster_by_default(
    graphs: type[Graphs],
) -> None:
    projection = _members_of_a_national_network(graphs)
    result = territorial_clusters(projection, "departement:31", known_codes=KNOWN)
    assert result.clusters == ()
    why = why_unclustered(projection, result, [f"o-tls-{n}" for n in range(4)])
    assert (why.outside_only, why.no_link) == (4, 0)


def test_counting_ties_through_the_hub_clusters_them_without_the_hub(
    graphs: type[Graphs],
) -> None:
    projection = _members_of_a_national_network(graphs)
    assert hubs_of(projection, frozenset(f"o-tls-{n}" for n in range(4))) == {"n-mes"}
    result = territorial_clusters(
        projection, "departement:31", known_codes=KNOWN, through_hubs=True
    )
    assert [c.members for c in result.clusters] == [tuple(f"o-tls-{n}" for n in range(4))]
    assert result.unclustered == 0
    assert "n-mes" not in result.clusters[0].members  # the hub is no member


def test_through_hubs_is_its_own_question() -> None:
    plain = ClusterQuery.build("departement:31")
    hubs = ClusterQuery.build("departement:31", through_hubs=True)
    assert plain.key != hubs.key and plain.key == hubs.key[:-1]
