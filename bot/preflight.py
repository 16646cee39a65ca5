"""What `deskbot serve` and `deskbot migrate` check before they start, so that an operator's
mistake ends in one Chinese line and a non-zero exit instead of a traceback, or worse, a bot
that says it started and then fails on every message.

Each check raises ConfigError with the line to print; none of them changes anything, except the
SQLite lock and the listening socket, which `serve` keeps for the life of the process.
"""
from __future__ import annotations

import asyncio
import errno
import fcntl
import pkgutil
import socket
import sqlite3
from pathlib import Path
from typing import Any

from bot import texts
from bot.errors import ConfigError

CONNECT_TIMEOUT_S = 5.0
APP_LABEL = "models"  # the Tortoise app whose migrations storage/migrations holds


def _credentials(url: str) -> dict[str, Any]:
    from tortoise.backends.base.config_generator import expand_db_url

    # Not storage.db.tortoise_config: that creates the SQLite directory, and a check creates nothing.
    return expand_db_url(url)["credentials"]


def sqlite_path(url: str) -> Path:
    return Path(_credentials(url)["file_path"])


def disk_migrations() -> set[str]:
    import storage.migrations

    return {m.name for m in pkgutil.iter_modules(storage.migrations.__path__)
            if not m.name.startswith("_")}


def _connect_problem(exc: BaseException, where: str, host: str) -> str:
    import asyncpg

    if isinstance(exc, socket.gaierror):
        reason = texts.CLI_DB_NO_HOST.format(host=host)
    elif isinstance(exc, ConnectionRefusedError):
        reason = texts.CLI_DB_REFUSED_CONN
    elif isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
        reason = texts.CLI_DB_TIMEOUT.format(seconds=int(CONNECT_TIMEOUT_S))
    elif isinstance(exc, asyncpg.PostgresError):
        reason = texts.CLI_DB_LOGIN.format(problem=str(exc).splitlines()[0])
    else:
        reason = str(getattr(exc, "strerror", None) or exc).splitlines()[0]
    return texts.CLI_DB_UNREACHABLE.format(where=where, reason=reason)


async def _pg_applied(url: str) -> set[str] | None:
    """The migrations PostgreSQL has applied (None: never migrated); raises ConfigError when the
    server cannot be reached or the database does not exist."""
    import asyncpg

    cred = _credentials(url)
    host, port, name = cred.get("host") or "127.0.0.1", int(cred.get("port") or 5432), \
        cred.get("database") or ""
    where = f"{host}:{port}/{name}"
    try:
        conn = await asyncpg.connect(host=host, port=port, user=cred.get("user"),
                                     password=cred.get("password"), database=name,
                                     timeout=CONNECT_TIMEOUT_S)
    except asyncpg.InvalidCatalogNameError:
        raise ConfigError(texts.CLI_DB_MISSING.format(name=name, where=f"{host}:{port}")) from None
    except (OSError, asyncio.TimeoutError, asyncpg.PostgresError,
            asyncpg.InterfaceError) as exc:
        raise ConfigError(_connect_problem(exc, where, host)) from None
    try:
        rows = await conn.fetch("SELECT name FROM tortoise_migrations WHERE app = $1", APP_LABEL)
    except asyncpg.UndefinedTableError:
        return None
    finally:
        await conn.close()
    return {r["name"] for r in rows}


def _sqlite_applied(url: str) -> set[str] | None:
    path = sqlite_path(url)
    if not path.exists():
        return None
    try:
        # Read-only: the check must not create the file or take a write lock on a live database.
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            rows = conn.execute("SELECT name FROM tortoise_migrations WHERE app = ?",
                                (APP_LABEL,)).fetchall()
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise ConfigError(texts.CLI_SQLITE_UNREADABLE.format(path=path, reason=exc)) from None
    except sqlite3.DatabaseError as exc:
        raise ConfigError(texts.CLI_SQLITE_UNREADABLE.format(path=path, reason=exc)) from None
    return {r[0] for r in rows}


async def reachable(url: str) -> None:
    """PostgreSQL answers and the database exists (what `migrate` and the imports need)."""
    if not url.startswith("sqlite"):
        await _pg_applied(url)


def check_reachable(url: str) -> None:
    asyncio.run(reachable(url))


def check_schema(url: str) -> None:
    """The database is reachable and has every migration on disk applied (what `serve` needs).
    One small query: the bot must not start on tables it would fail on at the first message."""
    applied = _sqlite_applied(url) if url.startswith("sqlite") else asyncio.run(_pg_applied(url))
    if not applied:
        raise ConfigError(texts.CLI_DB_NOT_MIGRATED)
    missing = sorted(disk_migrations() - applied)
    if missing:
        raise ConfigError(texts.CLI_DB_OUTDATED.format(missing="、".join(missing)))


_held: list = []  # open handles whose locks last as long as the process


def lock_sqlite(url: str) -> None:
    """SQLite serves one instance: a second one would double every reminder. The lock sits next
    to the real file, symlinks resolved, so a second path to the same file finds it taken."""
    path = Path(str(sqlite_path(url).resolve()) + ".lock")
    handle = path.open("w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise ConfigError(texts.CLI_SECOND_INSTANCE.format(path=path)) from None
    _held.append(handle)


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything else starts, so a taken port stops the start
    with one line and "已启动" can follow the bind."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise ConfigError(texts.CLI_BAD_HOST.format(host=host)) from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(1024)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(texts.CLI_PORT_IN_USE.format(host=host, port=port)) from None
        raise ConfigError(texts.CLI_CANNOT_LISTEN.format(host=host, port=port,
                                                         reason=exc.strerror or exc)) from None
    sock.setblocking(False)
    return sock
