"""The simulator's sender: an outbox row for CH_LOCAL becomes an entry on the simulator page.

Addresses are "user:<userid>" (the person's private chat with the bot) and "chat:<chat_key>" (a
group). Nothing here can be rate-limited or time out, so the only failure is a message that can
never be shown (a bad address, an image that is not on disk): SendFailed.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import texts
from bot.messages import CARD, CARD_UPDATE, CH_LOCAL, FILE, IMAGE, MARKDOWN, TEXT, OutboundMessage
from notifiers.senders.base import SendFailed

if TYPE_CHECKING:
    from bot.platforms.local_hub import SimulatorHub

KINDS = (TEXT, MARKDOWN, CARD, CARD_UPDATE, IMAGE, FILE)


def check_address(address: str) -> str:
    scope, _, ident = address.partition(":")
    if scope not in ("user", "chat") or not ident:
        raise SendFailed(f"simulator address must be user:<userid> or chat:<chat_key>: {address!r}")
    return address


def render(msg: OutboundMessage, hub: "SimulatorHub") -> dict[str, Any]:
    """The page entry for one outbound message (also used to rebuild history after a restart)."""
    if msg.kind not in KINDS:
        raise SendFailed(f"simulator cannot show kind {msg.kind!r}")
    entry: dict[str, Any] = {
        "conv": check_address(msg.address), "dir": "out",
        "kind": CARD if msg.kind == CARD_UPDATE else msg.kind,
        "sender": "", "sender_name": texts.SIM_BOT_NAME,
        "text": msg.text, "title": msg.title, "mentions": list(msg.mentions),
    }
    if msg.kind in (CARD, CARD_UPDATE):
        entry["buttons"] = [{"key": b.key, "text": b.text} for b in msg.buttons]
        entry["task_id"] = msg.task_id
    if msg.kind == CARD_UPDATE:
        entry["update"] = True  # the hub and the page redraw the card of this task_id in place
    if msg.kind in (IMAGE, FILE):
        path = Path(msg.file_path) if msg.file_path else None
        if path is None or not path.is_file():
            raise SendFailed(f"simulator: file not found: {msg.file_path!r}")
        entry["url"] = f"/sim/media/{hub.register_media(path)}"
        entry["file_name"] = path.name
    return entry


class LocalSender:
    channels = (CH_LOCAL,)

    def __init__(self, hub: "SimulatorHub") -> None:
        self.hub = hub

    async def send(self, msg: OutboundMessage, dedupe_key: str) -> None:
        # The relay delivers at least once; the hub drops a key it has already shown.
        self.hub.publish(render(msg, self.hub), dedupe_key=dedupe_key)
