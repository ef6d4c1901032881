"""One module per source format, each a :class:`~importers.reader.Reader`.

- :mod:`~importers.formats.movement`: the movement reference dataset (YAML);
- :mod:`~importers.formats.spreadsheet`: member, partner and project lists (CSV/XLSX);
- :mod:`~importers.formats.links`: cooperation links (CSV/XLSX);
- :mod:`~importers.formats.gogocarto`: GoGoCarto maps (``/api/elements.json``, full or compact);
- :mod:`~importers.formats.essglobal`: ESSGlobal standard CSV (RIPESS vocabulary);
- :mod:`~importers.formats.murmurations`: Murmurations organisation profiles (JSON);
- :mod:`~importers.formats.sirene`: INSEE SIRENE unités légales (CSV, streamed).
"""

from importers.formats.essglobal import EssGlobalReader
from importers.formats.gogocarto import GoGoCartoReader
from importers.formats.links import LinksReader
from importers.formats.movement import MovementReader
from importers.formats.murmurations import MurmurationsReader
from importers.formats.sirene import SireneReader
from importers.formats.spreadsheet import SpreadsheetReader

__all__ = [
    "EssGlobalReader",
    "GoGoCartoReader",
    "LinksReader",
    "MovementReader",
    "MurmurationsReader",
    "SireneReader",
    "SpreadsheetReader",
]
