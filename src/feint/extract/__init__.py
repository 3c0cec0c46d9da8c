"""Stage 2, extract: attributions (source, cue, content, conduit, time) from text."""
