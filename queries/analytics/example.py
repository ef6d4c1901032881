"""The small movement the docstring examples and the unit tests run on (seven actors, seven
links: Lyon, Villeurbanne, Marseille, a regional network and a national umbrella body)."""

from __future__ import annotations

from typing import Any

from queries.projection import Projection


def example_projection() -> Projection:
    """The small movement the docstring examples run on.

    Lyon (69) and Villeurbanne (69) organisations cooperate; a regional network and a national
    umbrella body (``ab-ess-france``, AdvocacyBody, level national) tie them to Marseille (13)::

        org-collectif ─COOPERATES_WITH─ org-atelier ─MEMBER_OF→ net-aura
              │                              │
          MEMBER_OF (2015–2018)          SITS_ON
              ↓                              ↓
           net-aura ─SITS_ON→ ab-ess-france ←SITS_ON─ org-marseille ←CARRIES─ prj-graines
    """
    src = '{"system": "movement", "key": "%s", "url": null}'
    actors: list[dict[str, Any]] = [
        {"id": "org-collectif", "kind": "Organisation", "name": "Collectif Lyonnais",
         "legal_form": "association loi 1901", "commune": "69123", "departement": "69",
         "region": "84", "latitude": 45.76, "longitude": 4.83, "location_precision": "exact",
         "themes": ["alimentation", "reemploi"], "methods": ["vises"]},
        {"id": "org-atelier", "kind": "Organisation", "name": "L'Atelier de Villeurbanne",
         "legal_form": "SCOP", "commune": "69266", "departement": "69", "region": "84",
         "latitude": 45.77, "longitude": 4.88, "location_precision": "commune",
         "themes": ["reemploi"]},
        {"id": "net-aura", "kind": "Network", "name": "Réseau ESS AURA",
         "legal_form": "association loi 1901", "commune": "69123", "departement": "69",
         "region": "84", "latitude": 45.75, "longitude": 4.85, "location_precision": "commune"},
        {"id": "ab-ess-france", "kind": "AdvocacyBody", "level": "national",
         "name": "ESS France", "commune": "75056", "departement": "75", "region": "11",
         "latitude": 48.86, "longitude": 2.35, "location_precision": "commune"},
        {"id": "org-marseille", "kind": "Organisation", "name": "La Recyclerie de Marseille",
         "legal_form": "association loi 1901", "commune": "13055", "departement": "13",
         "region": "93", "latitude": 43.30, "longitude": 5.37, "location_precision": "commune",
         "themes": ["reemploi", "alimentation"], "methods": ["vises"]},
        {"id": "prj-graines", "kind": "Project", "name": "Graines d'actions", "commune": "13055",
         "departement": "13", "region": "93", "themes": ["alimentation"]},
        {"id": "org-seule", "kind": "Organisation", "name": "Seule à Lyon", "commune": "69123",
         "departement": "69", "region": "84", "themes": ["culture"]},
    ]  # fmt: skip
    links = [
        ("l1", "COOPERATES_WITH", "org-collectif", "org-atelier", "2016-05-01", None),
        ("l2", "MEMBER_OF", "org-atelier", "net-aura", "2012-01-01", None),
        ("l3", "MEMBER_OF", "org-collectif", "net-aura", "2015-01-01", "2018-12-31"),
        ("l4", "SITS_ON", "net-aura", "ab-ess-france", "2014-06-01", None),
        ("l5", "SITS_ON", "org-atelier", "ab-ess-france", "2020-01-01", None),
        ("l6", "SITS_ON", "org-marseille", "ab-ess-france", "2017-03-01", None),
        ("l7", "CARRIES", "org-marseille", "prj-graines", "2019-09-01", None),
    ]
    return Projection.from_records(
        actors,
        [
            {
                "id": i,
                "kind": k,
                "source": s,
                "target": t,
                "since": since,
                "until": until,
                "subkind": "partenariat" if k == "COOPERATES_WITH" else None,
                "sources": [src % i],
            }
            for i, k, s, t, since, until in links
        ],
        version=1,
    )
