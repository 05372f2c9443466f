"""newsmon's Prefect home works on a machine where newsmon never ran."""

import os
import subprocess
import sys
from pathlib import Path

SHOW_HOME = "import os, flows; print(os.environ['PREFECT_HOME'])"


def prefect_home_of(env: dict[str, str]) -> str:
    """PREFECT_HOME as a fresh process sees it after importing flows."""
    done = subprocess.run([sys.executable, "-c", SHOW_HOME], env=env, capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()


def test_importing_flows_creates_the_default_prefect_home_with_its_parents(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_HOME"}
    env["HOME"] = str(tmp_path)
    home = tmp_path / ".newsmon" / "prefect"
    assert prefect_home_of(env) == str(home)
    assert home.is_dir()


def test_a_prefect_home_set_by_the_user_wins_and_is_created_too(tmp_path: Path) -> None:
    mine = tmp_path / "mine" / "deep"
    env = {**os.environ, "HOME": str(tmp_path), "PREFECT_HOME": str(mine)}
    assert prefect_home_of(env) == str(mine)
    assert mine.is_dir()
    assert not (tmp_path / ".newsmon").exists()
