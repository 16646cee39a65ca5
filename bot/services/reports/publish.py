"""Making the monthly reports' files and queueing them: texts, PNG charts (kind IMAGE) and the
XLSX registers (kind FILE) through the outbox; the relay's senders upload the files.

Files go under `[reports] dir` (default ./data/reports/), one folder per month, each run's files
under names of their own (a rerun never overwrites what was sent); the outbox keys make each push
happen once.
"""
from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from tortoise.transactions import in_transaction

from bot.messages import FILE, IMAGE, TEXT, OutboundMessage
from bot.services.addressing import purpose_targets, staff_target
from bot.services.outbox import enqueue
from bot.services.reports import charts, kpi, monthly, texts, workbook
from storage.cache import lookup_cache
from storage.models import Staff
from storage.models.people import Purpose

if TYPE_CHECKING:
    from bot.runtime import Runtime


@dataclass
class Generated:
    month: kpi.Month
    report: monthly.MonthReport
    complaint_text: str
    followup_text: str
    category_chart: Path
    compliance_chart: Path
    satisfaction_chart: Path
    workbook: Path

    @property
    def complaint_files(self) -> list[tuple[str, Path, str]]:
        m = self.month.key
        return [(IMAGE, self.category_chart, texts.CAPTION_CATEGORY.format(month=m)),
                (IMAGE, self.compliance_chart, texts.CAPTION_COMPLIANCE.format(month=m)),
                (FILE, self.workbook, texts.CAPTION_WORKBOOK.format(month=m))]

    @property
    def followup_files(self) -> list[tuple[str, Path, str]]:
        return [(IMAGE, self.satisfaction_chart,
                 texts.CAPTION_SATISFACTION.format(month=self.month.key))]


def run_id(env: "Runtime") -> str:
    """Each run's files get names of their own: a rerun must not overwrite the files (and the
    media URLs) an earlier run already sent."""
    return f"{env.calendar.local(env.now()):%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"


async def generate(env: "Runtime", month: kpi.Month) -> Generated:
    r = await monthly.build(env, month)
    folder = (env.settings.reports.dir / month.key).resolve()
    m, run = month.key, run_id(env)
    cat, comp, sat = (folder / f"{name}-{m}-{run}.png" for name in (
        "complaints-by-category", "clock-compliance", "satisfaction"))
    # The charts are drawn in another process while this one writes the workbook.
    drawing = asyncio.ensure_future(charts.draw_in_subprocess(charts.ChartData.of(r), cat, comp,
                                                              sat))
    try:
        xlsx = await workbook.write(r, env.calendar,
                                    folder / texts.WORKBOOK_NAME.format(month=m, run=run))
    finally:
        await drawing
    return Generated(month, r, monthly.render_complaints(env, r),
                     monthly.render_followups(env, r), cat, comp, sat, xlsx)


Target = tuple[str, str, str]  # channel, address, key suffix


async def targets(env: "Runtime", purposes: Iterable[str] = (),
                  staff: Iterable[Staff] = ()) -> list[Target]:
    out: list[Target] = []
    for p in purposes:
        for i, (channel, address) in enumerate(await purpose_targets(p, cache=lookup_cache(env.memo))):
            out.append((channel, address, f"{p}#{i}"))
    for s in staff:
        channel, address = staff_target(env.settings, s)
        out.append((channel, address, f"user:{s.userid}"))
    return out


async def send(env: "Runtime", to: list[Target], key: str, text: str,
               files: list[tuple[str, Path, str]]) -> int:
    """The text, then each file, to every target; each message under its own outbox key."""
    sent = 0
    now = env.now()
    for channel, address, suffix in to:
        sent += await enqueue(OutboundMessage(channel=channel, address=address, kind=TEXT,
                                              text=text), f"{key}:text:{suffix}", now=now,
                              urgent=False)
        for i, (kind, path, caption) in enumerate(files):
            msg = OutboundMessage(channel=channel, address=address, kind=kind, text=caption,
                                  title=caption, file_path=str(path))
            sent += await enqueue(msg, f"{key}:file{i}:{suffix}", now=now, urgent=False)
    return sent


async def _staff(userid: str) -> list[Staff]:
    if not userid:
        return []
    s = await Staff.filter(userid=userid, active=True).first()
    return [s] if s else []


async def publish(env: "Runtime", month: kpi.Month) -> Generated:
    """The scheduled run: the complaint analysis report to the managers and the general manager,
    the follow-up report to the managers and the service manager."""
    cfg = env.settings.reports
    # Outside any transaction: on SQLite a transaction holds the one connection, and drawing
    # would stall every other command for its duration.
    g = await generate(env, month)
    async with in_transaction():
        gm = await _staff(env.settings.center.general_manager)
        await send(env, await targets(env, cfg.monthly_to, gm),
                   f"monthly:{month.key}:complaints", g.complaint_text, g.complaint_files)
        sm = await _staff(cfg.service_manager)
        await send(env, await targets(env, (Purpose.MANAGERS,), sm),
                   f"monthly:{month.key}:followups",
                   g.followup_text, g.followup_files)
    return g


async def send_to_requester(env: "Runtime", actor: Staff, g: Generated) -> int:
    """/月报 on demand: the files and the follow-up report to the person who asked."""
    key = f"monthly-ask:{g.month.key}:{actor.userid}:{env.now().timestamp():.3f}"
    return await send(env, await targets(env, staff=[actor]), key, g.followup_text,
                      g.complaint_files + g.followup_files)
