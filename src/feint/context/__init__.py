"""Stage 5, context: what actors did (events) and when the audience decides (decisions)."""

from feint.context.load import ContextReport, load_context

__all__ = ["ContextReport", "load_context"]
