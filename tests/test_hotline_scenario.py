"""Issue 4's acceptance scenario through the chat harness: /建单 to /核销, the forms and the
knowledge entry, every clock on the fake clock and every push's recipient
(the scenario itself is tests/hotline_scenario.py).
"""
from __future__ import annotations

from datetime import datetime, timezone

from bot.services.deadlines import clocks as deadlines
from tests.hotline_scenario import Push, ScenarioIO, hotline_scenario


def chat_io(chat, env, clock) -> ScenarioIO:
    async def drain() -> list[Push]:
        return [Push(p.msg.address, f"{p.msg.title}\n{p.msg.text}".strip(),
                     tuple(b.key for b in p.msg.buttons)) for p in await chat.pushes()]

    async def travel(when: datetime) -> None:
        clock.set(when.astimezone(timezone.utc))
        await deadlines.tick(env)

    return ScenarioIO(say=chat.say, click=chat.click, drain=drain, travel=travel)


async def test_hotline_day_from_new_ticket_to_write_off_and_knowledge(chat, env, clock):
    await hotline_scenario(chat_io(chat, env, clock))
