"""The local simulator: a web page and its JSON API, a real platform adapter with no account.

A person picks a staff member and a conversation (their private chat with the bot, or a local
group), types, and the message enters the same pipeline as a WeCom or DingTalk callback. Replies
and pushes come back through the outbox, the relay and `LocalSender`, and reach the page live over
Server-Sent Events from the `SimulatorHub`.

Like WeCom and DingTalk, a group only hands the bot the messages addressed to it: those that
@-mention it or start with "/"; other group chatter is shown to the group and goes no further.

Whoever reaches the page can act as any staff member, so bot/platforms/sim_access.py guards
it: loopback only unless `[simulator] token` is set (then a login), same-origin JSON only.
"""
from __future__ import annotations

import html
import json
import logging
import re
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from aiohttp import web

from bot import keys, messages, texts
from bot.platforms import guard, sim_access, texts as platform_texts
from bot.platforms.local_hub import SimulatorHub, Subscription, typed_entry_from_event
from storage.models import Chat, Staff

__all__ = ["SimulatorHub", "setup_routes", "build_inbound"]

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
MAX_BODY = 64 * 1024
MAX_TEXT = 4000
HEARTBEAT_S = 15.0
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")
_SLASHES = ("/", "／")
# Tests shorten the keep-alive comment interval through this key.
HEARTBEAT_KEY: web.AppKey[float] = web.AppKey("sim_heartbeat_s", float)


class BadRequest(Exception):
    pass


def _error(message: str, status: int = 400) -> web.Response:
    return web.json_response({"ok": False, "error": message}, status=status,
                             dumps=lambda o: json.dumps(o, ensure_ascii=False))


def _json(data: Any) -> web.Response:
    return web.json_response(data, dumps=lambda o: json.dumps(o, ensure_ascii=False))


async def _read_json(request: web.Request) -> dict:
    try:
        data = guard.load_json(await guard.read_body(request, MAX_BODY))
    except guard.TooLarge:
        raise BadRequest(texts.SIM_ERR_TOO_LARGE.format(limit=MAX_BODY)) from None
    except guard.Malformed:
        raise BadRequest(texts.SIM_ERR_BAD_JSON) from None
    if not isinstance(data, dict):
        raise BadRequest(texts.SIM_ERR_BAD_JSON)
    return data


def _str_field(data: dict, name: str, *, required: bool = True, limit: int = 255) -> str:
    value = data.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
        raise BadRequest(texts.SIM_ERR_FIELD.format(field=name))
    if guard.has_controls(value):
        # PostgreSQL refuses NUL, and a user id with controls in it is nobody's.
        raise BadRequest(platform_texts.SIM_FIELD_CONTROLS.format(field=name))
    return value.strip()


# --- turning a typed message into an InboundMessage ------------------------------------------

_BOT_MENTION = re.compile(
    "(?:" + "|".join(re.escape(m) for m in texts.SIM_BOT_MENTIONS) + r")(?![A-Za-z0-9_])",
    re.IGNORECASE)
_BLANKS = " \u3000\t\r\n"


def strip_bot_mention(text: str) -> tuple[str, bool]:
    """The text without its @-mention of the bot, and whether there was one."""
    m = _BOT_MENTION.search(text)
    if m is None:
        return text.strip(_BLANKS), False
    return (text[:m.start()] + " " + text[m.end():]).strip(_BLANKS), True


def parse_mentions(text: str, staff: list[tuple[str, str]]) -> tuple[str, ...]:
    """User ids of the staff "@名字" (or "@userid") names in the text, in order, once each."""
    names = sorted(((n, uid) for uid, name in staff for n in (name, uid) if n),
                   key=lambda p: -len(p[0]))
    found: list[str] = []
    for m in re.finditer(r"[@＠]", text):
        rest = text[m.end():]
        for name, uid in names:
            if rest.startswith(name) and uid not in found:
                found.append(uid)
                break
    return tuple(found)


async def _staff(userid: str) -> Staff:
    person = await Staff.get_or_none(userid=userid, active=True)
    if person is None:
        raise BadRequest(texts.SIM_ERR_UNKNOWN_USER.format(userid=userid))
    return person


async def _conversation(conv: str, userid: str) -> tuple[str, str, str]:
    """(chat_type, chat_id, reply address) of the page's conversation name."""
    if conv in ("user", f"user:{userid}"):
        return messages.PRIVATE, "", f"user:{userid}"
    key = conv.removeprefix("chat:")
    if not await Chat.filter(platform=messages.LOCAL, chat_key=key).exists():
        raise BadRequest(texts.SIM_ERR_UNKNOWN_CHAT.format(conv=conv))
    return messages.GROUP, key, f"chat:{key}"


def _client_id(data: dict) -> str:
    cid = data.get("client_id") or uuid.uuid4().hex
    if not isinstance(cid, str) or not _CLIENT_ID.match(cid):
        raise BadRequest(texts.SIM_ERR_FIELD.format(field="client_id"))
    return cid


