"""A real `deskbot serve` in a subprocess, for benches that kill and restart it, and the other
`deskbot` commands that set up its database, each with a config file the bench wrote."""
from __future__ import annotations

import asyncio
import datetime as dt
import os
import platform
import shlex
import signal
import socket
import sys
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent


class Bot:
    """A `deskbot serve` subprocess that the bench kills and restarts."""

    def __init__(self, cwd: Path, config: Path, port: int) -> None:
        self.cwd, self.config, self.port = cwd, config, port
        self.log = cwd / "bot.log"
        self.proc: asyncio.subprocess.Process | None = None
        self.up = asyncio.Event()
        self.starts: list[float] = []  # seconds from process start to a healthy /healthz

    async def start(self) -> None:
        began = time.monotonic()
        with self.log.open("a") as log:
            self.proc = proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "-c", str(self.config), "serve", cwd=self.cwd,
                env=clean_env(), stdout=log, stderr=asyncio.subprocess.STDOUT)
        url = f"http://127.0.0.1:{self.port}/healthz"
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http:
            while time.monotonic() - began < 120:
                if proc.returncode is not None:
                    raise RuntimeError(f"deskbot serve exited with {proc.returncode}:\n"
                                       + "\n".join(self.log.read_text().splitlines()[-15:]))
                try:
                    async with http.get(url) as r:
                        if r.status == 200:
                            self.starts.append(time.monotonic() - began)
                            self.up.set()
                            return
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError("deskbot serve did not answer /healthz within 120 s")

    async def kill(self) -> None:
        assert self.proc is not None
        self.up.clear()
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()

    async def stop(self) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        self.proc.terminate()
        try:
            await asyncio.wait_for(self.proc.wait(), 30)
        except asyncio.TimeoutError:
            self.proc.kill()
            await self.proc.wait()


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("DESKBOT_") and k != "DATABASE_URL"}
    env["PYTHONPATH"] = str(ROOT)
    return env


def free_port(preferred: int | None) -> int:
    for port in ([preferred] if preferred else range(18240, 18300)):
        with socket.socket() as s:
            # As the served bot does: a port whose last connections wait in TIME_WAIT (the bot
            # killed a moment ago) is free to listen on again.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise SystemExit("no free port in 18240-18299 (use --port)")


async def deskbot(cwd: Path, config: Path, *args: str) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "-c", str(config), *args, cwd=cwd, env=clean_env(),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"deskbot {' '.join(args)} failed:\n{out.decode()}")


def print_run_header(title: str, script: str, seed: int, details: str) -> None:
    """How a kill bench ran: when, on what, with which figures, and the command that repeats it."""
    print(f"deskbot {title}  {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}  seed {seed}")
    print(f"CPU count {os.cpu_count()}, Python {platform.python_version()}, aiohttp "
          f"{aiohttp.__version__}{details}")
    again = sys.argv[1:] + ([] if "--seed" in sys.argv else ["--seed", str(seed)])
    print("rerun: " + shlex.join([".venv/bin/python", f"bench/{script}", *again]))
