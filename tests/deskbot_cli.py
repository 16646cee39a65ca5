"""Run the `deskbot` CLI as an operator would: a real process, in a directory of the test's own."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def clean_env() -> dict[str, str]:
    # The test's own environment must not configure the bot under test.
    return {k: v for k, v in os.environ.items()
            if not k.startswith("DESKBOT_") and k != "DATABASE_URL"}


def deskbot(cwd: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, env=clean_env(),
                          capture_output=True, text=True, timeout=timeout)
