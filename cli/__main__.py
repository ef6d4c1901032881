"""``python -m cli`` is ``maillage``."""

from cli.main import app

app(prog_name="maillage")
