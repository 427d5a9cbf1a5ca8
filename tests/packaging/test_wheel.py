"""The wheel is self-contained: factor sets, templates and examples ship inside it, and the CLI
works from a fresh virtual environment outside the source tree (ARCHITECTURE: packaging)."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=900,
                          check=False)


def test_wheel_installs_and_runs_outside_the_checkout(repo_root: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = _run(sys.executable, "-m", "build", "--wheel", "--outdir", dist, repo_root, cwd=tmp_path)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next(dist.glob("carbonledger-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / "bin"
    installed = _run(bin_dir / "pip", "install", "-q", wheel, cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    verify = _run(bin_dir / "carbonledger", "factors", "verify", cwd=elsewhere)
    assert verify.returncode == 0, verify.stdout[-2000:] + verify.stderr[-2000:]
    assert "match their manifests" in verify.stderr + verify.stdout
    demo = _run(bin_dir / "carbonledger", "demo", "--only", "chongqing_auto_parts", "--out", elsewhere / "out",
                cwd=elsewhere)
    assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-2000:]
    assert (elsewhere / "out" / "chongqing_auto_parts" / "chongqing_inventory.xlsx").is_file()
    # importing carbonledger never imports the optional Brightway stack
    probe = _run(bin_dir / "python", "-c",
                 "import sys, carbonledger.cli; assert not any(m.startswith('bw2') for m in sys.modules)",
                 cwd=elsewhere)
    assert probe.returncode == 0, probe.stderr
