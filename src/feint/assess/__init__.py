"""Stage 6, assess: source grades, say-do gaps, timing, competing hypotheses, judgements."""
