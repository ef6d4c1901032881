"""Benchmarks of Maillage: the shared graph generator, and one module per measured concern.

- :mod:`bench.generator`: THE synthetic movement (actors, dated links, French territories) every
  benchmark uses, with writers for the member-spreadsheet, links and SIRENE CSV formats;
- :mod:`bench.analytics`: paths, clusters, snapshot and memory figures of the analytics
  (``python -m bench.analytics --help``).

Results, with the exact commands that produced them, are in ``bench/RESULTS.md``.
"""
