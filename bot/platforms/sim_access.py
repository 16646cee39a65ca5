"""Who may use the simulator: its page and API act as any staff member, so they are guarded.

- Without `[simulator] token` the simulator serves loopback only: it refuses to be mounted when
  the server listens beyond loopback, and answers only requests whose Host is a loopback name,
  which defeats DNS rebinding (a hostile page whose name resolves to 127.0.0.1 still sends its
  own name as Host).
- With a token, the page asks for it once; the answer is an HttpOnly, SameSite=Strict cookie
  holding an HMAC of the token, required on every simulator route. A rebinding page never has
  the cookie (cookies follow the name, not the address).
- Either way the API is same-origin only: an `Origin` other than the request's own host, or a
  `Sec-Fetch-Site` other than same-origin/none, is refused; and POSTs take JSON only (415
  otherwise), so a cross-site form or `text/plain` fetch, which a browser sends without a
  preflight, never reaches a handler.
"""
from __future__ import annotations

import hashlib
import hmac
import html
import ipaddress
import json
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web

from bot import keys
from bot.platforms import guard, texts
from bot.settings import SettingsError

COOKIE = "deskbot_sim"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_loopback(host: str) -> bool:
    """Whether a host name (without port) names this machine only."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_name(host: str) -> str:
    """The name part of a Host header ("[::1]:8080" -> "::1", "a:1" -> "a")."""
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def check_exposure(settings) -> None:
    """Refuse to serve the simulator beyond loopback without a login token."""
    if not settings.simulator.token and not is_loopback(settings.server.host):
        raise SettingsError(texts.SIM_EXPOSED.format(host=settings.server.host))


def session_value(token: str) -> str:
    # Derived, so the cookie never holds the token itself and changes when the token does.
    return hmac.new(token.encode(), b"deskbot-simulator-session", hashlib.sha256).hexdigest()


def _logged_in(request: web.Request, token: str) -> bool:
    return guard.same_bytes(session_value(token), request.cookies.get(COOKIE, ""))


def _refuse(status: int, message: str) -> web.Response:
    return web.json_response({"ok": False, "error": message}, status=status,
                             dumps=lambda o: json.dumps(o, ensure_ascii=False))


def _cross_site(request: web.Request) -> bool:
    origin = request.headers.get("Origin")
    if origin is not None and urlsplit(origin).netloc.lower() != request.host.lower():
        return True
    return request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none")


def _refusal(request: web.Request, *, api: bool, login: bool = False) -> web.Response | None:
    token = request.app[keys.SETTINGS].simulator.token
    if not token and not is_loopback(_host_name(request.host)):
        return _refuse(403, texts.SIM_HOST_REFUSED)
    if api and _cross_site(request):
        return _refuse(403, texts.SIM_CROSS_SITE)
    if api and request.method == "POST" and request.content_type != "application/json":
        return _refuse(415, texts.SIM_JSON_ONLY)
    if token and not login and not _logged_in(request, token):
        return _refuse(401, texts.SIM_LOGIN_REQUIRED) if api else login_page()
    return None


def guarded(handler: Handler, *, api: bool = True) -> Handler:
    """`handler` behind the checks above; `api=False` for the page itself, which a person may
    open from a link on another site."""

    async def wrapper(request: web.Request) -> web.StreamResponse:
        refused = _refusal(request, api=api)
        return refused if refused is not None else await handler(request)

    return wrapper


async def login(request: web.Request) -> web.Response:
    refused = _refusal(request, api=True, login=True)
    if refused is not None:
        return refused
    token = request.app[keys.SETTINGS].simulator.token
    try:
        data = guard.load_json(await guard.read_body(request, 4096))
    except (guard.Malformed, guard.TooLarge):
        return _refuse(400, texts.SIM_LOGIN_WRONG)
    given = data.get("token") if isinstance(data, dict) else None
    if not token or not isinstance(given, str) or not guard.same_bytes(token, given):
        return _refuse(403, texts.SIM_LOGIN_WRONG)
    resp = web.json_response({"ok": True})
    resp.set_cookie(COOKIE, session_value(token), httponly=True, samesite="Strict", path="/")
    return resp


_LOGIN_SCRIPT = """
document.getElementById("f").addEventListener("submit", async (e) => {
  e.preventDefault();
  const resp = await fetch("/sim/api/login", {method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify({token: document.getElementById("t").value})});
  if (resp.ok) { location.reload(); return; }
  document.getElementById("m").hidden = false;
});
"""


def login_page() -> web.Response:
    t = {k: html.escape(v) for k, v in texts.SIM_LOGIN_PAGE.items()}
    body = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<title>{t["title"]}</title></head><body><form id="f"><p>{t["prompt"]}</p>'
            f'<input id="t" type="password" autofocus> <button>{t["button"]}</button>'
            f'<p id="m" hidden>{t["wrong"]}</p></form><script>{_LOGIN_SCRIPT}</script>'
            f'</body></html>')
    return web.Response(status=401, text=body, content_type="text/html", charset="utf-8",
                        headers={"Cache-Control": "no-store"})
