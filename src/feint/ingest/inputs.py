"""What the user named on the command line, expanded into input references.

Paths, folders (walked recursively, hidden files and folders skipped), globs
(``**`` for any depth), ``-`` for standard input, and URLs. Nothing is read here.

Folders and globs are walked by one walker that reads each real directory once
for each part of a pattern and lists each real file once: a symbolic link back to
a directory being walked (a loop) is not followed, so ``g/**`` on a folder that
links to its parent lists that folder's files, not the same files hundreds of
times. Other directory links are followed, as glob does.
"""

from __future__ import annotations

import fnmatch
import glob
import os
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from feint.ingest.fetch import is_url

STDIN = "-"
# What a matched folder is walked with: every file at any depth (hidden ones not).
_EVERYTHING = ("**", "*")


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
            # Named as before: "./news/" gives "news/a.txt", "." gives "a.txt".
            root = str(Path(arg))
            yield from (InputRef(p, "file") for p in _walk("" if root == "." else root, ()))
        elif os.path.exists(arg):
            yield InputRef(arg, "file")
        elif glob.has_magic(arg):
            root, parts = _split_pattern(arg)
            files = _walk(root, parts) if os.path.isdir(root or os.curdir) else []
            if not files:
                yield InputRef(arg, "missing")
            yield from (InputRef(f, "file") for f in files)
        else:
            yield InputRef(arg, "missing")


def _split_pattern(pattern: str) -> tuple[str, tuple[str, ...]]:
    """The folder a glob starts in (no magic in it) and the parts left to match."""
    absolute = pattern.startswith(os.sep)
    parts = [p for p in pattern.split(os.sep) if p]
    i = 0
    while i < len(parts) and not glob.has_magic(parts[i]):
        i += 1
    root = os.sep.join(parts[:i])
    if absolute:
        root = os.sep + root
    return root, tuple(parts[i:])


def _walk(root: str, parts: tuple[str, ...]) -> list[str]:
    """Files under ``root`` that match the glob ``parts`` (all of them when empty).

    Breadth first, so that of two names for one file (one through a link) the
    shallower is kept. Returns paths sorted, each real file once.
    """
    queue: deque[tuple[str, tuple[str, ...], frozenset[str]]] = deque()
    queue.append((root, parts or _EVERYTHING, frozenset()))
    visited: set[tuple[str, tuple[str, ...]]] = set()
    files: dict[str, str] = {}  # real path -> the name it was found by
    while queue:
        folder, rest, above = queue.popleft()
        real = os.path.realpath(folder or os.curdir)
        if (real, rest) in visited:
            continue  # reached by another name, and walked for this pattern already
        visited.add((real, rest))
        above = above | {real}  # this folder and those it was reached through
        head, tail = rest[0], rest[1:]
        if head == "**":
            queue.append((folder, tail or _EVERYTHING[1:], above))
        for entry in _entries(folder):
            if not _matches(entry.name, "*" if head == "**" else head):
                continue
            path = os.path.join(folder, entry.name)
            try:
                is_dir = entry.is_dir()
                is_file = not is_dir and entry.is_file()
            except OSError:
                continue
            if is_dir and os.path.realpath(path) in above:
                continue  # a link back to a folder on this path: a loop
            if head == "**":
                if is_dir:
                    queue.append((path, rest, above))
            elif is_dir:
                queue.append((path, tail or _EVERYTHING, above))
            elif is_file and not tail:
                files.setdefault(os.path.realpath(path), path)
    return sorted(files.values())


def _entries(folder: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder or os.curdir) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError:  # unreadable, or gone since it was listed
        return []


def _matches(name: str, pattern: str) -> bool:
    # As glob: a wildcard does not match a hidden name unless the pattern starts
    # with a dot; case-sensitive on every system, as paths on Linux are.
    if name.startswith(".") and not pattern.startswith("."):
        return False
    return fnmatch.fnmatchcase(name, pattern)
