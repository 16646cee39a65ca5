"""Duplicate requests: the same customer reporting the same problem again within a short window.

A likely duplicate is still recorded (the customer did call), linked to the ticket it repeats
through `duplicate_of`, closed at once and left out of every count, so one problem is one ticket
in the figures. The window and the similarity threshold are settings.service.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.durations import Duration
from bot.services.knowledge.library import ready, similarity
from storage.models import Ticket
from storage.models.tickets import CLAIMED, NEW

if TYPE_CHECKING:
    from bot.runtime import Runtime
    from storage.models import Customer


async def find_original(env: "Runtime", customer: "Customer", description: str) -> Ticket | None:
    """The open ticket of this customer, created within the window, most like `description`."""
    cfg = env.settings.service
    since = env.now() - Duration.parse(cfg.duplicate_window).wall
    recent = await Ticket.filter(customer_id=customer.id, created_at__gte=since,
                                 status__in=(NEW, CLAIMED), duplicate_of_id=None) \
        .select_related("owner").order_by("-id").limit(50)
    if not recent:
        return None
    await ready()
    best, best_score = None, 0.0
    for t in recent:
        score = similarity(description, t.description)
        if score >= cfg.duplicate_similarity and score > best_score:
            best, best_score = t, score
    return best


def counted():
    """Tickets that count in figures: every ticket except the duplicates of another."""
    return Ticket.filter(duplicate_of_id=None)
