"""The documents agree with the code: every default of docs/api.md's settings table (and each
default another document quotes) is the setting's, every GraphQL example validates against the
schema, and the names the prose gives (``Type.field``, ``field(arguments)``) exist in it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import build_schema, parse, validate
from graphql.type import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
)

from api.schema import sdl
from api.settings import ApiSettings

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(sdl())


def _number(text: str) -> float:
    return float(re.sub(r"[\s,\u202f\u00a0_]", "", text))


def test_the_settings_table_gives_the_real_defaults() -> None:
    table = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `MAILLAGE_([A-Z_]+)` \| `([^`]*)` \|", table, flags=re.M)
    assert len(rows) > 20
    fields = ApiSettings.model_fields
    for name, shown in rows:
        default = fields[name.lower()].default
        if isinstance(default, bool):
            assert shown == str(default).lower(), name
        elif isinstance(default, int | float):
            assert _number(shown) == default, name
        else:
            assert shown == str(default), name


def test_every_document_quoting_a_default_quotes_the_same() -> None:
    quoted = re.compile(r"`MAILLAGE_([A-Z_]+)` \(([\d\s,\u202f\u00a0]+) by default\)")
    seen = 0
    for doc in DOCS:
        for name, shown in quoted.findall(doc.read_text(encoding="utf-8")):
            seen += 1
            assert _number(shown) == ApiSettings.model_fields[name.lower()].default, (doc, name)
    assert seen  # docs/web-map.md quotes the cost limit


def test_graphql_examples_validate(schema: GraphQLSchema) -> None:
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for block in re.findall(r"```graphql\n(.*?)```", text, flags=re.S):
            errors = validate(schema, parse(block))
            assert not errors, (doc.name, [e.message for e in errors])


def _names(schema: GraphQLSchema) -> tuple[dict[str, set[str]], dict[str, set[str]], set[str]]:
    """Type → its fields, field name → its arguments (any type), every name of the schema."""
    fields: dict[str, set[str]] = {}
    arguments: dict[str, set[str]] = {}
    every: set[str] = set()
    for type_ in schema.type_map.values():
        every.add(type_.name)
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            fields[type_.name] = set(type_.fields)
            every.update(type_.fields)
            for name, field in type_.fields.items():
                args = set(getattr(field, "args", None) or ())
                arguments.setdefault(name, set()).update(args)
                every.update(args)
        if isinstance(type_, GraphQLEnumType):
            every.update(type_.values)
    return fields, arguments, every


def test_the_prose_names_fields_and_arguments_of_the_schema(schema: GraphQLSchema) -> None:
    fields, arguments, every = _names(schema)
    prose = re.sub(
        r"```.*?```", "", (ROOT / "docs" / "api.md").read_text(encoding="utf-8"), flags=re.S
    )
    wrong = []
    for type_name, field in re.findall(r"`([A-Z][A-Za-z]+)\.([a-z][A-Za-z]*)`", prose):
        if type_name in fields and field not in fields[type_name]:
            wrong.append(f"{type_name}.{field}")
    for name, args in re.findall(r"`([a-z][A-Za-z]*)\(([^`]*)\)`", prose):
        if name not in arguments:
            continue
        for given in re.split(r"[,\s]+", re.sub(r"\{[^}]*\}", "", args)):
            arg = given.split(":")[0].strip()
            if arg and arg[0].isalpha() and arg not in arguments[name]:
                wrong.append(f"{name}({arg})")
    for word in re.findall(r"`([a-z]+[A-Z][A-Za-z]*)", prose):
        if word not in every and word not in {"safeCell"}:  # the web map's own function
            wrong.append(word)
    assert not wrong, wrong
