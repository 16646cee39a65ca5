"""Program change requests (程序修改申请, R) [002 §5], with their clocks.

    submit   the engineer, after confirming the requirement with the customer, submits it with
             the stamped application (a bug needs the exact steps and the error message); the
             managers review within change_review; the paper owes the archive (request_archive)
    review   a manager approves with an estimated completion (change_estimate runs to it and
             warns the managers when it passes) or refuses with the reason; either way the
             engineer tells the customer within change_tell
    tell     the outcome told: approved -> the developers work; refused -> closed
    develop  the developers' completion recorded (change_estimate met, on time or late)
    test     the applicant tests: passed -> the customer is told within change_tell, then
             closed; failed -> back to the developers with what failed (change_estimate again)
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.durations import humanize
from bot.errors import Forbidden, UsageError, UserError
from bot.services.deadlines import clocks
from bot.services.directory.lookup import find_customer
from bot.services.outbox import notify_purpose, notify_staff
from bot.services.requests import papers, texts
from bot.services.requests.papers import when
from storage.models import Staff
from storage.models.people import Purpose, Role
from storage.models.requests import (
    APPROVED,
    BUG,
    CHANGE,
    CLOSED,
    DEVELOPED,
    DEVELOPING,
    FEATURE,
    OPEN_CHANGE,
    PASSED,
    REFUSED,
    SUBMITTED,
    ChangeRequest,
)

if TYPE_CHECKING:
    from bot.runtime import Runtime

REVIEW, TELL, ESTIMATE = "change_review", "change_tell", "change_estimate"


@dataclass
class NewChange:
    customer: str
    content: str
    kind: str = ""
    steps: str = ""
    error: str = ""
    file_ref: str | None = None
    scan_sent: bool = False  # the scan came with the submitting message
    paper_ref: str | None = None


@dataclass
class Step:
    request: ChangeRequest
    due: datetime | None = None  # the clock the step started: review, telling, archive
    archive_due: datetime | None = None


def parse_kind(word: str) -> str:
    w = word.strip()
    if not w or w in texts.CHG_KIND_FEATURE_WORDS:
        return FEATURE
    if w in texts.CHG_KIND_BUG_WORDS or w.lower() == "bug":
        return BUG
    raise UsageError(texts.CHG_BAD_KIND.format(word=w))


def _ctx(r: ChangeRequest) -> dict:
    return papers.context(r, r.customer.name, texts.CHG_KIND[r.kind])


async def get(number: int) -> ChangeRequest:
    r = await ChangeRequest.filter(id=number).select_related(
        "customer", "applicant", "reviewed_by").first()
    if r is None:
        raise UserError(texts.NOT_FOUND.format(no=f"R{number}"))
    return r


def _require(r: ChangeRequest, *states: str) -> None:
    if r.status not in states:
        raise UserError(texts.WRONG_STATE.format(no=r.number, status=texts.CHG_STATUS[r.status]))


def _require_applicant(r: ChangeRequest, actor: Staff) -> None:
    if actor.id != r.applicant_id and not actor.has_role(Role.MANAGER):
        raise Forbidden(texts.CHG_NOT_APPLICANT.format(no=r.number, who=r.applicant.name))


async def submit(env: "Runtime", actor: Staff, req: NewChange) -> Step:
    content = req.content.strip()
    if not content:
        raise UsageError(texts.CHG_NEEDS_CONTENT)
    kind = parse_kind(req.kind)
    steps, error = req.steps.strip(), req.error.strip()
    if kind == BUG and not (steps and error):
        missing = "、".join(w for w, v in ((texts.CHG_STEPS, steps), (texts.CHG_ERROR, error))
                           if not v)
        raise UsageError(texts.CHG_BUG_NEEDS_DETAIL.format(missing=missing))
    app = await papers.received_application(req.file_ref, req.paper_ref, req.scan_sent)
    customer = await find_customer(req.customer)
    r = await ChangeRequest.create(customer=customer, kind=kind, content=content, steps=steps,
                                   error=error, app_via=app.via, app_ref=app.ref,
                                   applicant=actor, created_at=env.now())
    r.customer, r.applicant = customer, actor
    await papers.event(env, r, actor, "submitted", content)
    await papers.receive(env, r, app, actor)
    row = await clocks.start(env, CHANGE, r.id, REVIEW, tier=customer.tier, context=_ctx(r))
    archive_due = await papers.owe_archive(env, r, app, actor, customer.tier, _ctx(r))
    bug = texts.CHG_BUG_LINES.format(steps=steps, error=error) if kind == BUG else ""
    await notify_purpose(env, Purpose.MANAGERS, texts.CHG_NEW_NOTICE.format(
        no=r.number, customer=customer.name, tier=customer.tier, kind=texts.CHG_KIND[kind],
        content=content[:300], bug=bug, app=papers.describe_application(r), who=actor.name,
        due=when(env, row.due_at)), f"change:{r.id}:new")
    return Step(r, row.due_at, archive_due)


async def review(env: "Runtime", actor: Staff, number: int, approve: bool, *,
                 estimate: datetime | None = None, note: str = "") -> Step:
    r = await get(number)
    _require(r, SUBMITTED)
    note = note.strip()
    now = env.now()
    if approve:
        if estimate is None:
            raise UsageError(texts.CHG_NEEDS_ESTIMATE)
        if estimate <= now:
            raise UserError(texts.CHG_ESTIMATE_PAST)
        await papers.require_application(r, texts.APP_ACTION_APPROVE)
    elif not note:
        raise UsageError(texts.CHG_NEEDS_REASON)
    r.status = APPROVED if approve else REFUSED
    r.reviewed_by, r.reviewed_at, r.estimate, r.review_note = actor, now, estimate, note
    await r.save(update_fields=["status", "reviewed_by_id", "reviewed_at", "estimate",
                                "review_note"])
    await clocks.meet(env, CHANGE, r.id, REVIEW)
    tell = await clocks.start(env, CHANGE, r.id, TELL, owner=r.applicant, tier=r.customer.tier,
                              context=_ctx(r))
    fill = dict(no=r.number, customer=r.customer.name, manager=actor.name, note=note or "-",
                estimate=when(env, estimate), due=when(env, tell.due_at))
    if approve:
        await clocks.start(env, CHANGE, r.id, ESTIMATE, owner=r.applicant, tier=r.customer.tier,
                           context=_ctx(r), due_at=estimate)
        await papers.event(env, r, actor, "approved",
                           f"{when(env, estimate)} {note}".strip())
        text = texts.CHG_APPROVED_NOTICE.format(**fill)
    else:
        await papers.event(env, r, actor, "refused", note)
        text = texts.CHG_REFUSED_NOTICE.format(**fill)
    await notify_staff(env, r.applicant, text, f"change:{r.id}:reviewed")
    return Step(r, tell.due_at)


async def tell(env: "Runtime", actor: Staff, number: int, note: str = "") -> ChangeRequest:
    """The customer told: the review's outcome (approved or refused), or the end."""
    r = await get(number)
    _require(r, APPROVED, REFUSED, PASSED)
    _require_applicant(r, actor)
    if r.status == PASSED:
        await papers.require_application(r, texts.APP_ACTION_CLOSE)
    now = env.now()
    await clocks.meet(env, CHANGE, r.id, TELL)
    if r.status == APPROVED:
        r.status, r.told_at = DEVELOPING, now
        await papers.event(env, r, actor, "told", note.strip())
    else:
        r.status, r.closed_at = CLOSED, now
        r.told_at = r.told_at or now
        await papers.event(env, r, actor, "closed", note.strip())
    await r.save(update_fields=["status", "told_at", "closed_at"])
    return r


