"""The app factory: every resource wired explicitly, started and stopped in cleanup_ctx order."""
from __future__ import annotations

import logging
import re
import uuid
from functools import partial
from typing import AsyncIterator

import aiohttp
from aiohttp import web

from bot import failures, keys, texts
from bot.calendar import WorkCalendar
from bot.clock import Clock, SystemClock
from bot.dispatcher import Dispatcher
from bot.longconn import Connection, Supervisor
from bot.metrics import Metrics, metrics_view, refused_middleware
from bot.pipeline import Pipeline
from bot.platforms import dingtalk, dingtalk_stream, local, wecom, wecom_ws
from bot.runtime import Runtime
from bot.scheduler import Scheduler
from bot.services import outbox
from bot.services.knowledge import library
from bot.settings import Settings
from commands import all_routers, attachments, chats
from notifiers import media
from notifiers.quota import DingTalkQuota, QuotaRateLimiter
from notifiers.relay import Relay
from notifiers.senders.base import Sender
from storage.db import close_db, connection, open_db

log = logging.getLogger("deskbot.app")


_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


@web.middleware
async def request_id_middleware(request: web.Request, handler):
    # A caller's id is kept only when it is safe to log, store and echo in a header.
    given = request.headers.get("X-Request-Id", "")
    request[keys.REQUEST_ID] = rid = given if _REQUEST_ID.fullmatch(given) else failures.new_ref()
    # Also for the pipeline, which stores it with the event, and for the error path.
    token = failures.REQUEST_ID.set(rid)
    try:
        response = await handler(request)
    finally:
        failures.REQUEST_ID.reset(token)
    response.headers["X-Request-Id"] = request[keys.REQUEST_ID]
    return response


def create_app(settings: Settings, *, clock: Clock | None = None,
               senders: dict[str, Sender] | None = None, run_background: bool = True,
               open_database: bool = True) -> web.Application:
    """Build the bot. `senders` replaces the platform senders (tests); `run_background=False`
    leaves the relay loop and the scheduler stopped so tests drive them by hand."""
    app = web.Application(client_max_size=settings.server.max_body_bytes,
                          middlewares=[request_id_middleware, refused_middleware])
    clock = clock or SystemClock()
    calendar = WorkCalendar.from_settings(settings)
    app[keys.SETTINGS] = settings
    app[keys.CLOCK] = clock
    app[keys.CALENDAR] = calendar
    env = Runtime(settings=settings, clock=clock, calendar=calendar)
    app[keys.ENV] = env
    app[keys.RUN_BACKGROUND] = run_background
    app[keys.METRICS] = metrics = Metrics()
    app[keys.QUOTA] = quota = DingTalkQuota(settings, clock, partial(outbox.notify_admins, env))
    if settings.dingtalk.enabled:
        metrics.quota_reader = quota.used
    if wecom_ws.wanted(settings):
        # Before the relay: its sender writes through this connection.
        app[keys.WECOM_WS] = wecom_ws.RobotConnection(app)

    async def database(app: web.Application) -> AsyncIterator[None]:
        if open_database:
            await open_db(settings.database.url)
        yield
        if open_database:
            await close_db()

    async def http_session(app: web.Application) -> AsyncIterator[None]:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as session:
            app[keys.HTTP] = session
            yield

    async def relay(app: web.Application) -> AsyncIterator[None]:
        all_senders = senders if senders is not None else _platform_senders(app)
        relay = Relay(settings, clock, all_senders, owner=f"relay-{uuid.uuid4().hex[:6]}",
                      calendar=calendar, notify_admins=partial(outbox.notify_admins, env),
                      limiter=QuotaRateLimiter(quota) if settings.dingtalk.enabled else None,
                      on_error=lambda kind, exc: report_error(env, kind, texts.RELAY_FAILED, exc))
        app[keys.RELAY] = relay
        env.wake_relay = relay.wake
        env.fetch_media = media.build(settings, app[keys.HTTP], all_senders, clock, quota).fetch
        if run_background:
            await relay.start()
        yield
        await relay.stop()

    async def pipeline(app: web.Application) -> AsyncIterator[None]:
        dispatcher = Dispatcher(env, all_routers(), outer=[
            metrics.command_middleware, attachments.keep_attachments, chats.register_chats])
        app[keys.DISPATCHER] = dispatcher
        app[keys.PIPELINE] = pipe = Pipeline(env, dispatcher,
                                             batch_ms=settings.database.inbound_batch_ms,
                                             batch_max=settings.database.inbound_batch_max)
        # jieba's dictionary takes a second to load: do it before the first /建单 needs it.
        await library.ready()
        await pipe.start()
        yield
        await pipe.stop()

    async def scheduler(app: web.Application) -> AsyncIterator[None]:
        sched = Scheduler(env, on_error=lambda name, exc: report_error(
            env, f"job:{name}:{type(exc).__name__}", texts.JOB_FAILED, exc, name=name))
        sched.on_tick = metrics.tick_took
        app[keys.SCHEDULER] = sched
        from bot import jobs
        jobs.register(sched, env)
        if run_background:
            sched.start()
        yield
        await sched.stop()

    async def long_connections(app: web.Application) -> AsyncIterator[None]:
        # After the pipeline: a connection hands what it receives to it.
        async def alert(text: str, key: str) -> None:
            await outbox.notify_admins(env, text, key)
            env.wake_relay()

        sups = [Supervisor(conn, settings.long_connection, alert=alert,
                           on_state=metrics.connection_state)
                for conn in _long_connections(app)]
        app[keys.LONG_CONNECTIONS] = sups
        if run_background:
            for sup in sups:
                await sup.start()
        yield
        for sup in sups:
            await sup.stop()

    app.cleanup_ctx.extend([database, http_session, relay, pipeline, scheduler, long_connections])
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_view)
    local.setup_routes(app)
    wecom.setup_routes(app)
    dingtalk.setup_routes(app)
    return app


