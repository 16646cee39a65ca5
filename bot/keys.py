"""Typed application keys: everything the app factory wires, in one list."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from bot.calendar import WorkCalendar
    from bot.clock import Clock
    from bot.dispatcher import Dispatcher
    from bot.longconn import Supervisor
    from bot.metrics import Metrics
    from bot.pipeline import Pipeline
    from bot.platforms.local import SimulatorHub
    from bot.platforms.wecom_ws import RobotConnection
    from bot.scheduler import Scheduler
    from bot.settings import Settings
    from notifiers.quota import DingTalkQuota
    from notifiers.relay import Relay

SETTINGS: web.AppKey["Settings"] = web.AppKey("settings")
CLOCK: web.AppKey["Clock"] = web.AppKey("clock")
CALENDAR: web.AppKey["WorkCalendar"] = web.AppKey("calendar")
PIPELINE: web.AppKey["Pipeline"] = web.AppKey("pipeline")  # .accept(InboundMessage) -> bool
DISPATCHER: web.AppKey["Dispatcher"] = web.AppKey("dispatcher")
RELAY: web.AppKey["Relay"] = web.AppKey("relay")
SCHEDULER: web.AppKey["Scheduler"] = web.AppKey("scheduler")
SIMULATOR: web.AppKey["SimulatorHub"] = web.AppKey("simulator")
HTTP: web.AppKey[Any] = web.AppKey("http_session")  # aiohttp.ClientSession for outbound calls
ENV: web.AppKey[Any] = web.AppKey("env")  # bot.runtime.Runtime shared by handlers and jobs
METRICS: web.AppKey["Metrics"] = web.AppKey("metrics")
QUOTA: web.AppKey["DingTalkQuota"] = web.AppKey("dingtalk_quota")
# One per long connection this instance may hold (WeCom robot, DingTalk stream); see bot/longconn.py.
LONG_CONNECTIONS: web.AppKey[list["Supervisor"]] = web.AppKey("long_connections")
# The WeCom intelligent robot's long connection (wecom.bot.mode = "long_connection").
WECOM_WS: web.AppKey["RobotConnection"] = web.AppKey("wecom_ws")
RUN_BACKGROUND: web.AppKey[bool] = web.AppKey("run_background")
REQUEST_ID: web.RequestKey[str] = web.RequestKey("request_id", str)
