"""Validation rules of the graph model (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from graph_model.errors import InvalidDates, InvalidIdentifier, MaillageError, ValidationError
from graph_model.identifiers import (
    fold,
    is_valid_siren,
    is_valid_siret,
    mint_actor_id,
    normalise_rna,
    normalise_siren,
    normalise_siret,
)
from graph_model.model import Actor, ActorKind, AdvocacyLevel, Link, LinkKind, SourceRef, parse

# Real, public identifiers: Danone SA (SIREN 552032534), its head-office SIRET, and the SIREN of
# the INSEE documentation example 732 829 320.
DANONE_SIREN = "552032534"
DANONE_SIRET = "55203253400646"


@pytest.mark.parametrize("value", ["732829320", "552032534", "356000000"])
def test_valid_sirens_pass_luhn(value: str) -> None:
    assert is_valid_siren(value)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("732829321", "last digit changed breaks the Luhn sum"),
        ("73282932", "eight digits"),
        ("7328293200", "ten digits"),
        ("73282932A", "a letter"),
    ],
)
def test_invalid_siren_is_refused_with_the_rule(value: str, why: str) -> None:
    with pytest.raises(InvalidIdentifier, match="9 digits passing the Luhn check") as info:
        normalise_siren(value)
    assert info.value.field == "siren", why


def test_siren_spacing_is_tolerated() -> None:
    assert normalise_siren(" 552 032 534 ") == DANONE_SIREN


def test_siret_checks_luhn_and_its_siren() -> None:
    assert is_valid_siret(DANONE_SIRET)
    assert not is_valid_siret("55203253400647")
    with pytest.raises(InvalidIdentifier, match="SIRET"):
        normalise_siret("5520325340064")


def test_la_poste_siret_follows_the_digit_sum_rule() -> None:
    # 3+5+6+1+0 = 15: a multiple of 5, valid for La Poste although it fails the Luhn sum
    assert is_valid_siret("35600000000010")
    assert not is_valid_siret("35600000000011")


def test_rna_is_w_and_nine_digits() -> None:
    assert normalise_rna("w751234567") == "W751234567"
    for bad in ("W75123456", "751234567", "X751234567", "W7512345678"):
        with pytest.raises(InvalidIdentifier, match="W followed by 9 digits"):
            normalise_rna(bad)


def test_actor_ids_are_minted_from_the_strongest_identity() -> None:
    assert mint_actor_id(siren=DANONE_SIREN, rna="W751234567") == f"siren-{DANONE_SIREN}"
    assert mint_actor_id(rna="W751234567") == "rna-W751234567"
    first = mint_actor_id(source_key="gogocarto:42")
    assert first == mint_actor_id(source_key="gogocarto:42")  # stable across runs
    assert first != mint_actor_id(source_key="gogocarto:43")


def test_actor_with_bad_siren_is_rejected() -> None:
    with pytest.raises(InvalidIdentifier):
        Actor(id="mai-000000000001", kind=ActorKind.ORGANISATION, name="X", siren="123456789")


def test_siret_fills_the_siren_and_must_match_it() -> None:
    actor = Actor(id="mai-000000000001", kind="Organisation", name="Danone", siret=DANONE_SIRET)
    assert actor.siren == DANONE_SIREN
    assert f"siret:{DANONE_SIRET}" in actor.identity_keys()
    with pytest.raises(InvalidIdentifier, match="does not belong to SIREN"):
        Actor(
            id="mai-000000000001",
            kind="Organisation",
            name="X",
            siren="732829320",
            siret=DANONE_SIRET,
        )


def test_only_advocacy_bodies_have_a_level() -> None:
    body = Actor(id="adv-ess-france", kind="AdvocacyBody", name="ESS France", level="national")
    assert body.level is AdvocacyLevel.NATIONAL
    with pytest.raises(ValidationError, match="only an AdvocacyBody has a level"):
        Actor(id="net-x", kind="Network", name="X", level="national")


def test_malformed_actor_id_is_refused() -> None:
    for bad in ("", "Mes", "mes", "mes national", "-mes"):
        with pytest.raises(InvalidIdentifier, match="is not an actor id"):
            Actor(id=bad, kind="Network", name="MES")


def test_identity_keys_include_source_aliases() -> None:
    actor = Actor(
        id="net-mes",
        kind=ActorKind.NETWORK,
        name="MES",
        rna="W751234567",
        aliases=["murmurations:https://example.org/mes"],
        sources=[SourceRef(system="gogocarto", key="123")],
    )
    assert actor.identity_keys() == [
        "id:net-mes",
        "rna:W751234567",
        "murmurations:https://example.org/mes",
        "gogocarto:123",
    ]


def test_link_ending_before_it_starts_is_rejected_clearly() -> None:
    with pytest.raises(InvalidDates, match="ends on 2019-01-01 before it starts on 2020-01-01"):
        Link(
            kind=LinkKind.MEMBER_OF,
            source_id="net-a",
            target_id="net-b",
            since=date(2020, 1, 1),
            until=date(2019, 1, 1),
        )


def test_link_dates_may_be_unknown_and_bound_validity() -> None:
    open_ended = Link(kind="COOPERATES_WITH", source_id="net-a", target_id="net-b")
    assert open_ended.valid_on(date(1990, 1, 1))
    bounded = Link(
        kind="SITS_ON",
        source_id="net-a",
        target_id="adv-b",
        since=date(2019, 7, 3),
        until=date(2022, 12, 31),
    )
    assert bounded.valid_on(date(2019, 7, 3)) and bounded.valid_on(date(2022, 12, 31))
    assert not bounded.valid_on(date(2023, 1, 1))


def test_link_ids_are_stable_and_distinguish_periods() -> None:
    def member(since: date | None) -> Link:
        return Link(kind="MEMBER_OF", source_id="net-a", target_id="net-b", since=since)

    assert member(date(2019, 1, 1)).id == member(date(2019, 1, 1)).id
    assert member(date(2019, 1, 1)).id != member(date(2021, 1, 1)).id


def test_self_link_is_refused() -> None:
    with pytest.raises(ValidationError, match="to itself"):
        Link(kind="COOPERATES_WITH", source_id="net-a", target_id="net-a")


def test_parse_turns_pydantic_errors_into_project_errors() -> None:
    with pytest.raises(ValidationError) as info:
        parse(Actor, {"id": "net-a", "kind": "Tribe", "name": "A"})
    assert isinstance(info.value, MaillageError)
    assert info.value.field == "kind"


def test_fold_is_accent_and_case_insensitive() -> None:
    assert fold("Économie Solidaire") == fold("economie  solidaire") == "economie solidaire"
    assert fold("Cœur d'Hérault") == "coeur d herault"


#: the hostile inputs of issue 15, each with the field its refusal must name
HOSTILE: list[tuple[dict[str, object], str]] = [
    ({"description": "x" * 5_000_000}, "description"),
    ({"themes": [f"theme-{i}" for i in range(10_000)]}, "themes"),
    ({"aliases": [f"sheet:{i}" for i in range(10_000)]}, "aliases"),
    ({"name": "Coop\x00Null"}, "name"),
    ({"name": "Evil\u202egnp.exe"}, "name"),
    ({"name": "Isolé\u2066 caché\u2069"}, "name"),
    ({"name": "n" * 301}, "name"),
    ({"website": "javascript:alert(document.cookie)"}, "website"),
    ({"website": "data:text/html,<script>alert(1)</script>"}, "website"),
    ({"email": "not an address"}, "email"),
    ({"legal_form": "SCOP\x1b[31m"}, "legal_form"),
    ({"description": "ligne\x00cachée"}, "description"),
    ({"description": "C1\x85control"}, "description"),
    ({"commune": "31555" * 100}, "commune"),
    ({"siren": "7" * 1_000_000}, "siren"),
    ({"sources": [SourceRef(system="sheet", key=str(i)) for i in range(101)]}, "sources"),
]


@pytest.mark.parametrize(("fields", "field"), HOSTILE, ids=[f for _, f in HOSTILE])
def test_hostile_values_are_refused_naming_the_field(fields: dict[str, object], field: str) -> None:
    data = {"id": "mai-abc123", "kind": "Organisation", "name": "Coop"} | fields
    with pytest.raises(ValidationError) as refused:
        parse(Actor, data)
    assert refused.value.field == field
    assert len(str(refused.value)) < 300  # the refusal names the limit, not the whole value


def test_french_texts_stay_accepted() -> None:
    actor = parse(
        Actor,
        {
            "id": "mai-abc123",
            "kind": "Organisation",
            "name": "Œuvre d’entraide « L’Île-de-Ré » — cœur & sœurs",
            "description": "Première ligne.\n\tDeuxième ligne, très détaillée : « ça marche ».",
            "website": "https://www.exemple.fr/chemin?a=1",
            "email": "contact@économie-sociale.fr",
            "themes": ["alimentation", "réemploi"],
        },
    )
    assert actor.name.startswith("Œuvre d’entraide")


def test_links_and_sources_are_bounded() -> None:
    with pytest.raises(ValidationError) as refused:
        Link(kind=LinkKind.COOPERATES_WITH, source_id="mai-a1", target_id="mai-b2",
             subkind="co-portage\u202e")  # fmt: skip
    assert refused.value.field == "subkind"
    with pytest.raises(ValidationError) as bad_url:
        SourceRef(system="sheet", key="1", url="javascript:alert(1)")
    assert bad_url.value.field == "url"
