"""The web map's static files, checked without a browser (these run in the ordinary suite).

* French and English hold the same keys, the same plural forms and the same ``{placeholders}``;
* every key the markup and the code use exists; the markup holds no text of its own;
* nothing is fetched from outside: no absolute URL in what the page loads;
* the vendor files are the versions ``package.json`` pins.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "web" / "static"
LANGS = ("fr", "en")


def messages(lang: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((STATIC / "i18n" / f"{lang}.json").read_text("utf-8"))
    return loaded


def placeholders(value: object) -> set[str]:
    texts = value.values() if isinstance(value, dict) else [value]
    return {name for text in texts for name in re.findall(r"\{(\w+)\}", str(text))}


def test_french_and_english_hold_the_same_texts() -> None:
    fr, en = messages("fr"), messages("en")
    assert sorted(fr) == sorted(en), set(fr) ^ set(en)
    for key in fr:
        assert type(fr[key]) is type(en[key]), key
        if isinstance(fr[key], dict):
            assert {"one", "other"} <= set(fr[key]) and {"one", "other"} <= set(en[key]), key
        assert placeholders(fr[key]) == placeholders(en[key]), key
        assert fr[key] and en[key], f"{key} is empty"


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.keys: set[str] = set()
        self.texts: list[str] = []
        self.urls: list[str] = []
        self._skip: list[str] = []  # open elements whose content is not text to translate

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        # scripts, styles, the title (set from the translations) and aria-hidden symbols (☰, ✕)
        if tag in ("script", "style", "title") or values.get("aria-hidden") == "true":
            self._skip.append(tag)
        if values.get("data-i18n"):
            self.keys.add(str(values["data-i18n"]))
        for pair in str(values.get("data-i18n-attr") or "").split(";"):
            if ":" in pair:
                self.keys.add(pair.split(":", 1)[1].strip())
        for name in ("src", "href"):
            if values.get(name):
                self.urls.append(str(values[name]))

    def handle_endtag(self, tag: str) -> None:
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(data.strip())


def _markup() -> _Markup:
    parser = _Markup()
    parser.feed((STATIC / "index.html").read_text("utf-8"))
    return parser


def test_the_markup_has_no_text_of_its_own_and_its_keys_exist() -> None:
    parser = _markup()
    assert parser.texts == [], "texts belong in i18n/*.json, not in the markup"
    fr = messages("fr")
    assert parser.keys, "the markup should use data-i18n keys"
    assert not parser.keys - set(fr), parser.keys - set(fr)


COMMENTS = re.compile(r"/\*.*?\*/|^\s*//[^\n]*", re.DOTALL | re.MULTILINE)
JS_KEY = re.compile(r"""\b(?:t|has)\(\s*["']([\w.-]+)["']""")
JS_TEMPLATE_KEY = re.compile(r"""\b(?:t|has)\(\s*`([\w.-]*)\$\{""")


def test_every_key_the_code_uses_exists() -> None:
    fr = messages("fr")
    used: set[str] = set()
    prefixes: set[str] = set()
    for path in (STATIC / "js").glob("*.js"):
        code = COMMENTS.sub("", path.read_text("utf-8"))
        used |= set(JS_KEY.findall(code))
        prefixes |= set(JS_TEMPLATE_KEY.findall(code))
    missing = {key for key in used if key not in fr}
    assert not missing, missing
    for prefix in prefixes:  # `kind.${kind}`: some key must start with the fixed part
        assert any(key.startswith(prefix) for key in fr), prefix
    # the enumerations the code builds keys from
    for kind in ("Network", "Organisation", "Project", "AdvocacyBody"):
        assert {f"kind.{kind}", f"kind.{kind}.plural"} <= set(fr)
    for link in ("MEMBER_OF", "COOPERATES_WITH", "CARRIES", "SUPPORTS", "FUNDS", "SITS_ON"):
        assert {f"link.{link}.name", f"link.{link}.out", f"link.{link}.in"} <= set(fr)
    for place in ("metro", "971", "972", "973", "974", "976", "inset"):
        assert f"place.{place}" in fr
    for precision in ("exact", "commune", "departement", "region", "unknown", "none"):
        assert f"precision.{precision}" in fr
    for constraint in ("avoid_kinds", "as_of", "max_hops", "kinds", "avoid"):
        assert f"path.constraint.{constraint}" in fr


# XML and SVG namespaces name things, they are never fetched
NAMESPACES = ("http://www.w3.org/2000/svg", "http://gexf.net/1.3")


LOADED = sorted(
    p.relative_to(STATIC).as_posix()
    for p in STATIC.rglob("*")
    if p.suffix in (".js", ".css", ".html")
)


@pytest.mark.parametrize("path", [*LOADED, "config.json"])
def test_nothing_is_fetched_from_outside(path: str) -> None:
    text = (STATIC / path).read_text("utf-8")
    if path.startswith("vendor/"):
        # Leaflet names URLs in comments and in a link of its attribution (turned off by the
        # page), and loads tiles only from the URL it is given: no source of its own
        assert not re.search(r"""src\s*=\s*["']https?://|url\(\s*["']?https?://""", text), path
        return
    for namespace in NAMESPACES:
        text = text.replace(namespace, "")
    if path == "config.json":
        assert json.loads(text)["tiles"] is None, "online tiles are off unless configured"
        return
    assert not re.findall(r"https?://[^\s\"'`)]+", text), path


def test_the_page_loads_only_local_files() -> None:
    for url in _markup().urls:
        assert not re.match(r"^(https?:)?//", url), url
        if not url.startswith(("data:", "#")):
            assert (STATIC / url).is_file(), f"index.html loads {url}, which is missing"


def test_vendor_files_are_the_pinned_versions() -> None:
    package = json.loads((ROOT / "package.json").read_text("utf-8"))
    lock = json.loads((ROOT / "package-lock.json").read_text("utf-8"))
    versions = json.loads((STATIC / "vendor" / "VERSIONS.json").read_text("utf-8"))
    for name, built in versions.items():
        assert package["devDependencies"][name] == built["version"], name
        assert lock["packages"][f"node_modules/{name}"]["integrity"] == built["integrity"], name
    assert (STATIC / "vendor" / "leaflet" / "leaflet.js").is_file()
    assert (STATIC / "vendor" / "leaflet.markercluster" / "leaflet.markercluster.js").is_file()
    for outline in ("regions", "departements"):
        data = json.loads((STATIC / "geo" / f"{outline}.geojson").read_text("utf-8"))
        assert len(data["features"]) == {"regions": 13, "departements": 96}[outline]
