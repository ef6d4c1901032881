"""One pass over a text table's bytes before anything is read as rows: its SHA-256, its lines,
a sample for the detections, whether it decodes, and the longest line (a bound on its longest
field, for the cell limit of :mod:`importers.limits`). Used by :mod:`importers.tabular`."""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


@dataclass
class Scan:
    """What one pass over a file's bytes tells: hash, lines, a sample, and how it decodes."""

    sha256: str = ""
    lines: int = 0
    sample: bytes = b""
    nul: bool = False
    undefined_cp1252: bool = False
    decodes: bool = True
    failure: str | None = None
    #: the longest run of bytes without a newline (a bound on the longest field of one line)
    longest_line: int = 0


def scan_file(path: Path, encoding: str) -> Scan:
    """Read the whole file once, in 1 MiB chunks: nothing is kept but the first 64 KiB."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder(encoding)()
    scan = Scan()
    run = 0  # bytes since the last newline
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
            run = _line_run(scan, chunk, run)
            if len(scan.sample) < 65_536:
                scan.sample += chunk[: 65_536 - len(scan.sample)]
            scan.lines += chunk.count(b"\n")
            scan.nul = scan.nul or b"\x00" in chunk
            scan.undefined_cp1252 = scan.undefined_cp1252 or bool(_CP1252_UNDEFINED.search(chunk))
            if scan.decodes:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    scan.decodes, scan.failure = False, str(exc)
    if scan.decodes:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            scan.decodes, scan.failure = False, str(exc)
    scan.sha256 = digest.hexdigest()
    return scan


def _line_run(scan: Scan, chunk: bytes, run: int) -> int:
    """The newline-free run at the end of ``chunk``, given the one before it; the longest run
    seen is kept in ``scan`` (two searches a chunk: runs inside one chunk are under 1 MiB)."""
    first = chunk.find(b"\n")
    if first < 0:
        run += len(chunk)
        scan.longest_line = max(scan.longest_line, run)
        return run
    scan.longest_line = max(scan.longest_line, run + first, min(len(chunk), 1 << 20))
    return len(chunk) - chunk.rfind(b"\n") - 1
