"""Ingest against hostile or broken inputs: each becomes a rejected row that says why,
or is read the way a user means, never a crash, a silent loss or a junk document.

Every input is written here at test time.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from feint.config import IngestOptions
from feint.ingest.inputs import InputRef, expand_inputs
from feint.ingest.readers import read_ref
from feint.ingest.records import Item
from feint.store import Store


def _read(path: Path) -> list[Item]:
    return list(read_ref(InputRef(str(path), "file"), IngestOptions()))


def _rows(store: Store) -> list[dict[str, object]]:
    return store.query(
        "SELECT source_path, status, reason, text, title FROM documents ORDER BY source_path"
    ).records()


# -- item 6: globs and symlink loops ---------------------------------------------------


@pytest.mark.parametrize("pattern", ["g/**", "g/**/*.txt", "g/*", "**/*.txt"])
def test_a_glob_through_a_symlink_loop_yields_each_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pattern: str
) -> None:
    folder = tmp_path / "g"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text("words", "utf-8")
    (folder / "up").symlink_to(tmp_path, target_is_directory=True)  # g/up/g/up/g/...
    monkeypatch.chdir(tmp_path)
    refs = list(expand_inputs([pattern]))
    assert [r.name for r in refs] == ["g/a.txt", "g/b.txt", "g/c.txt"]
    assert {r.kind for r in refs} == {"file"}


def test_two_loops_do_not_multiply(tmp_path: Path) -> None:
    # Python's glob walks each loop up to the kernel's 40-link limit: with two loops
    # that is 2**40 paths, so this test never ends on a glob that follows them.
    folder = tmp_path / "g"
    folder.mkdir()
    (folder / "a.txt").write_text("words", "utf-8")
    (folder / "self").symlink_to(folder, target_is_directory=True)
    (folder / "again").symlink_to(folder, target_is_directory=True)
    assert [r.name for r in expand_inputs([f"{folder}/**/*.txt"])] == [f"{folder}/a.txt"]


def test_an_absolute_glob_and_a_folder_through_loops_agree(tmp_path: Path) -> None:
    folder = tmp_path / "g"
    (folder / "sub").mkdir(parents=True)
    for name in ("a.txt", "sub/b.txt", "sub/c.txt"):
        (folder / name).write_text("words", "utf-8")
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "same.txt").symlink_to(folder / "a.txt")  # one file, two names
    as_glob = [r.name for r in expand_inputs([f"{folder}/**"])]
    as_folder = [r.name for r in expand_inputs([str(folder)])]
    expected = [f"{folder}/a.txt", f"{folder}/sub/b.txt", f"{folder}/sub/c.txt"]
    assert as_glob == expected and as_folder == expected


def test_a_glob_follows_a_directory_link_that_is_no_loop(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.html").write_text("<p>x</p>", "utf-8")
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "2024").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "news" / ".hidden.html").write_text("<p>x</p>", "utf-8")
    refs = list(expand_inputs([f"{tmp_path}/news/**/*.html"]))
    assert [r.name for r in refs] == [f"{tmp_path}/news/2024/x.html"]
    assert [r.kind for r in expand_inputs([f"{tmp_path}/nothing/**"])] == ["missing"]
