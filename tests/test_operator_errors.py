"""Operator mistakes, run as a real `deskbot serve` / `deskbot migrate` process: each ends with
exactly one Chinese line on stderr and a non-zero exit, never a traceback; and "已启动" is printed
only once the bot answers on its port."""
from __future__ import annotations

import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PG_UP, PG_URL
from tests.deskbot_cli import clean_env, deskbot

CJK = re.compile(r"[\u4e00-\u9fff]")


def config(cwd: Path, name: str, *, url: str, port: int = 0, extra: str = "") -> str:
    (cwd / name).write_text(f'[server]\nport = {port or 1}\n[database]\nurl = "{url}"\n{extra}',
                            encoding="utf-8")
    return name


def assert_refused(proc: subprocess.CompletedProcess, *expected: str) -> str:
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode != 0, proc.stdout
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert CJK.search(lines[0]) and all(e in lines[0] for e in expected), lines[0]
    assert "已启动" not in proc.stdout
    return lines[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """A SQLite database brought up to date by `deskbot migrate`, copied by the tests below."""
    cwd = tmp_path_factory.mktemp("migrated")
    proc = deskbot(cwd, "-c", config(cwd, "m.toml", url="sqlite://m.sqlite3"), "migrate")
    assert proc.returncode == 0 and "已迁移" in proc.stdout, proc.stderr
    return cwd / "m.sqlite3"


def test_missing_config_file_is_refused(tmp_path):
    assert_refused(deskbot(tmp_path, "-c", "nowhere.toml", "serve"), "nowhere.toml")


def test_aes_key_that_is_not_base64_is_refused(tmp_path):
    key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDE-!"
    name = config(tmp_path, "d.toml", url="sqlite://d.sqlite3", extra=(
        f'[wecom]\nenabled = true\ncorp_id = "ww1"\ntoken = "t"\nencoding_aes_key = "{key}"\n'))
    assert_refused(deskbot(tmp_path, "-c", name, "serve"), "wecom.encoding_aes_key", "base64")


def test_unreachable_postgresql_is_refused_by_serve_migrate_and_import(tmp_path):
    name = config(tmp_path, "d.toml", url=f"postgres://postgres@127.0.0.1:{free_port()}/x")
    for command in (["serve"], ["migrate"], ["staff", "import", name]):
        assert_refused(deskbot(tmp_path, "-c", name, *command), "无法连接数据库")


@pytest.mark.skipif(not PG_UP, reason=f"no PostgreSQL reachable at {PG_URL}")
def test_missing_postgresql_database_is_refused(tmp_path):
    base = PG_URL.rsplit("/", 1)[0]
    name = config(tmp_path, "d.toml", url=f"{base}/deskbot_ops_no_such_database")
    for command in ("serve", "migrate"):
        assert_refused(deskbot(tmp_path, "-c", name, command), "deskbot_ops_no_such_database",
                       "不存在")


def test_unmigrated_and_outdated_databases_are_refused(tmp_path, migrated):
    name = config(tmp_path, "d.toml", url="sqlite://fresh.sqlite3")
    assert_refused(deskbot(tmp_path, "-c", name, "serve"), "deskbot migrate")
    assert not (tmp_path / "fresh.sqlite3").exists()  # the check created nothing

    shutil.copy(migrated, tmp_path / "old.sqlite3")
    with sqlite3.connect(tmp_path / "old.sqlite3") as conn:
        # As if migrated by an older release, which lacked the newest migration now installed.
        (newest,) = conn.execute("SELECT max(name) FROM tortoise_migrations").fetchone()
        conn.execute("UPDATE tortoise_migrations SET name = '0000_older_release' "
                     "WHERE name = ?", (newest,))
    name = config(tmp_path, "o.toml", url="sqlite://old.sqlite3")
    assert_refused(deskbot(tmp_path, "-c", name, "serve"), newest, "deskbot migrate")


def test_started_only_when_bound_then_port_and_symlinked_database_refused(tmp_path, migrated):
    shutil.copy(migrated, tmp_path / "live.sqlite3")
    shutil.copy(migrated, tmp_path / "other.sqlite3")
    (tmp_path / "link.sqlite3").symlink_to(tmp_path / "live.sqlite3")
    port = free_port()
    name = config(tmp_path, "live.toml", url="sqlite://live.sqlite3", port=port)
    proc = subprocess.Popen([sys.executable, "-m", "bot", "-c", name, "serve"], cwd=tmp_path,
                            env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    try:
        deadline = time.monotonic() + 60
        line = ""
        while "已启动" not in line and time.monotonic() < deadline and proc.poll() is None:
            line = proc.stdout.readline()
        assert "已启动" in line, line
        # No retry: the line promises that the port answers now.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
            assert r.status == 200

        same_port = config(tmp_path, "port.toml", url="sqlite://other.sqlite3", port=port)
        assert_refused(deskbot(tmp_path, "-c", same_port, "serve"), str(port), "占用")
        via_link = config(tmp_path, "link.toml", url="sqlite://link.sqlite3", port=free_port())
        assert_refused(deskbot(tmp_path, "-c", via_link, "serve"), "另一个 deskbot 实例")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
