"""Command routers, one per area. The dispatcher takes them in this order (help lists them so)."""
from bot.routing import Router


def all_routers() -> list[Router]:
    from commands import (
        attachments,
        chats,
        complaints,
        customers,
        dispatches,
        firstvisits,
        followups,
        help,
        knowledge,
        penalties,
        projects,
        reports,
        requests,
        roster,
        ticket_changes,
        ticket_search,
        tickets,
        training,
    )

    return [help.router, tickets.router, ticket_changes.router, ticket_search.router,
            attachments.router, dispatches.router, knowledge.router,
            roster.router, penalties.router, complaints.router, followups.router, requests.router,
            reports.router, projects.router, training.router, chats.router, customers.router,
            firstvisits.router]
