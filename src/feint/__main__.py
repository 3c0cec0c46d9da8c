"""``python -m feint``: the same as the ``feint`` command."""

from __future__ import annotations

from feint.cli.main import main

main()
