"""The month's change and sensitive requests, counted for the monthly report."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services.requests import texts
from storage.models import Deadline
from storage.models.requests import (
    APPROVED,
    BUG,
    CHANGE,
    CLOSED,
    DONE,
    OPEN_CHANGE,
    OPEN_SENSITIVE,
    REFUSED,
    SENSITIVE,
    ChangeRequest,
    RequestEvent,
    SensitiveRequest,
)


@dataclass
class RequestCounts:
    changes: int  # change requests submitted in the month
    bugs: int  # of which bug reports
    approved: int  # reviews in the month: approved / refused
    refused: int
    closed: int  # change requests closed in the month (refused ones told included)
    failed_tests: int  # tests in the month sent back to the developers
    late_estimates: int  # estimates that passed in the month before the work was done
    open_changes: int  # still open now
    sensitive: int  # sensitive requests submitted in the month
    sensitive_approved: int
    sensitive_refused: int
    sensitive_done: int
    open_sensitive: int
    archive_late: int  # applications that missed the paper archive's clock in the month

    def render(self) -> str:
        """Empty for a month without requests, none open: the report stays as it was."""
        if not any(vars(self).values()):
            return ""
        return texts.REPORT_LINE.format(**vars(self))


async def _events(kind_of: str, kind: str, start: datetime, end: datetime) -> int:
    return await RequestEvent.filter(kind_of=kind_of, kind=kind, at__gte=start, at__lt=end).count()


async def monthly_counts(start: datetime, end: datetime) -> RequestCounts:
    changes = ChangeRequest.filter(created_at__gte=start, created_at__lt=end)
    sens = SensitiveRequest.filter(created_at__gte=start, created_at__lt=end)
    breached = Deadline.filter(breached_at__gte=start, breached_at__lt=end)
    return RequestCounts(
        changes=await changes.count(), bugs=await changes.filter(kind=BUG).count(),
        approved=await _events(CHANGE, APPROVED, start, end),
        refused=await _events(CHANGE, REFUSED, start, end),
        closed=await ChangeRequest.filter(status=CLOSED, closed_at__gte=start,
                                          closed_at__lt=end).count(),
        failed_tests=await _events(CHANGE, "test_failed", start, end),
        late_estimates=await breached.filter(clock="change_estimate").count(),
        open_changes=await ChangeRequest.filter(status__in=OPEN_CHANGE).count(),
        sensitive=await sens.count(),
        sensitive_approved=await _events(SENSITIVE, APPROVED, start, end),
        sensitive_refused=await _events(SENSITIVE, REFUSED, start, end),
        sensitive_done=await _events(SENSITIVE, DONE, start, end),
        open_sensitive=await SensitiveRequest.filter(status__in=OPEN_SENSITIVE).count(),
        archive_late=await breached.filter(clock="request_archive").count())
