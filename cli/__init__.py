"""The ``maillage`` command line: thin Typer commands over the services, one module each."""
