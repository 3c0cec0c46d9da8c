"""What the user named on the command line, expanded into input references.

Paths, folders (walked recursively, hidden files and folders skipped), globs
(``**`` for any depth), ``-`` for standard input, and URLs. Nothing is read here.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from feint.ingest.fetch import is_url

STDIN = "-"


@dataclass(frozen=True, slots=True)
class InputRef:
    """One input to read: a file path, a URL, standard input, or one that is missing."""

    name: str
    kind: str  # "file", "url", "stdin", "missing"


def expand_inputs(args: Sequence[str]) -> Iterator[InputRef]:
    """Input references in the order given; folders and globs sorted by path."""
    for arg in args:
        if arg == STDIN:
            yield InputRef("<stdin>", "stdin")
        elif is_url(arg):
            yield InputRef(arg, "url")
        elif os.path.isdir(arg):
            yield from (InputRef(p, "file") for p in _walk(arg))
        elif os.path.exists(arg):
            yield InputRef(arg, "file")
        elif glob.has_magic(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            files = [m for m in matches if os.path.isfile(m)]
            for m in matches:
                if os.path.isdir(m):
                    files.extend(_walk(m))
            if not files:
                yield InputRef(arg, "missing")
            yield from (InputRef(f, "file") for f in files)
        else:
            yield InputRef(arg, "missing")


def _walk(folder: str) -> list[str]:
    found: list[str] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(str(Path(root) / f) for f in sorted(files) if not f.startswith("."))
    return found
