"""Command routers, one per area. The dispatcher takes them in this order (help lists them so)."""
from bot.routing import Router


def all_routers() -> list[Router]:
    from commands import help, tickets

    return [help.router, tickets.router]
