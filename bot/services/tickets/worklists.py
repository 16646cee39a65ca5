"""What a person has to do (/我的) and what nobody has taken yet (/队列), a page of each.

Every list is one indexed query for its first rows, most urgent first, plus a count only when
the page came back full (storage.paging): a backlog of thousands costs what ten rows cost.
/我的 is a list of areas; an area is one function from the person to a page of their rows,
appended to MINE_AREAS.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from tortoise.expressions import Case, Subquery, When
from tortoise.queryset import QuerySet

from bot.services.complaints import views as complaints
from bot.services.deadlines import clocks
from bot.services.followups import calls as followups
from storage.models import Dispatch, Staff, Ticket, TicketEvent
from storage.models.dispatches import ACTIVE, DONE, REQUESTED, UNSOLVED
from storage.models.tickets import CLAIMED, NEW
from storage.paging import Page, first_page, ids_first_page, oldest_page

if TYPE_CHECKING:
    from bot.runtime import Runtime

OPEN_STATES = (NEW, CLAIMED)
# One chat message per answer: the first rows of each list, a count for the rest.
PAGE = 10


def urgent_first(env: "Runtime", query: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """The configured priority order (most urgent first), then the oldest first, in SQL."""
    ranks = [When(priority=p, then=f"{i:03d}") for i, p in enumerate(env.settings.service.priorities)]
    if not ranks:
        return query.order_by("id")
    return query.annotate(urgency=Case(*ranks, default="999")).order_by("urgency", "id")


@dataclass
class Queue:
    unclaimed: Page[Ticket]
    overdue: Page[Ticket]
    requests: Page[Dispatch]  # visits asked for, not dispatched yet
    at_hq: Page[Ticket]  # escalated to HQ, tracked until solved


async def queue(env: "Runtime") -> Queue:
    """Unclaimed tickets, open tickets with a breached clock, visits to dispatch, HQ cases."""
    shown = Ticket.filter(status__in=OPEN_STATES).select_related("customer", "owner")
    # Ordered by what the (kind, ticket_id) index holds: the model's default order by id would
    # have SQLite walk the whole event history by primary key.
    escalated = Subquery(TicketEvent.filter(kind="escalated").order_by("ticket_id")
                         .values("ticket_id"))
    return Queue(
        # Thousands wait at a busy center: the (status, priority, id) index chooses the ten.
        unclaimed=await ids_first_page(urgent_first(
            env, Ticket.filter(status=NEW).select_related("customer", "owner")), PAGE),
        overdue=await _overdue(env, shown),
        requests=await first_page(Dispatch.filter(
            status=REQUESTED, ticket__status__in=OPEN_STATES).select_related(
            "ticket__customer").order_by("id"), PAGE),
        at_hq=await first_page(urgent_first(env, shown.filter(id__in=escalated)), PAGE))


# Up to this many overdue tickets are chosen by their ids, read from the open clocks first.
OVERDUE_BY_IDS = 500


async def _overdue(env: "Runtime", shown: QuerySet[Ticket]) -> Page[Ticket]:
    """Open tickets with a breached clock. Asked as one query, PostgreSQL walks the open tickets
    checking each for a breached clock (it expects some soon and the LIMIT stops early): at a
    center with 50k open tickets and none overdue that walk is the whole backlog. The breached
    clocks are few and indexed, so their ids come first; only when they are many does the
    walk pay off, and the one query is asked instead."""
    breached = clocks.breached(env, "ticket")
    ids = list(await breached.distinct().limit(OVERDUE_BY_IDS + 1)
               .values_list("object_id", flat=True))
    if not ids:
        return Page()
    if len(ids) <= OVERDUE_BY_IDS:
        return await first_page(urgent_first(env, shown.filter(id__in=ids)), PAGE)
    return await first_page(urgent_first(env, shown.filter(
        id__in=Subquery(breached.values("object_id")))), PAGE)


async def owned(actor: Staff) -> Page[Ticket]:
    return await oldest_page(Ticket.filter(owner_id=actor.id, status__in=OPEN_STATES)
                             .select_related("customer"), PAGE)


async def offered(actor: Staff) -> Page[Ticket]:
    """Transferred to me and not accepted yet (a ticket offered back to its owner is theirs)."""
    return await first_page(Ticket.filter(offered_to_id=actor.id, status__in=OPEN_STATES)
                            .exclude(owner_id=actor.id).select_related("customer")
                            .order_by("id"), PAGE)


async def visits(actor: Staff) -> Page[Dispatch]:
    """A visit stays mine until it is written off."""
    return await first_page(Dispatch.filter(engineer_id=actor.id,
                                            status__in=(*ACTIVE, DONE, UNSOLVED))
                            .select_related("ticket__customer").order_by("id"), PAGE)


async def my_complaints(actor: Staff) -> Page[Any]:
    return await first_page(complaints.mine(actor), PAGE)


async def my_followups(actor: Staff) -> Page[Any]:
    return await first_page(followups.mine(actor), PAGE)


# The areas of /我的 in the order they are shown; the command has one formatter per name.
MINE_AREAS: list[tuple[str, Callable[[Staff], Awaitable[Page[Any]]]]] = [
    ("tickets", owned), ("offered", offered), ("visits", visits),
    ("complaints", my_complaints), ("followups", my_followups),
]


async def mine(env: "Runtime", actor: Staff) -> dict[str, Page[Any]]:
    """Each area's first page for this person, by area name (empty areas left out)."""
    pages = {name: await area(actor) for name, area in MINE_AREAS}
    return {name: page for name, page in pages.items() if page}
