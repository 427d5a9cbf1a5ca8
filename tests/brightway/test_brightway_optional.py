"""The extra stays optional: carbonledger never imports Brightway unless a Brightway feature is
used, and a missing extra gives the install hint. Also the CLI's ``--backend brightway``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("bw2data")

from _door_model import door_tables  # type: ignore[import-not-found]

from carbonledger.errors import OptionalDependencyError
from carbonledger.footprint import build_model, build_system, compute_footprints

pytestmark = pytest.mark.brightway

ROOT = Path(__file__).resolve().parents[2]


def test_core_and_footprints_never_import_brightway() -> None:
    code = (
        "import sys; sys.path.insert(0, 'tests/footprint')\n"
        "import carbonledger, carbonledger.backends.brightway\n"
        "from carbonledger.footprint import build_model, compute_footprints\n"
        "from _door_model import door_tables\n"
        "r = compute_footprints(build_model(**door_tables()))\n"
        "assert abs(r.pcf('DOOR') - 17.5) < 1e-12\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('bw2data', 'bw2calc', 'bw2io', 'bw_processing', 'matrix_utils'))\n"
        "print(loaded)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.fixture
def no_brightway(monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulate an environment without the extra: importing bw2data / bw2calc fails."""
    for name in ("bw2data", "bw2calc"):
        monkeypatch.setitem(sys.modules, name, None)


def test_backend_without_the_extra_names_the_install_command(no_brightway: None) -> None:
    model = build_model(**door_tables())
    with pytest.raises(OptionalDependencyError) as err:
        compute_footprints(model, backend="brightway")
    assert 'pip install "carbonledger[brightway]"' in str(err.value)
    assert "bw2calc" in str(err.value) or "bw2data" in str(err.value)
    assert isinstance(err.value, ImportError)


def test_export_and_links_without_the_extra(no_brightway: None, tmp_path: Path) -> None:
    from carbonledger.backends.brightway import export_system

    with pytest.raises(OptionalDependencyError, match=r"carbonledger\[brightway\]"):
        export_system(build_system(build_model(**door_tables())), base_dir=tmp_path)
    tables = door_tables()
    tables["products"].loc[1, ["source", "brightway_activity"]] = ["brightway", "db|bolt"]
    tables["settings"]["brightway_project"] = "p"
    with pytest.raises(OptionalDependencyError, match="Linking BOM inputs to Brightway activities"):
        compute_footprints(build_model(**tables))


def test_unknown_backend_is_refused() -> None:
    from carbonledger.errors import MethodError

    with pytest.raises(MethodError, match="accepted: carbonledger, brightway"):
        compute_footprints(build_model(**door_tables()), backend="openlca")


def test_cli_backend_brightway(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from carbonledger.cli import app

    model = ROOT / "examples" / "chongqing_brake_assembly" / "model.xlsx"
    runner = CliRunner()
    own = runner.invoke(app, ["footprint", str(model), "--out", str(tmp_path / "own")])
    assert own.exit_code == 0, own.output
    bw = runner.invoke(app, ["footprint", str(model), "--out", str(tmp_path / "bw"), "--backend", "brightway",
                             "--brightway-dir", str(tmp_path / "bwdir"), "--brightway-project", "brakes"])
    assert bw.exit_code == 0, bw.output
    assert "computed by Brightway (bw2calc), project 'brakes'" in bw.output
    a = {p["product_id"]: p["pcf_excluding_uptake"] for p in json.loads((tmp_path / "own" / "footprints.json")
                                                                          .read_text())["products"]}
    b = {p["product_id"]: p["pcf_excluding_uptake"] for p in json.loads((tmp_path / "bw" / "footprints.json")
                                                                          .read_text())["products"]}
    assert a.keys() == b.keys() and len(a) > 3
    for pid, value in a.items():
        assert b[pid] == pytest.approx(value, rel=1e-6, abs=1e-12), pid
    assert (tmp_path / "bwdir" / "projects.db").exists()
