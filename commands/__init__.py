"""Command routers, one per area. The dispatcher takes them in this order (help lists them so)."""
from bot.routing import Router


def all_routers() -> list[Router]:
    from commands import help, tickets
    from commands import dispatches, knowledge
    from commands import penalties, roster
    from commands import complaints, followups, reports

    return [help.router, tickets.router, dispatches.router, knowledge.router, roster.router,
            penalties.router, complaints.router, followups.router, reports.router]
