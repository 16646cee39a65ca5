"""The two shapes in which platforms meet the core: one InboundMessage in, one OutboundMessage out.

Everything platform-specific (signatures, encryption, XML or JSON, mentions) is turned into these
at the edge, so services never know which chat app a person used.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

# Inbound platforms.
LOCAL = "local"
WECOM_APP = "wecom_app"  # WeCom self-built app callback (XML): private chats and card clicks
WECOM_BOT = "wecom_bot"  # WeCom intelligent robot (JSON): group @-mentions and private chats
DINGTALK = "dingtalk"  # DingTalk enterprise robot over HTTP

PRIVATE = "private"
GROUP = "group"


@dataclass(frozen=True)
class Reply:
    """How to answer the message that came in: the outbound channel and its address."""

    channel: str
    address: str
    expires_at: float | None = None  # unix time after which this way back is closed
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CardAction:
    """A button click on a card: the key names the command it stands for (e.g. "claim:T12")."""

    key: str
    task_id: str = ""
    response_code: str = ""


@dataclass(frozen=True)
class Attachment:
    """A picture or file that came with a message, still on the platform: `ref` is what its
    download takes (WeCom media_id, DingTalk downloadCode, WeCom robot image URL)."""

    kind: str  # IMAGE or FILE
    ref: str
    name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InboundMessage:
    platform: str
    dedupe_key: str
    sender_id: str  # the platform's user id (WeCom userid, DingTalk staffId, simulator userid)
    chat_type: str  # PRIVATE or GROUP
    chat_id: str = ""  # the platform's group id; empty in a private chat
    text: str = ""  # the text with the bot's own @-mention removed
    mentions: tuple[str, ...] = ()  # user ids mentioned in the text, other than the bot
    reply: Reply | None = None
    action: CardAction | None = None
    sent_at: float = 0.0  # unix time the platform says the message was sent
    attachments: tuple[Attachment, ...] = ()
    # A kind of message deskbot cannot take (voice, video, location, ...): answered, not run.
    unsupported: str = ""

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> "InboundMessage":
        data = json.loads(raw)
        reply = data.pop("reply", None)
        action = data.pop("action", None)
        data["mentions"] = tuple(data.get("mentions") or ())
        data["attachments"] = tuple(Attachment(**a) for a in data.get("attachments") or ())
        return cls(
            **data,
            reply=Reply(**reply) if reply else None,
            action=CardAction(**action) if action else None,
        )


# Outbound channels: where a message goes and how.
CH_LOCAL = "local"  # simulator: address is "user:<userid>" or "chat:<chat key>"
CH_WECOM_APP = "wecom_app"  # message/send to a member (address: userid)
CH_WECOM_APPCHAT = "wecom_appchat"  # appchat/send to a group the app created (address: chatid)
CH_WECOM_WEBHOOK = "wecom_webhook"  # group robot webhook (address: webhook key or full URL)
CH_WECOM_RESPONSE = "wecom_response_url"  # intelligent robot response_url (address: the URL)
CH_WECOM_CARD_UPDATE = "wecom_card_update"  # update a clicked card (address: response_code)
# Intelligent robot over its long connection (bot/platforms/wecom_ws.py): an answer on the
# message's req_id (address: req_id; extra: chatid, chattype, the connection it came on), and a
# proactive push to a chat that has talked to the robot (address: chatid, or userid in private).
CH_WECOM_WS_REPLY = "wecom_ws_reply"
CH_WECOM_WS_SEND = "wecom_ws_send"
# Replace the buttons of a card clicked over the long connection (address: the click's req_id).
CH_WECOM_WS_CARD_UPDATE = "wecom_ws_card_update"
CH_DINGTALK_SESSION = "dingtalk_session"  # sessionWebhook of an incoming message (address: URL)
CH_DINGTALK_GROUP = "dingtalk_group"  # robot OpenAPI group message (address: openConversationId)
CH_DINGTALK_USER = "dingtalk_user"  # robot OpenAPI one-to-one (address: staffId)
CH_DINGTALK_WEBHOOK = "dingtalk_webhook"  # custom group robot with signing (address: URL)
CH_DINGTALK_CARD_UPDATE = "dingtalk_card_update"  # update an interactive card (address: outTrackId)

TEXT = "text"
MARKDOWN = "markdown"
CARD = "card"
IMAGE = "image"
FILE = "file"
# A card shown earlier, redrawn with its object's state: task_id names the card, text and buttons
# are what it shows now, extra["state"] the state in a few words (a WeCom button's new label).
CARD_UPDATE = "card_update"


@dataclass(frozen=True)
class Button:
    key: str  # the action key a click sends back, e.g. "claim:T12"
    text: str


@dataclass(frozen=True)
class OutboundMessage:
    channel: str
    address: str
    kind: str = TEXT
    text: str = ""  # the body; markdown when kind is MARKDOWN; the description on a card
    title: str = ""
    mentions: tuple[str, ...] = ()  # user ids to @-mention where the channel can
    buttons: tuple[Button, ...] = ()  # for CARD
    task_id: str = ""  # card identity, so a later update replaces it
    file_path: str = ""  # for IMAGE and FILE: a file on disk to upload
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> "OutboundMessage":
        data = json.loads(raw)
        data["mentions"] = tuple(data.get("mentions") or ())
        data["buttons"] = tuple(Button(**b) for b in data.get("buttons") or ())
        return cls(**data)