@dataclass(frozen=True)
class Typed:
    msg: messages.InboundMessage
    addressed: bool  # whether the bot gets it (a private chat, or a group @-mention or "/...")
    raw: str  # the text as typed, for the page
    name: str  # the sender's name


async def build_inbound(app: web.Application, data: dict, *, click: bool) -> Typed:
    """The InboundMessage for the JSON body of /sim/api/send or /sim/api/click."""
    userid = _str_field(data, "userid", limit=64)
    person = await _staff(userid)
    chat_type, chat_id, address = await _conversation(_str_field(data, "conv", limit=140), userid)
    cid = _client_id(data)
    common: dict[str, Any] = dict(
                  platform=messages.LOCAL, dedupe_key=f"local:{cid}", sender_id=userid,
                  chat_type=chat_type, chat_id=chat_id,
                  reply=messages.Reply(channel=messages.CH_LOCAL, address=address),
                  sent_at=app[keys.CLOCK].now().timestamp())
    if click:
        action = messages.CardAction(key=_str_field(data, "key"),
                                 task_id=_str_field(data, "task_id", required=False))
        return Typed(messages.InboundMessage(**common, action=action), True, "", person.name)
    raw = data.get("text") or ""
    if not isinstance(raw, str):
        raise BadRequest(texts.SIM_ERR_FIELD.format(field="text"))
    raw = guard.clean_text(raw)
    if len(raw) > MAX_TEXT:
        raise BadRequest(texts.SIM_ERR_TEXT_TOO_LONG.format(limit=MAX_TEXT))
    text, mentioned = strip_bot_mention(raw)
    if not text and not mentioned:
        raise BadRequest(texts.SIM_ERR_EMPTY)
    addressed = chat_type == messages.PRIVATE or mentioned or text.startswith(_SLASHES)
    staff = await Staff.filter(active=True).values_list("userid", "name")
    return Typed(messages.InboundMessage(**common, text=text, mentions=parse_mentions(text, staff)),
                 addressed, raw, person.name)


# --- handlers ---------------------------------------------------------------------------------

async def _accept(request: web.Request, *, click: bool) -> web.Response:
    app = request.app
    hub = app[keys.SIMULATOR]
    try:
        data = await _read_json(request)
        typed = await build_inbound(app, data, click=click)
    except BadRequest as exc:
        return _error(str(exc))
    msg, addressed = typed.msg, typed.addressed
    entry = typed_entry_from_event(msg, {msg.sender_id: typed.name})
    assert entry is not None
    if click:
        label = data.get("label")
        if isinstance(label, str) and label.strip():
            entry["text"] = label.strip()[:100]
    else:
        entry["text"] = typed.raw.strip()
        entry["forwarded"] = addressed
    # Shown before the pipeline runs so the bot's answer can never arrive above the question.
    hub.publish(entry, dedupe_key=msg.dedupe_key)
    accepted = False
    if addressed:
        try:
            accepted = await app[keys.PIPELINE].accept(msg)
        except Exception:
            log.exception("simulator: pipeline refused %s", msg.dedupe_key)
            return _error(texts.SIM_ERR_PIPELINE, status=503)
    return _json({"ok": True, "forwarded": addressed, "accepted": bool(accepted),
                  "client_id": entry["client_id"]})


async def send(request: web.Request) -> web.Response:
    return await _accept(request, click=False)


async def click(request: web.Request) -> web.Response:
    return await _accept(request, click=True)


async def staff_list(request: web.Request) -> web.Response:
    rows = await Staff.filter(active=True).order_by("id")
    return _json([{"userid": s.userid, "name": s.name, "team": s.team,
                   "roles": sorted(s.role_set)} for s in rows])


async def chat_list(request: web.Request) -> web.Response:
    rows = await Chat.filter(platform=messages.LOCAL).order_by("id")
    return _json([{"chat_key": c.chat_key, "name": c.name or c.chat_key, "purpose": c.purpose or ""}
                  for c in rows])


async def history(request: web.Request) -> web.Response:
    """?conv=user&userid=U | conv=<chat_key> | conv=user:U | conv=chat:K; or only ?userid=U for
    everything U sees (their private chat and every group); &since=<id> for newer entries only."""
    hub = request.app[keys.SIMULATOR]
    q = request.query
    try:
        since = int(q.get("since", "0") or 0)
    except ValueError:
        return _error(texts.SIM_ERR_FIELD.format(field="since"))
    conv, userid = q.get("conv", ""), q.get("userid", "")
    if conv == "user":
        if not userid:
            return _error(texts.SIM_ERR_FIELD.format(field="userid"))
        convs: list[str] | None = [f"user:{userid}"]
    elif conv:
        convs = [conv if conv.startswith(("user:", "chat:")) else f"chat:{conv}"]
    elif userid:
        convs = [f"user:{userid}"] + [c for c in hub.conversations() if c.startswith("chat:")]
    else:
        convs = None
    return _json({"epoch": hub.epoch, "messages": hub.messages(convs, since)})


