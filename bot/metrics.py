"""What the bot is doing, for Prometheus (`GET /metrics`) and for the log (one line a command).

Counters and histograms are kept in a registry of this app's own (two apps in one process, as in
the tests, never share counts). The outbox, the deadlines and the DingTalk quota are read from the
database when scraped, with grouped counts over indexed columns, so every instance reports the
same truth and nothing is kept in memory that a restart would lose.
"""
from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest
from tortoise.functions import Count, Min

from bot import failures, keys, messages
from bot.dispatcher import ERROR, IGNORED, REFUSED, CommandContext, Next
from bot.errors import UserError
from bot.longconn import STATES
from storage.models import Deadline, OutboxMessage
from storage.models.deadlines import OPEN_STATES
from storage.models.messaging import PENDING

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger("deskbot.command")

ACCEPTED, DUPLICATE, REJECTED, REFUSED_EDGE = "accepted", "duplicate", "rejected", "refused"
_INBOUND_PATHS = {"/wecom/app/callback": messages.WECOM_APP, "/wecom/bot/callback": messages.WECOM_BOT,
                  "/dingtalk/callback": messages.DINGTALK, "/dingtalk/card": messages.DINGTALK}
_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        r = self.registry = CollectorRegistry(auto_describe=True)
        self.inbound = Counter("deskbot_inbound_events", "Inbound requests by platform and result "
                               "(accepted, duplicate, rejected: signed but not understood, "
                               "refused: not signed or too large)", ["platform", "result"],
                               registry=r)
        self.latency = Histogram("deskbot_processing_seconds", "Time to handle one inbound "
                                 "message: parse, command, answer", ["platform"],
                                 buckets=_SECONDS, registry=r)
        self.commands = Counter("deskbot_commands", "Commands by name and outcome",
                                ["command", "outcome"], registry=r)
        self.ticks = Histogram("deskbot_scheduler_tick_seconds", "Run time of scheduler ticks",
                               ["tick"], buckets=_SECONDS, registry=r)
        self.outbox = Gauge("deskbot_outbox_messages", "Outbox rows by channel and state "
                            "(pending, retrying, sent, dead)", ["channel", "state"], registry=r)
        self.overdue = Gauge("deskbot_deadlines_overdue", "Open deadlines past due, by clock",
                             ["clock"], registry=r)
        self.lateness = Gauge("deskbot_deadline_lateness_seconds", "How far past due the most "
                              "overdue open deadline of each clock is", ["clock"], registry=r)
        self.connections = Gauge("deskbot_long_connection_state", "1 for the state each long "
                                 "connection is in (standby, connecting, connected, down, "
                                 "stopped), 0 for the others", ["connection", "state"], registry=r)
        self.quota_used = Gauge("deskbot_dingtalk_api_calls", "DingTalk OpenAPI calls this month",
                                registry=r)
        self.quota_limit = Gauge("deskbot_dingtalk_api_quota", "DingTalk OpenAPI calls allowed a "
                                 "month", registry=r)
        # Read at scrape time: () -> calls this month (set by the app when DingTalk is enabled).
        self.quota_reader: Callable[[], Awaitable[int]] | None = None

    # -- recording ----------------------------------------------------------------------------

    def inbound_result(self, platform: str, fresh: bool) -> None:
        self.inbound.labels(platform, ACCEPTED if fresh else DUPLICATE).inc()

    def connection_state(self, name: str, state: str) -> None:
        for each in STATES:
            self.connections.labels(name, each).set(1 if each == state else 0)

    def tick_took(self, name: str, seconds: float) -> None:
        self.ticks.labels(name).observe(seconds)

    async def command_middleware(self, ctx: CommandContext, nxt: Next) -> None:
        """Count and log every command once, with what it did and how long it took; never the
        text of the message, which may hold phone numbers and customers' names."""
        started = time.perf_counter()
        outcome = ""
        try:
            await nxt(ctx)
        except UserError:
            outcome = REFUSED
            raise
        except Exception:
            outcome = ERROR
            raise
        finally:
            outcome = outcome or ctx.outcome
            ms = (time.perf_counter() - started) * 1000
            if outcome != IGNORED:
                self._log_command(ctx, outcome, ms)

    def _log_command(self, ctx: CommandContext, outcome: str, ms: float) -> None:
        msg = ctx.msg
        name = ctx.command.name if ctx.command else ("action" if msg.action else "-")
        self.commands.labels(name, outcome).inc()
        self.latency.labels(msg.platform).observe(ms / 1000)
        rid = failures.REQUEST_ID.get() or msg.dedupe_key
        log.info("command %s platform=%s outcome=%s ms=%.1f request_id=%s", name, msg.platform,
                 outcome, ms, rid, extra={"request_id": rid, "platform": msg.platform,
                                          "command": name, "outcome": outcome,
                                          "ms": round(ms, 1)})

    # -- scraping -----------------------------------------------------------------------------

    async def refresh(self, env: "Runtime") -> None:
        self.outbox.clear()
        rows = await (OutboxMessage.annotate(n=Count("id")).group_by("channel", "status")
                      .values("channel", "status", "n"))
        for row in rows:
            self.outbox.labels(row["channel"], row["status"]).set(row["n"])
        retrying = await (OutboxMessage.filter(status=PENDING, attempts__gt=0)
                          .annotate(n=Count("id")).group_by("channel").values("channel", "n"))
        for row in retrying:
            self.outbox.labels(row["channel"], "retrying").set(row["n"])
        now = env.now()
        self.overdue.clear()
        self.lateness.clear()
        late = await (Deadline.filter(state__in=OPEN_STATES, due_at__lt=now)
                      .annotate(n=Count("id"), first=Min("due_at")).group_by("clock")
                      .values("clock", "n", "first"))
        for row in late:
            self.overdue.labels(row["clock"]).set(row["n"])
            first = row["first"]
            if first is not None:
                if first.tzinfo is None:
                    first = first.replace(tzinfo=now.tzinfo)
                self.lateness.labels(row["clock"]).set(max(0.0, (now - first).total_seconds()))
        if self.quota_reader is not None:
            self.quota_used.set(await self.quota_reader())
            self.quota_limit.set(env.settings.dingtalk.monthly_quota)

    def render(self) -> bytes:
        return generate_latest(self.registry)


@web.middleware
async def refused_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    """Count the inbound requests the edge turned away before anything was stored."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        _count_refusal(request, exc.status)
        raise
    _count_refusal(request, response.status)
    return response


def _count_refusal(request: web.Request, status: int) -> None:
    platform = _INBOUND_PATHS.get(request.path)
    if platform and request.method == "POST" and status >= 400:
        request.app[keys.METRICS].inbound.labels(platform, REFUSED_EDGE).inc()


async def metrics_view(request: web.Request) -> web.Response:
    metrics = request.app[keys.METRICS]
    await metrics.refresh(request.app[keys.ENV])
    return web.Response(body=metrics.render(),
                        headers={"Content-Type": CONTENT_TYPE_LATEST})
