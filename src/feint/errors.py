"""Every error feint raises on purpose, in one place.

Each message says what happened, the likely cause and the fix, so that the CLI can
print it as it is (spaCy's error catalogue and sqlite-utils' narrow classes are the
models). Library code raises these; only ``feint.cli`` turns them into exit codes.
"""

from __future__ import annotations


class FeintError(Exception):
    """Base class: anything feint reports to the user as a plain message."""


class UsageError(FeintError):
    """The command was asked for something it cannot do (exit status 2)."""


class ConfigError(UsageError):
    """A configuration file or option is invalid."""


class StoreError(FeintError):
    """The DuckDB store cannot be opened or used."""


class StoreNotFoundError(StoreError):
    """A read-only command was pointed at a store file that does not exist."""

    def __init__(self, path: str) -> None:
        super().__init__(
            f"No feint store at {path!r}. Create one with 'feint ingest PATH --db {path}', "
            "or pass the right file with --db."
        )
        self.path = path


class SchemaVersionError(StoreError):
    """The store was written by a newer feint than this one."""


class ReadOnlyQueryError(StoreError):
    """A query tried to change the store through the read-only query command."""


class QueryError(StoreError):
    """SQL given to ``feint query`` failed."""


class InputRejected(FeintError):
    """One input item cannot become a document; the message is the stored reason.

    Raised inside ingest readers and caught per item: it never stops a batch.
    """


class ModelNotFoundError(UsageError):
    """A spaCy pipeline or model path given to feint cannot be loaded."""


class RayUnavailableError(UsageError):
    """``--ray`` was given, but Ray is not installed or its cluster cannot be reached."""


class RayWorkError(FeintError):
    """A part of the work sent to Ray failed on every try (its workers kept dying)."""