def _sse(entry: dict, epoch: str) -> bytes:
    data = json.dumps(entry, ensure_ascii=False)
    return f"id: {epoch}-{entry['id']}\nevent: msg\ndata: {data}\n\n".encode()


async def stream(request: web.Request) -> web.StreamResponse:
    """Every entry as it happens. A reconnecting EventSource sends Last-Event-ID and is replayed
    what it missed; a page from before a restart sees a new epoch in "hello" and reloads."""
    hub = request.app[keys.SIMULATOR]
    resp = web.StreamResponse(headers={
        "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache",
        "X-Accel-Buffering": "no"})
    with hub.subscribe() as sub:
        await resp.prepare(request)
        hello = json.dumps({"epoch": hub.epoch}, ensure_ascii=False)
        await resp.write(f"retry: 2000\nevent: hello\ndata: {hello}\n\n".encode())
        epoch, _, last = request.headers.get("Last-Event-ID", "").partition("-")
        if epoch == hub.epoch and last.isdigit():
            for entry in hub.messages(None, int(last)):
                await resp.write(_sse(entry, hub.epoch))
        heartbeat = request.app.get(HEARTBEAT_KEY, HEARTBEAT_S)
        try:
            await _pump(resp, sub, hub.epoch, heartbeat)
        except (ConnectionResetError, ConnectionError):
            pass
    return resp


async def _pump(resp: web.StreamResponse, sub: Subscription, epoch: str, heartbeat: float) -> None:
    while True:
        item = await sub.get(heartbeat)
        if item is None:
            return
        if item is False or item is True:
            await resp.write(b": ping\n\n")
        else:
            await resp.write(_sse(item, epoch))


async def media(request: web.Request) -> web.StreamResponse:
    found = request.app[keys.SIMULATOR].media(request.match_info["token"])
    if found is None:
        raise web.HTTPNotFound()
    path, ctype = found
    return web.FileResponse(path, headers={"Content-Type": ctype,
                                           "Cache-Control": "private, max-age=86400"})


@lru_cache(maxsize=1)
def render_page() -> str:
    """sim.html with its {{label}} placeholders filled from texts.SIM_PAGE (a missing one fails)."""
    labels: dict[str, Any] = texts.SIM_PAGE
    page = (STATIC / "sim.html").read_text(encoding="utf-8")
    page = re.sub(r"\{\{(\w+)\}\}", lambda m: html.escape(labels[m.group(1)]), page)
    blob = json.dumps(labels, ensure_ascii=False).replace("</", "<\\/")
    return page.replace("<!--SIM_TEXTS-->",
                        f'<script id="sim-texts" type="application/json">{blob}</script>')


async def page(request: web.Request) -> web.Response:
    tz = request.app[keys.SETTINGS].center.timezone
    body = render_page().replace("%%SIM_TZ%%", html.escape(tz))
    return web.Response(text=body, content_type="text/html", charset="utf-8",
                        headers={"Cache-Control": "no-cache"})


async def root(request: web.Request) -> web.Response:
    raise web.HTTPFound("/sim")


async def _load_history(app: web.Application) -> None:
    try:
        n = await app[keys.SIMULATOR].load_history()
        log.info("simulator: %d messages of history reloaded", n)
    except Exception:  # the page starting empty is better than the bot not starting
        log.exception("simulator: history reload failed")


async def _close_streams(app: web.Application) -> None:
    app[keys.SIMULATOR].close()


def setup_routes(app: web.Application) -> None:
    """Mount the simulator when `settings.simulator.enabled`, behind sim_access's checks.

    Needs app[SETTINGS], app[CLOCK] and app[PIPELINE]; creates app[SIMULATOR] when the factory
    has not. History is reloaded in on_startup, which aiohttp runs after every cleanup_ctx has
    opened (so after the database is up); streams are ended in on_shutdown. Raises
    SettingsError when the server listens beyond loopback and no login token is set.
    """
    settings = app[keys.SETTINGS]
    if not settings.simulator.enabled:
        return
    sim_access.check_exposure(settings)
    if keys.SIMULATOR not in app:
        app[keys.SIMULATOR] = SimulatorHub(app[keys.CLOCK])
    g = sim_access.guarded
    r = app.router
    r.add_get("/", g(root, api=False))
    r.add_get("/sim", g(page, api=False))
    r.add_static("/sim/static", STATIC, append_version=False)
    r.add_post("/sim/api/login", sim_access.login)
    r.add_get("/sim/api/staff", g(staff_list))
    r.add_get("/sim/api/chats", g(chat_list))
    r.add_get("/sim/api/messages", g(history))
    r.add_get("/sim/api/stream", g(stream))
    r.add_post("/sim/api/send", g(send))
    r.add_post("/sim/api/click", g(click))
    r.add_get("/sim/media/{token}", g(media, api=False))
    app.on_startup.append(_load_history)
    app.on_shutdown.append(_close_streams)