async def developed(env: "Runtime", actor: Staff, number: int, note: str = "") -> Step:
    """The developers' completion recorded; the applicant tests next."""
    r = await get(number)
    _require(r, DEVELOPING)
    r.status, r.developed_at = DEVELOPED, env.now()
    await r.save(update_fields=["status", "developed_at"])
    row = await clocks.meet(env, CHANGE, r.id, ESTIMATE)
    await papers.event(env, r, actor, "developed", note.strip())
    await notify_staff(env, r.applicant, texts.CHG_DEVELOPED_NOTICE.format(
        no=r.number, customer=r.customer.name, note=note.strip() or "-"),
        f"change:{r.id}:developed:{r.failed_tests}")
    return Step(r, row.due_at if row else None)


def late_text(r: ChangeRequest) -> str:
    if r.estimate and r.developed_at and r.developed_at > r.estimate:
        return texts.CHG_DEVELOPED_LATE.format(over=humanize(r.developed_at - r.estimate))
    return ""


async def test(env: "Runtime", actor: Staff, number: int, passed: bool, what: str = "") -> Step:
    r = await get(number)
    _require(r, DEVELOPED)
    _require_applicant(r, actor)
    what = what.strip()
    if passed:
        r.status, r.passed_at = PASSED, env.now()
        await r.save(update_fields=["status", "passed_at"])
        await papers.event(env, r, actor, "test_passed", what)
        row = await clocks.start(env, CHANGE, r.id, TELL, owner=r.applicant,
                                 tier=r.customer.tier, context=_ctx(r), restart=True)
        return Step(r, row.due_at)
    if not what:
        raise UsageError(texts.CHG_FAIL_NEEDS_WHAT)
    r.status, r.failed_tests, r.developed_at = DEVELOPING, r.failed_tests + 1, None
    await r.save(update_fields=["status", "failed_tests", "developed_at"])
    await papers.event(env, r, actor, "test_failed", what)
    # Back to the developers: the estimate runs again (and warns at once when it has passed).
    row = await clocks.start(env, CHANGE, r.id, ESTIMATE, owner=r.applicant,
                             tier=r.customer.tier, context=_ctx(r), due_at=r.estimate,
                             restart=True)
    await notify_purpose(env, Purpose.MANAGERS, texts.CHG_FAILED_NOTICE.format(
        no=r.number, customer=r.customer.name, n=r.failed_tests, what=what,
        estimate=when(env, r.estimate)), f"change:{r.id}:failed:{r.failed_tests}")
    return Step(r, row.due_at)


async def open_requests() -> list[ChangeRequest]:
    return await ChangeRequest.filter(status__in=OPEN_CHANGE).select_related(
        "customer", "applicant").order_by("id")
