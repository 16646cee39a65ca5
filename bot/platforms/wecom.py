"""WeCom's two inbound doors, wired by configuration.

`wecom.enabled` opens the self-built app callback (bot/platforms/wecom_app.py) and
`wecom.bot.enabled` the intelligent robot callback (bot/platforms/wecom_bot.py), or with
`wecom.bot.mode = "long_connection"` its WebSocket (bot/platforms/wecom_ws.py); each checks at
start that its token and key are present, so a half-configured door fails the start, not the
first message.
"""
from __future__ import annotations

from aiohttp import web

from bot import keys, texts as bot_texts
from bot.platforms import texts, wecom_app, wecom_bot
from bot.platforms.wecom_crypto import aes_key_problem
from bot.settings import SettingsError


def _require(values: dict[str, str]) -> None:
    for key, value in values.items():
        problem = (texts.MISSING_KEY if not value
                   else aes_key_problem(value) if key.endswith("encoding_aes_key")
                   else None)
        if problem:
            raise SettingsError(bot_texts.SETTINGS_BAD_KEY.format(key=key, problem=problem))


def setup_routes(app: web.Application) -> None:
    w = app[keys.SETTINGS].wecom
    if w.enabled:
        _require({"wecom.corp_id": w.corp_id, "wecom.token": w.token,
                  "wecom.encoding_aes_key": w.encoding_aes_key})
        wecom_app.setup_routes(app)
    if w.bot.enabled and w.bot.mode == "long_connection":
        # No callback URL: the robot's messages arrive over bot/platforms/wecom_ws.py.
        _require({"wecom.bot.bot_id": w.bot.bot_id, "wecom.bot.secret": w.bot.secret})
    elif w.bot.enabled:
        _require({"wecom.bot.token": w.bot.token,
                  "wecom.bot.encoding_aes_key": w.bot.encoding_aes_key})
        wecom_bot.setup_routes(app)
