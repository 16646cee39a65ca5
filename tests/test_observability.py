"""/metrics in Prometheus format (read back with prometheus-client's own parser), one log line a
command without personal data, and the logging settings."""
from __future__ import annotations

import json
import logging

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot import keys, logsetup
from bot.platforms import dingtalk
from bot.settings import load_settings
from tests.app_harness import dingtalk_settings, serve_fake, start_bot
from tests.fakes.callbacks import dingtalk_headers, dingtalk_message
from tests.fakes.dingtalk_api import FakeDingTalk

APP_KEY, SECRET, ROBOT = "dingobsappkey", "obs-dingtalk-secret", "dingobsrobot"
PHONE = "13912345678"
CREATE = f"/建单 客户=华东制造 打印凭证时报错 电话={PHONE}"


@pytest.fixture
async def ding(clock, aiohttp_server):
    return await serve_fake(FakeDingTalk(clock, app_key=APP_KEY, app_secret=SECRET,
                                         robot_code=ROBOT), aiohttp_server)


@pytest.fixture
async def bot(demo, clock, ding, aiohttp_client):
    settings = dingtalk_settings(demo, ding, app_key=APP_KEY, secret=SECRET, robot=ROBOT)
    return await start_bot(aiohttp_client, settings, clock)


async def post(bot, ding, clock, msg_id: str, text: str = CREATE, **kw):
    webhook, _ = ding.new_session(ding.base)
    headers, body = dingtalk_message(SECRET, msg_id=msg_id, sender_staff_id="zhangwei",
                                     text=text, at=clock, robot_code=ROBOT,
                                     session_webhook=webhook)
    headers.update(kw.get("headers", {}))
    return await bot.client.post(dingtalk.PATH, headers=headers, data=body.encode())


async def scrape(bot) -> dict[tuple[str, tuple], float]:
    resp = await bot.client.get("/metrics")
    assert resp.status == 200 and resp.content_type == "text/plain"
    out: dict[tuple[str, tuple], float] = {}
    for family in text_string_to_metric_families(await resp.text()):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


async def test_metrics_count_inbound_commands_outbox_and_ticks(bot, ding, clock):
    assert (await post(bot, ding, clock, "m1")).status == 200
    assert (await post(bot, ding, clock, "m1")).status == 200  # redelivered
    forged = dingtalk_headers("not-the-secret", at=clock)
    assert (await post(bot, ding, clock, "m2", headers=forged)).status == 403
    await bot.settle()
    await bot.app[keys.SCHEDULER].run_due()
    m = await scrape(bot)

    def inbound(result: str) -> float:
        return m[("deskbot_inbound_events_total",
                  (("platform", "dingtalk"), ("result", result)))]

    assert (inbound("accepted"), inbound("duplicate"), inbound("refused")) == (1, 1, 1)
    assert m[("deskbot_commands_total", (("command", "建单"), ("outcome", "ok")))] == 1
    assert m[("deskbot_processing_seconds_count", (("platform", "dingtalk"),))] == 1
    assert m[("deskbot_outbox_messages", (("channel", "dingtalk_session"), ("state", "sent")))] == 1
    ticks = [v for (name, _), v in m.items() if name == "deskbot_scheduler_tick_seconds_count"]
    assert ticks and all(v >= 1 for v in ticks)
    assert m[("deskbot_dingtalk_api_quota", ())] == 10_000


async def test_overdue_deadlines_show_their_lateness(bot, ding, clock):
    await post(bot, ding, clock, "m1")
    await bot.settle()
    clock.advance(days=10)
    m = await scrape(bot)
    late = {k: v for k, v in m.items() if k[0] == "deskbot_deadline_lateness_seconds"}
    assert late and all(v > 0 for v in late.values())
    assert any(k[0] == "deskbot_deadlines_overdue" and v >= 1 for k, v in m.items())


async def test_a_command_logs_one_line_without_personal_data(bot, ding, clock, caplog):
    caplog.set_level(logging.INFO, logger="deskbot.command")
    resp = await post(bot, ding, clock, "m1")
    await bot.settle()
    [record] = [r for r in caplog.records if r.name == "deskbot.command"]
    line = record.getMessage()
    assert "建单" in line and "platform=dingtalk" in line and "outcome=ok" in line
    assert "ms=" in line and "request_id=" in line
    assert PHONE not in line and "华东制造" not in line and "打印凭证" not in line
    assert (record.command, record.outcome, record.platform) == ("建单", "ok", "dingtalk")
    # The edge's request id follows the event, so the line matches the HTTP request's.
    assert record.request_id == resp.headers["X-Request-Id"]


def test_json_logs_and_quiet_scheduler(capsys):
    settings = load_settings(None, logging__format="json", logging__level="DEBUG")
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        logsetup.configure(settings)
        assert logging.getLogger("apscheduler.executors").getEffectiveLevel() == logging.WARNING
        logging.getLogger("deskbot.command").info("command %s", "建单", extra={"outcome": "ok"})
        line = capsys.readouterr().err.strip().splitlines()[-1]
        data = json.loads(line)
        assert (data["msg"], data["outcome"], data["level"]) == ("command 建单", "ok", "INFO")
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])


def test_bad_logging_settings_are_refused():
    from bot.settings import SettingsError

    with pytest.raises(SettingsError):
        load_settings(None, logging__format="xml")
