"""`deskbot` (also `python -m bot`): serve, migrate, import staff and customers, load demo data."""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from bot import texts
from bot.errors import ConfigError, UserError
from bot.settings import Settings, load_settings
from storage.models.people import Purpose

DEMO_DIR = Path(__file__).parent / "demo"
DEMO_CHATS = [(Purpose.HOTLINE, "热线服务群"), (Purpose.MANAGERS, "服务经理群"),
              (Purpose.SUPERVISORS, "质量监督群"), (Purpose.HQ, "总部服务发展部")]


def _settings(args: argparse.Namespace) -> Settings:
    named = args.config or os.environ.get("DESKBOT_CONFIG")
    if named and not Path(named).is_file():
        # A file the operator named and we cannot read must not quietly become the defaults.
        raise ConfigError(texts.CLI_NO_CONFIG.format(path=named))
    return load_settings(named or "deskbot.toml")


async def _with_db(settings: Settings, fn):
    from bot import preflight
    from storage.db import close_db, open_db

    await preflight.reachable(settings.database.url)
    await open_db(settings.database.url)
    try:
        return await fn()
    finally:
        await close_db()


def cmd_migrate(args: argparse.Namespace) -> int:
    from bot import preflight
    from storage.db import migrate

    settings = _settings(args)
    preflight.check_reachable(settings.database.url)
    asyncio.run(migrate(settings.database.url))
    print(texts.CLI_MIGRATED.format(url=_safe_url(settings.database.url)))
    return 0


def _safe_url(url: str) -> str:
    from urllib.parse import urlparse

    u = urlparse(url)
    return url.replace(u.password, "***") if u.password else url


def cmd_import(args: argparse.Namespace) -> int:
    from bot.services.directory import imports

    settings = _settings(args)
    path = Path(args.file)
    if not path.exists():
        print(texts.CLI_NO_FILE.format(path=path), file=sys.stderr)
        return 2
    if args.what == "roster":
        from bot.services.roster.spreadsheet import import_roster

        def fn(p):
            return import_roster(p, settings)
    else:
        fn = imports.import_staff if args.what == "staff" else imports.import_customers
    try:
        report = asyncio.run(_with_db(settings, lambda: fn(path)))
    except UserError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(report.summary())
    # The good rows are kept either way; a script must still learn that some were not.
    return 1 if report.errors else 0


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.services.directory import imports
    from storage.models import Chat

    settings = _settings(args)

    async def load() -> str:
        staff = await imports.import_staff(DEMO_DIR / "staff.csv")
        customers = await imports.import_customers(DEMO_DIR / "customers.csv")
        for purpose, name in DEMO_CHATS:
            await Chat.update_or_create(platform="local", chat_key=purpose,
                                        defaults={"purpose": purpose, "name": name})
        return texts.CLI_DEMO.format(staff=staff.summary(), customers=customers.summary(),
                                     chats=len(DEMO_CHATS))

    print(asyncio.run(_with_db(settings, load)))
    return 0


def cmd_chats(args: argparse.Namespace) -> int:
    from bot.calendar import WorkCalendar
    from bot.clock import SystemClock
    from bot.errors import UserError
    from bot.runtime import Runtime
    from bot.services.chats import binding, texts as chat_texts

    settings = _settings(args)

    async def run() -> str:
        if args.action == "list":
            rows = await binding.listing()
            return "\n".join([chat_texts.CHAT_HEAD, *rows]) if rows else chat_texts.NO_CHATS
        purpose = binding.parse_purpose(args.purpose)
        push = (binding.parse_push(args.platform, args.push, args.secret or "")
                if args.push is not None else None)
        env = Runtime(settings=settings, clock=SystemClock(),
                      calendar=WorkCalendar.from_settings(settings))
        chat = await binding.bind(env, "cli", args.platform, args.chat, purpose, push)
        return texts.CLI_BOUND.format(chat=chat.chat_key, platform=chat.platform,
                                           purpose=binding.purpose_name(purpose))

    try:
        print(asyncio.run(_with_db(settings, run)))
    except UserError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from aiohttp import web

    from bot import preflight
    from bot.app import create_app

    settings = _settings(args)
    app = create_app(settings)  # validates every rule table and platform key
    url = settings.database.url
    preflight.check_schema(url)
    if url.startswith("sqlite"):
        preflight.lock_sqlite(url)
    sock = preflight.bind(settings.server.host, settings.server.port)
    from bot import logsetup

    logsetup.configure(settings)
    serving = texts.CLI_SERVING.format(
        url=f"http://{settings.server.host}:{settings.server.port}/sim"
        if settings.simulator.enabled else settings.server.public_url)
    # aiohttp calls `print` once the sites listen and the app has started: only then "已启动".
    web.run_app(app, sock=sock, print=lambda _banner: print(serving, flush=True))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="deskbot", description=texts.CLI_DESCRIPTION)
    parser.add_argument("-c", "--config", help=texts.CLI_CONFIG_HELP)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help=texts.CLI_SERVE_HELP).set_defaults(fn=cmd_serve)
    sub.add_parser("migrate", help=texts.CLI_MIGRATE_HELP).set_defaults(fn=cmd_migrate)
    sub.add_parser("demo-data", help=texts.CLI_DEMO_HELP).set_defaults(fn=cmd_demo)
    for what, help_text in (("staff", texts.CLI_STAFF_HELP), ("customers", texts.CLI_CUSTOMERS_HELP),
                            ("roster", texts.CLI_ROSTER_HELP)):
        p = sub.add_parser(what, help=help_text)
        p.add_argument("action", choices=["import"])
        p.add_argument("file")
        p.set_defaults(fn=cmd_import, what=what)
    chats = sub.add_parser("chats", help=texts.CLI_CHATS_HELP)
    chats_sub = chats.add_subparsers(dest="action", required=True)
    chats_sub.add_parser("list").set_defaults(fn=cmd_chats)
    bind = chats_sub.add_parser("bind")
    bind.add_argument("platform", choices=["wecom_bot", "wecom_app", "dingtalk", "local"])
    bind.add_argument("chat")
    bind.add_argument("purpose")
    bind.add_argument("--push")
    bind.add_argument("--secret")
    bind.set_defaults(fn=cmd_chats)
    args = parser.parse_args(argv)
    try:
        return args.fn(args)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
