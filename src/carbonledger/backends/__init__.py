"""Optional calculation backends.

Each backend lives in its own subpackage and imports its third-party packages only inside
the functions that need them, so ``import carbonledger`` never loads them. A backend feature
used without its extra raises :class:`~carbonledger.errors.OptionalDependencyError` with the
install hint (``pip install "carbonledger[brightway]"``).
"""
