"""Stage 4, relate: how claims bear on each other (entailment judges for now)."""
