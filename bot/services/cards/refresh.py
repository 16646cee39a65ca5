"""Redrawing every card of an object after it changed, on every platform it was shown on.

Called by the services inside the transaction of the change, so the redraw exists exactly when
the change does. Per place the card was shown:
- the simulator: the card is replaced in place (same card id, kind CARD_UPDATE);
- DingTalk interactive cards (robot group or one-to-one): the card update API, by outTrackId,
  as often as needed;
- WeCom app cards: `update_template_card` with the card's unused response_code (one from the
  send, or the newest click's), which WeCom takes once, within 72 hours; without one the state
  goes to the member as a fresh message;
- WeCom robot cards sent over its long connection: `aibot_respond_update_msg` on the req_id of a
  click on that card, which WeCom takes within 5 s of the click on the same connection;
  otherwise the state goes to the chat as a fresh message;
- everywhere a card could only travel as text (WeCom robot webhooks, app group chats, DingTalk
  custom robots): the state as a fresh message to the same chat.
Each redraw is an outbox row keyed by the card and a version counted on the card row, and the
relay drops a row whose version the card already shows, so a retry never puts an old state back.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from tortoise.expressions import F

from bot import messages
from bot.messages import CARD_UPDATE, TEXT, Button, InboundMessage, OutboundMessage
from bot.services.addressing import staff_target
from bot.services.cards import texts
from bot.services.cards.registry import object_of_key
from bot.services.dispatches.texts import DISPATCH_STATUS
from bot.services.outbox import enqueue
from bot.services.tickets.texts import STATUS as TICKET_STATUS
from storage.models import CardRef, Dispatch, OutboxMessage, Staff, Ticket, TicketEvent
from storage.models.dispatches import ACCEPTED, DISPATCHED
from storage.models.messaging import DEAD
from storage.models.tickets import CANCELLED, CLAIMED, CLOSED, NEW, RESOLVED

if TYPE_CHECKING:
    from bot.runtime import Runtime

WECOM_CODE_TTL = timedelta(hours=72)  # WeCom: a response_code works once, within 72 hours
WS_CLICK_TTL = timedelta(seconds=5)  # WeCom robot: a card update within 5 s of the click
# Cards that are interactive on their platform and can be redrawn there.
_DINGTALK_CARDS = (messages.CH_DINGTALK_GROUP, messages.CH_DINGTALK_USER)


@dataclass(frozen=True)
class State:
    words: str  # e.g. "已由 张三 接单"
    live: frozenset[str]  # the button keys that still do something


async def ticket_state(ticket_id: int) -> State | None:
    t = await Ticket.filter(id=ticket_id).select_related("owner", "offered_to").first()
    if t is None:
        return None
    owner = t.owner.name
    if t.status == NEW:
        words, live = texts.TICKET_NEW, {f"claim:{t.number}"}
    elif t.status == CLAIMED:
        last = await TicketEvent.filter(ticket_id=t.id, kind__in=(
            "claimed", "accepted", "reopened")).order_by("-id").first()
        template = {"reopened": texts.TICKET_REOPENED, "accepted": texts.TICKET_ACCEPTED}.get(
            last.kind if last else "", texts.TICKET_CLAIMED)
        words, live = template.format(owner=owner), set()
    elif t.status == RESOLVED:
        words, live = texts.TICKET_RESOLVED.format(owner=owner), set()
    elif t.status == CANCELLED:
        words, live = texts.TICKET_CANCELLED, set()
    elif t.status == CLOSED:
        words, live = texts.TICKET_CLOSED, set()
    else:  # a state added later still shows, by its name
        words, live = TICKET_STATUS.get(t.status, t.status), set()
    if t.offered_to is not None and t.status in (NEW, CLAIMED):
        words += texts.TICKET_OFFERED.format(who=t.offered_to.name)
        live.add(f"accept:{t.number}")
    return State(words, frozenset(live))


async def dispatch_state(dispatch_id: int) -> State | None:
    d = await Dispatch.filter(id=dispatch_id).select_related("engineer").first()
    if d is None:
        return None
    engineer = d.engineer.name if d.engineer else texts.NOBODY
    if d.status == DISPATCHED:
        return State(texts.DISPATCH_WAITING.format(engineer=engineer),
                     frozenset({f"take:{d.number}"}))
    if d.status == ACCEPTED:
        return State(texts.DISPATCH_ACCEPTED.format(engineer=engineer), frozenset())
    return State(texts.DISPATCH_OTHER.format(status=DISPATCH_STATUS.get(d.status, d.status),
                                             engineer=engineer), frozenset())


STATES = {"ticket": ticket_state, "dispatch": dispatch_state}


async def refresh(env: "Runtime", object_type: str, object_id: int, *,
                  actor: Staff | None = None, conn: Any = None, changes: str = "") -> int:
    """Queue the redraw of every card of the object; how many cards.

    `actor` made the change and has the answer: a card in their own private chat that can only
    be told afresh is not (they would read what they just did twice). `changes`: the card's
    words were edited (retext), and a place told afresh is told what changed."""
    refs = await CardRef.filter(object_type=object_type, object_id=object_id) \
        .using_db(conn).order_by("id")
    if not refs:
        return 0
    state = await STATES[object_type](object_id)
    if state is None:
        return 0
    own = staff_target(env.settings, actor) if actor is not None else None
    for ref in refs:
        await _redraw(env, ref, state, conn, skip_fresh_to=own, changes=changes)
    return len(refs)


async def retext(card_key: str, text: str, conn: Any = None) -> None:
    """New words for a card wherever it was shown (the next refresh draws them)."""
    await CardRef.filter(card_key=card_key).using_db(conn).update(text=text)


async def _redraw(env: "Runtime", ref: CardRef, state: State, conn: Any = None, *,
                  skip_fresh_to: tuple[str, str] | None = None, changes: str = "") -> None:
    # Counted in the database: two changes racing on one card get two versions, in commit order.
    await CardRef.filter(id=ref.id).using_db(conn).update(version=F("version") + 1)
    version = (await CardRef.filter(id=ref.id).using_db(conn).only("id", "version").get()).version
    updates: dict[str, Any] = {}
    buttons = tuple(Button(b["key"], b["text"]) for b in json.loads(ref.buttons or "[]")
                    if b.get("key") in state.live)
    line = texts.STATE_LINE.format(state=state.words)
    body = f"{ref.text}\n{line}" if ref.text else line
    extra: dict[str, Any] = {"card": ref.id, "card_version": version, "state": state.words}
    now = env.now()
    channel, address, kind = ref.channel, ref.address, CARD_UPDATE
    if ref.channel == messages.CH_WECOM_APP:
        if ref.response_code and ref.code_at and now - ref.code_at < WECOM_CODE_TTL:
            channel, address = messages.CH_WECOM_CARD_UPDATE, ref.response_code
            extra["userid"] = ref.address
            updates.update(response_code="", code_at=None)  # WeCom takes a code once
        else:
            kind = TEXT
    elif ref.channel == messages.CH_WECOM_WS_SEND and ref.response_code and ref.code_at \
            and now - ref.code_at < WS_CLICK_TTL:
        # The click's req_id, on the connection (session) it came on: "<session> <req_id>".
        session, _, req_id = ref.response_code.partition(" ")
        channel, address = messages.CH_WECOM_WS_CARD_UPDATE, req_id
        extra.update(session=session, chatid=ref.address,
                     update_until=(ref.code_at + WS_CLICK_TTL).timestamp(),
                     keys=[b["key"] for b in json.loads(ref.buttons or "[]")])
        updates.update(response_code="", code_at=None)  # one update per click
    elif ref.channel in _DINGTALK_CARDS and await _went_as_card(ref, conn):
        channel, address = messages.CH_DINGTALK_CARD_UPDATE, ref.card_key
    elif ref.channel != messages.CH_LOCAL:
        kind = TEXT
    if kind == TEXT:
        if (channel, address) == skip_fresh_to:
            return
        title = ref.title or ref.card_key
        body = texts.FRESH_EDITED.format(title=title, changes=changes, state=state.words) \
            if changes else texts.FRESH.format(title=title, state=state.words)
        buttons = ()
    if updates:
        await CardRef.filter(id=ref.id).using_db(conn).update(**updates)
    ref.version = version
    msg = OutboundMessage(channel=channel, address=address, kind=kind, text=body,
                          title=ref.title, buttons=buttons, task_id=ref.card_key, extra=extra)
    await enqueue(msg, f"card:{ref.id}:v{version}", now=now, conn=conn)


async def _went_as_card(ref: CardRef, conn: Any = None) -> bool:
    """False when the relay folded the card into a digest (it went out as text, past a rate
    limit or the DingTalk quota) or gave it up: there is no card to update by its id."""
    row = await OutboxMessage.filter(dedupe_key=ref.outbox_key).using_db(conn) \
        .only("id", "status", "merged_into").first() if ref.outbox_key else None
    return row is None or (row.merged_into is None and row.status != DEAD)


async def _note_robot_click(env: "Runtime", msg: InboundMessage) -> CardRef | None:
    """A click on a card the robot pushed over its long connection: its req_id (and the
    session it came on) lets the next redraw update that card, within 5 s."""
    action, reply = msg.action, msg.reply
    if action is None or reply is None or reply.channel != messages.CH_WECOM_WS_REPLY:
        return None
    chat = msg.chat_id or msg.sender_id
    ref = await CardRef.filter(card_key=action.task_id or action.key,
                               channel=messages.CH_WECOM_WS_SEND, address=chat).first()
    if ref is None:
        return None
    ref.response_code = f"{reply.extra.get('session', '')} {reply.address}"[:255]
    ref.code_at = env.now()
    await ref.save(update_fields=["response_code", "code_at"])
    return ref


async def note_click(env: "Runtime", msg: InboundMessage) -> CardRef | None:
    """Keep the response_code a WeCom card click brings (one more redraw of that card).

    A card sent before cards were remembered is registered here, from its button's key."""
    action = msg.action
    if action is not None and msg.platform == messages.WECOM_BOT:
        return await _note_robot_click(env, msg)
    if action is None or not action.response_code or msg.platform != messages.WECOM_APP:
        return None
    about = object_of_key(action.key)
    card_key = action.task_id or action.key
    ref = await CardRef.filter(card_key=card_key, channel=messages.CH_WECOM_APP,
                               address=msg.sender_id).first()
    if ref is None:
        if about is None:
            return None
        ref = await CardRef.create(card_key=card_key, channel=messages.CH_WECOM_APP,
                                   address=msg.sender_id, object_type=about[0],
                                   object_id=about[1], created_at=env.now())
    ref.response_code, ref.code_at = action.response_code, env.now()
    await ref.save(update_fields=["response_code", "code_at"])
    return ref


async def after_click(env: "Runtime", msg: InboundMessage) -> bool:
    """When the click changed nothing (refused, or already done), its card still gets the
    object's present state, so a stale 接单 button disappears for the one who pressed it."""
    action = msg.action
    if action is None or not action.response_code or msg.platform != messages.WECOM_APP:
        return False
    ref = await CardRef.filter(card_key=action.task_id or action.key,
                               channel=messages.CH_WECOM_APP, address=msg.sender_id,
                               response_code=action.response_code).first()
    if ref is None:  # unknown card, or the command's own redraw used the code
        return False
    state = await STATES[ref.object_type](ref.object_id)
    if state is None or action.key in state.live:  # the button still works: leave it
        return False
    await _redraw(env, ref, state)
    return True
