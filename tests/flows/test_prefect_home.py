"""newsmon's default Prefect home works on a machine where newsmon never ran."""

import os
import subprocess
import sys


def test_importing_flows_creates_the_default_prefect_home_with_its_parents(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_HOME"}
    env["HOME"] = str(tmp_path)
    code = "import os, flows; print(os.environ['PREFECT_HOME'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    home = tmp_path / ".newsmon" / "prefect"
    assert out.stdout.strip() == str(home)
    assert home.is_dir()


def test_a_prefect_home_set_by_the_user_wins(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "PREFECT_HOME": str(tmp_path / "mine" / "deep")}
    code = "import os, flows; print(os.environ['PREFECT_HOME'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(tmp_path / "mine" / "deep")
    assert not (tmp_path / ".newsmon").exists()
