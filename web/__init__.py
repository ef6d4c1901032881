"""The web map: a static page (``web/static/``: HTML, scripts, styles, translations, the pinned
third-party files and the territory outlines) that the API serves at ``/`` and that speaks to
the server only through the public GraphQL API. ``web/build.mjs`` copies the third-party files
and writes the outlines into ``web/static/`` (``node web/build.mjs --check`` tells whether the
committed files are what a fresh build gives). No Python here but this docstring and the path."""

from pathlib import Path

#: the folder served at ``/``
STATIC_DIR = Path(__file__).resolve().with_name("static")

__all__ = ["STATIC_DIR"]
