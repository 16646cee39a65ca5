"""Which sender serves which channel, built from what the settings enable."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from notifiers.relay import Relay
from notifiers.senders.base import Sender

if TYPE_CHECKING:
    from bot.settings import Settings


def build(settings: "Settings", session: Any, clock: Any, hub: Any = None,
          quota: Any = None, robot_link: Any = None) -> dict[str, Sender]:
    senders: list[Sender] = []
    if hub is not None:
        from notifiers.senders.local import LocalSender

        senders.append(LocalSender(hub))
    if settings.wecom.enabled or settings.wecom.bot.enabled:
        from notifiers.senders.wecom import WeComSender
        from storage import cards

        senders.append(WeComSender(settings, session, clock=clock, keep_code=cards.note_code))
    if settings.dingtalk.enabled:
        from notifiers.senders.dingtalk import DingTalkSender

        senders.append(DingTalkSender(settings, session, clock=clock, quota=quota))
    if robot_link is not None:  # the WeCom robot's long connection (bot/platforms/wecom_ws.py)
        from notifiers.senders.wecom_ws import WeComWsSender

        senders.append(WeComWsSender(robot_link, wait_s=settings.wecom.bot.wait_s, clock=clock,
                                     source=settings.center.name))
    return Relay.registry(*senders)
