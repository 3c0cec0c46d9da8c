"""Stage 3, sources: who each source is (kind, count, affiliation, access)."""