async def report_error(env: Runtime, kind: str, notice: str, exc: BaseException,
                       **fields: str) -> None:
    """A job's or the relay's unexpected error, on the one error path; the admins' notice leaves
    through the outbox, so the relay is rung."""
    ref = failures.current_ref()
    notice = notice.format(ref=ref, error=failures.describe(exc)[:300], **fields)
    await failures.report(env, kind, notice, exc, ref)
    env.wake_relay()


def _long_connections(app: web.Application) -> list[Connection]:
    """The long connections the settings ask for (WeCom robot, DingTalk stream); none by default."""
    conns: list[Connection] = []
    if app[keys.SETTINGS].dingtalk.enabled:
        conns.extend(dingtalk_stream.connections(app))
    if keys.WECOM_WS in app:
        conns.append(app[keys.WECOM_WS])
    return conns


def _platform_senders(app: web.Application) -> dict[str, Sender]:
    from notifiers.senders import registry

    return registry.build(app[keys.SETTINGS], app[keys.HTTP], app[keys.CLOCK],
                          app.get(keys.SIMULATOR), app[keys.QUOTA], app.get(keys.WECOM_WS))


async def healthz(request: web.Request) -> web.Response:

    app = request.app
    db_ok = True
    try:
        await connection().execute_query("SELECT 1")
    except Exception:  # noqa: BLE001 - health reports, never raises
        db_ok = False
    relay = app.get(keys.RELAY)
    relay_ok = bool(relay and relay.running)
    ok = db_ok and (relay_ok or not request.app.get(keys.RUN_BACKGROUND, True))
    body: dict = {"ok": ok, "database": db_ok, "relay": relay_ok}
    if db_ok and app[keys.SETTINGS].dingtalk.enabled:
        body["dingtalk_quota"] = await app[keys.QUOTA].status()
    return web.json_response(body, status=200 if ok else 503)
