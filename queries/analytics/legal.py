"""Legal families: the five families of the ESS as the observatories publish them.

The law of 31 July 2014 (article 1) makes the ESS of four historical families — associations,
coopératives, mutuelles, fondations — and a fifth, the commercial companies that adopt its
principles (*sociétés commerciales de l'ESS*). The CRESS and the Observatoire national de l'ESS
publish their "chiffres clés" in these families; INSEE builds the statistical perimeter of the
économie sociale from the *catégories juridiques* (its legal-form nomenclature, level III, four
digits). An actor's family is read from its legal form:

1. a catégorie juridique code (``9220``, or ``catégorie juridique 9220`` as the SIRENE importer
   writes a code it has no label for): by code, with the table below;
2. any other text — the INSEE labels the SIRENE importer writes (``Association déclarée``,
   ``importers/data/categories_juridiques.csv``: a test checks every label of that file gives
   its code's family) and what member lists say (``association loi 1901``, ``SCOP``, ``SCIC
   SA``, ``SARL``…): by its words.

=====================  ======================================================================
family                 catégories juridiques (INSEE, niveau III)
=====================  ======================================================================
``association``        the whole of group 92 "Association loi 1901 ou assimilé": 9210, 9220,
                       9221 (insertion par l'économique), 9222 (intermédiaire), 9223
                       (groupement d'employeurs), 9230 (RUP), 9240 (congrégation), 9260 (droit
                       local d'Alsace-Moselle)
``cooperative``        every code whose label says *coopérative*: 5191–5196 (banques
                       coopératives, caution mutuelle), 5203, 5307, 5309, 5443–5460, 5543–5560,
                       5643–5660 (SARL, SA à CA, SA à directoire coopératives, SCOP), 6316–6318
                       (CUMA, coopératives agricoles and their unions), 6532–6560 (sociétés
                       civiles coopératives), 6595–6596 (caisses de crédit mutuel, de crédit
                       agricole mutuel)
``mutual``             group 82 "Organisme mutualiste" (8210, 8250, 8290) and 6411 (société
                       d'assurance à forme mutuelle)
``foundation``         9300 (fondation)
``commercial``         the other companies (groups 52–57: SNC, SARL, SA, SAS…): a commercial
                       company in the movement's graph is counted as a *société commerciale de
                       l'ESS* (the law's fifth family); 5485 (SELARL) and the rest of group 54,
                       55, 56 and 57 that is not cooperative
``other``              public bodies (group 7), syndicates (84), GIE/GIP, other legal persons
``unknown``            no legal form
=====================  ======================================================================

Sources: INSEE, *catégories juridiques* (https://www.insee.fr/fr/information/2028129) for the
codes; INSEE, *L'économie sociale* (https://www.insee.fr/fr/statistiques/7636531) for the four
families built from legal categories and the fifth one of the 2014 law; the list of ESS
enterprises the CRESS keep (https://www.cresspaca.org/s-informer/decouvrir-l-ess-9) for the five
families of article 1. INSEE has no code of its own for the SCIC: a SCIC is a SARL, SA or SAS
coopérative (5460, 5560/5660, 5710) — written "SCIC" it is read as a coopérative by its word.

>>> legal_family("9220"), legal_family("Association déclarée"), legal_family("SCOP")
('association', 'association', 'cooperative')
>>> legal_family("Mutuelle"), legal_family("Fondation"), legal_family("SAS"), legal_family(None)
('mutual', 'foundation', 'commercial', 'unknown')
>>> legal_family("5191"), legal_family("Communauté de communes")
('cooperative', 'other')
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final, Literal

from graph_model.i18n import N_

LegalFamily = Literal[
    "association", "cooperative", "mutual", "foundation", "commercial", "other", "unknown"
]

#: the families in the order the observatories publish them
FAMILIES: Final[tuple[LegalFamily, ...]] = (
    "association",
    "cooperative",
    "mutual",
    "foundation",
    "commercial",
    "other",
    "unknown",
)

#: how each family is shown (translated when shown: French first)
FAMILY_LABELS: Final[dict[str, str]] = {
    "association": N_("associations"),
    "cooperative": N_("cooperatives"),
    "mutual": N_("mutual societies"),
    "foundation": N_("foundations"),
    "commercial": N_("commercial companies of the SSE"),
    "other": N_("other legal forms"),
    "unknown": N_("legal form unknown"),
}


def _ranges(*spans: tuple[int, int]) -> frozenset[str]:
    return frozenset(str(code) for start, end in spans for code in range(start, end + 1))


_COOPERATIVE = _ranges(
    (5191, 5196),
    (5203, 5203),
    (5307, 5307),
    (5309, 5309),
    (5443, 5460),
    (5543, 5560),
    (5643, 5660),
    (6316, 6318),
    (6532, 6560),
    (6595, 6596),
)
_ASSOCIATION = frozenset({"9210", "9220", "9221", "9222", "9223", "9230", "9240", "9260"})
_MUTUAL = frozenset({"8210", "8250", "8290", "6411"})
_FOUNDATION = frozenset({"9300"})


def family_of_code(code: str) -> LegalFamily:
    """The family of an INSEE catégorie juridique (four digits), per the table above."""
    if code in _COOPERATIVE:
        return "cooperative"
    if code in _ASSOCIATION:
        return "association"
    if code in _MUTUAL:
        return "mutual"
    if code in _FOUNDATION:
        return "foundation"
    if code[:2] in {"52", "53", "54", "55", "56", "57"}:
        return "commercial"
    return "other"


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# words, tried in this order (a "SA coopérative" is a coopérative, a "société d'assurance
# mutuelle" a mutuelle, a "fondation" never a company)
_WORDS: Final[tuple[tuple[re.Pattern[str], LegalFamily], ...]] = (
    (re.compile(r"\bfondation\b"), "foundation"),
    # cooperative banks and guarantee societies carry "mutuel" in their name (INSEE 5191–5196,
    # 6595, 6596: coopératives)
    (
        re.compile(r"caution mutuelle|credit (agricole |maritime )?mutuel|banque populaire"),
        "cooperative",
    ),
    (re.compile(r"\bmutual|\bmutuelle|\bmutualiste"), "mutual"),
    (re.compile(r"cooperati|\bscop\b|\bscic\b|\bcae\b|\bcuma\b|\bsica\b"), "cooperative"),
    (
        re.compile(
            r"\bassociation|\bloi (de )?1901\b|\basso\b|groupement d'employeurs|congregation"
        ),
        "association",
    ),
    (
        re.compile(r"\b(sarl|sas|sasu|sa|eurl|snc|sca|selarl|societe|entreprise|esus)\b"),
        "commercial",
    ),
)


@lru_cache(maxsize=4096)  # a graph holds few distinct legal forms, each met many times
def legal_family(legal_form: str | None) -> LegalFamily:
    """The family of a legal form (see the module docstring)."""
    if legal_form is None or not legal_form.strip():
        return "unknown"
    text = legal_form.strip()
    if re.fullmatch(r"\d{4}", text):
        return family_of_code(text)
    folded = _fold(text)
    if folded.startswith("categorie juridique "):
        digits = folded.rsplit(" ", 1)[-1]
        if re.fullmatch(r"\d{4}", digits):
            return family_of_code(digits)
    for pattern, family in _WORDS:
        if pattern.search(folded):
            return family
    return "other"


__all__ = ["FAMILIES", "FAMILY_LABELS", "LegalFamily", "family_of_code", "legal_family"]
