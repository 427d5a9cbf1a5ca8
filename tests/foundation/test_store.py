"""Factor store: discovery, loading with hash verification, tamper detection, rebuild."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from carbonledger.errors import FactorIntegrityError, FactorSetError
from carbonledger.factors.importers import importer_modules
from carbonledger.factors.importers._base import rebuild_matches
from carbonledger.factors.store import FactorStore


def _copy_set(factors_root: Path, tmp_path: Path, set_id: str) -> Path:
    shutil.copytree(factors_root / set_id, tmp_path / set_id)
    return tmp_path


def test_shipped_sets_verify(factors_root: Path) -> None:
    store = FactorStore([factors_root], include_bundled=False, include_env=False)
    results = store.verify()
    assert results, "no factor sets found"
    assert all(r.ok for r in results), [r for r in results if not r.ok]


def test_tampered_tidy_table_is_detected_and_named(factors_root: Path, tmp_path: Path) -> None:
    root = _copy_set(factors_root, tmp_path, "ipcc-gwp")
    table = root / "ipcc-gwp" / "0.13.2" / "gwp.csv"
    text = table.read_text(encoding="utf-8").replace("CH4,25,28,27.9", "CH4,25,28,29.9")
    table.write_text(text, encoding="utf-8")
    store = FactorStore([root], include_bundled=False, include_env=False)
    with pytest.raises(FactorIntegrityError) as info:
        store.load("ipcc-gwp-0.13.2")
    assert str(table) in str(info.value)
    bad = [r for r in store.verify() if not r.ok]
    assert [Path(r.path).name for r in bad] == ["gwp.csv"]


def test_tampered_original_is_detected(factors_root: Path, tmp_path: Path) -> None:
    root = _copy_set(factors_root, tmp_path, "ipcc-gwp")
    original = root / "ipcc-gwp" / "0.13.2" / "original" / "globalwarmingpotentials.csv"
    original.write_bytes(original.read_bytes() + b"\n")
    store = FactorStore([root], include_bundled=False, include_env=False)
    with pytest.raises(FactorIntegrityError, match=r"globalwarmingpotentials\.csv"):
        store.load("ipcc-gwp")


def test_missing_file_is_reported(factors_root: Path, tmp_path: Path) -> None:
    root = _copy_set(factors_root, tmp_path, "ipcc-gwp")
    (root / "ipcc-gwp" / "0.13.2" / "blends.csv").unlink()
    store = FactorStore([root], include_bundled=False, include_env=False)
    assert any(r.message == "missing file" for r in store.verify())


def test_edition_references(factors_root: Path) -> None:
    store = FactorStore([factors_root], include_bundled=False, include_env=False)
    assert store.resolve_ref("ipcc-gwp") == ["ipcc-gwp-0.13.2"]
    assert store.resolve_ref("ipcc-gwp@0.13.2") == ["ipcc-gwp-0.13.2"]
    with pytest.raises(FactorSetError, match="unknown factor set"):
        store.resolve_ref("no-such-set")


def test_invalid_manifest_names_the_file(factors_root: Path, tmp_path: Path) -> None:
    root = _copy_set(factors_root, tmp_path, "ipcc-gwp")
    manifest = root / "ipcc-gwp" / "0.13.2" / "manifest.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace('confidence = "high"', ""), encoding="utf-8"
    )
    with pytest.raises(FactorSetError, match=r"manifest\.toml"):
        FactorStore([root], include_bundled=False, include_env=False)


def test_every_shipped_set_rebuilds_byte_identically_from_its_originals(factors_root: Path) -> None:
    modules = importer_modules()
    checked = []
    editions = []
    for set_dir in sorted(p for p in factors_root.iterdir() if p.is_dir()):
        module = modules.get(set_dir.name)
        assert module is not None, f"factor set {set_dir.name} has no importer"
        for edition in sorted(p.name for p in set_dir.iterdir() if p.is_dir()):
            editions.append((set_dir.name, edition))
            result = rebuild_matches(module, edition, factors_root)
            assert all(result.values()), (set_dir.name, edition, result)
            checked.append((set_dir.name, edition))
    assert checked == editions and len(checked) >= 24
