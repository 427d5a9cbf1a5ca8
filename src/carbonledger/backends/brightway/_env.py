"""Importing Brightway lazily and working inside ONE Brightway base directory.

Brightway keeps process-global state: ``bw2data`` reads ``BRIGHTWAY2_DIR`` once, when it is
imported (``bw2data/project.py::_get_base_directories``; ``import bw2calc`` imports bw2data
too), and one project is current per process. :func:`session` therefore

* imports bw2data and bw2calc on first use only, with ``BRIGHTWAY2_DIR`` pointing at the
  requested directory (so nothing is created in ``~/.local/share/Brightway3``) and
  ``BRIGHTWAY_NO_STRUCTLOG=1`` (bw2data then logs through the standard ``logging`` module,
  whose handler is bound to ``sys.stderr`` here: Brightway's messages never reach stdout);
  both variables are restored right after the import;
* switches to the requested base directory (``projects.change_base_directories``) and
  project, and switches back to the previous ones when it ends;
* while carbonledger writes, points :data:`tempfile.tempdir` inside the base directory
  (bw2data writes its metadata files atomically through temporary files), and restores it.

Nothing here opens a network connection: bw2data and bw2calc read and write local files only
(``docs/brightway-notes.md``: checked in a network namespace without network and under
strace). ``bw2io.bw2setup()`` and the downloading importers are never called.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carbonledger.errors import InputError, OptionalDependencyError, Problem

__all__ = ["EXTRA", "Session", "require", "session"]

EXTRA = "brightway"
_ENV_KEYS = ("BRIGHTWAY2_DIR", "BRIGHTWAY_NO_STRUCTLOG")


def require(feature: str, base_dir: Path | None = None) -> tuple[Any, Any]:
    """``(bw2data, bw2calc)``, imported on first use.

    ``base_dir`` is the Brightway base directory to import bw2data with when it is not imported
    yet (``None``: bw2data's own default, ``BRIGHTWAY2_DIR`` or the user data directory).
    Raises :class:`OptionalDependencyError` naming the missing package and the extra.
    """
    first = "bw2data" not in sys.modules
    saved = {k: os.environ.get(k) for k in _ENV_KEYS}
    if first:
        if base_dir is not None:
            base_dir.mkdir(parents=True, exist_ok=True)
            os.environ["BRIGHTWAY2_DIR"] = str(base_dir)
        os.environ.setdefault("BRIGHTWAY_NO_STRUCTLOG", "1")
    try:
        with contextlib.redirect_stdout(sys.stderr), warnings.catch_warnings():
            # bw2calc warns at import when no fast solver (pypardiso) is installed
            warnings.simplefilter("ignore")
            import bw2calc
            import bw2data
    except ImportError as exc:
        missing = exc.name or "bw2data"
        raise OptionalDependencyError(feature, EXTRA, missing) from exc
    finally:
        if first:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    if first:
        logging.getLogger("brightway-stdout-feedback").setLevel(logging.WARNING)
    return bw2data, bw2calc


@dataclass
class Session:
    """The Brightway modules and where they point during a :func:`session`."""

    bd: Any
    bc: Any
    base_dir: Path
    project: str


def default_base_dir(bd: Any) -> Path:
    """The base directory bw2data uses when none is given (``BRIGHTWAY2_DIR`` or the user data dir)."""
    data_dir, _logs = bd.projects._get_base_directories()
    return Path(data_dir)


@contextlib.contextmanager
def session(base_dir: str | Path | None, project: str, *, feature: str, create: bool,
            writes: bool = False) -> Iterator[Session]:
    """Brightway switched to ``base_dir`` and ``project`` for the duration of the block.

    ``create=False``: the project must exist (an :class:`InputError` lists the projects there).
    ``writes=True``: temporary files go to ``base_dir/tmp`` (removed afterwards when empty).
    """
    wanted = Path(base_dir).expanduser().absolute() if base_dir is not None else None
    bd, bc = require(feature, wanted)
    projects = bd.projects
    previous = (Path(projects._base_data_dir), Path(projects._base_logs_dir), projects.current)
    target = wanted or default_base_dir(bd)
    if not target.is_dir():
        raise InputError([Problem(f"Brightway directory {str(target)!r} does not exist", field="brightway_dir",
                                  accepted="an existing directory holding Brightway projects")])
    switched = previous[0].absolute() != target.absolute()
    old_tmp = tempfile.tempdir
    tmp = target / "tmp"
    try:
        if not create:
            known = _projects_in(target) if switched else sorted(p.name for p in projects)
            if project not in known:
                raise _no_project(project, target, known)
        if switched:
            logs = target / "logs"
            logs.mkdir(exist_ok=True)
            with contextlib.redirect_stdout(sys.stderr):
                projects.change_base_directories(target, base_logs_dir=logs, project_name=project, update=False)
        if writes:
            tmp.mkdir(exist_ok=True)
            tempfile.tempdir = str(tmp)
        with contextlib.redirect_stdout(sys.stderr):
            projects.set_current(project, update=False)
        yield Session(bd=bd, bc=bc, base_dir=target, project=project)
    finally:
        tempfile.tempdir = old_tmp
        if writes:
            with contextlib.suppress(OSError):
                tmp.rmdir()
        with contextlib.redirect_stdout(sys.stderr), contextlib.suppress(Exception):
            if switched and previous[0].is_dir():
                projects.change_base_directories(previous[0], base_logs_dir=previous[1], project_name=previous[2],
                                                 update=False)
            elif not switched and previous[2] in projects:
                projects.set_current(previous[2], update=False)


def _projects_in(base: Path) -> list[str]:
    """Project names in a base directory, read from its ``projects.db`` without creating anything."""
    import sqlite3

    path = base / "projects.db"
    if not path.exists():
        return []
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
            return sorted(str(r[0]) for r in con.execute("SELECT name FROM projectdataset"))
    except sqlite3.Error:
        return []


def _no_project(project: str, base: Path, known: list[str]) -> InputError:
    return InputError([Problem(f"no Brightway project {project!r} in {base}", field="brightway_project",
                               value=project, accepted=", ".join(known) if known else
                               "the name of an existing project (brightway_dir points at its base directory)")])
