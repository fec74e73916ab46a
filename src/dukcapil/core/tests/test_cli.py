import subprocess
import sys
from pathlib import Path

import pytest

from dukcapil import cli


def test_dukcapil_command_maps_dashes_to_management_commands(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["seed-population", "--help"])
    assert e.value.code == 0
    assert "--residents" in capsys.readouterr().out


def test_dukcapil_console_script_is_installed_in_the_venv():
    script = Path(sys.executable).with_name("dukcapil")
    assert script.exists()
    out = subprocess.run(  # noqa: S603
        [str(script), "help", "serve"], capture_output=True, text=True, check=True
    ).stdout
    assert "--port" in out
