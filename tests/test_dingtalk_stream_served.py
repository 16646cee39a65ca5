"""A real `deskbot serve` process in DingTalk Stream mode: no public URL, it dials the (fake)
stream gateway itself, and a robot message pushed over the stream is answered."""
from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from tests.app_harness import serve_fake
from tests.deskbot_cli import clean_env, deskbot
from tests.fakes.callbacks import dingtalk_message
from tests.fakes.dingtalk_api import FakeDingTalk
from tests.fakes.dingtalk_stream import FakeDingTalkStream
from tests.test_operator_errors import free_port

APP_KEY, SECRET, ROBOT = "dingservedkey", "served-dingtalk-secret", "dingservedrobot"


def write_config(cwd: Path, port: int, ding: FakeDingTalk, stream: FakeDingTalkStream) -> str:
    (cwd / "deskbot.toml").write_text(
        f'[server]\nport = {port}\n[database]\nurl = "sqlite://served.sqlite3"\n'
        f'[center]\nadmins = ["admin"]\n'
        f'[dingtalk]\nenabled = true\napp_key = "{APP_KEY}"\napp_secret = "{SECRET}"\n'
        f'robot_code = "{ROBOT}"\napi_base = "{ding.base}"\noapi_base = "{ding.base}"\n'
        f'mode = "stream"\nstream_base = "{stream.base}"\n', encoding="utf-8")
    return "deskbot.toml"


async def test_deskbot_serve_in_stream_mode_connects_and_answers(tmp_path, aiohttp_server):
    ding = await serve_fake(FakeDingTalk(app_key=APP_KEY, app_secret=SECRET, robot_code=ROBOT),
                            aiohttp_server)
    stream = await serve_fake(FakeDingTalkStream(client_id=APP_KEY, client_secret=SECRET),
                              aiohttp_server)
    port = free_port()
    name = write_config(tmp_path, port, ding, stream)
    for command in (["migrate"], ["demo-data"]):
        done = await asyncio.to_thread(deskbot, tmp_path, "-c", name, *command)
        assert done.returncode == 0, done.stderr
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "-c", name, "serve", cwd=tmp_path, env=clean_env(),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    try:
        await stream.wait_connected(timeout=90)
        webhook, expires = ding.new_session(ding.base)
        _, body = dingtalk_message(
            SECRET, msg_id="served-1", sender_staff_id="zhangwei",
            text="/建单 客户=华东制造 打印凭证时报错", at=ding.clock,
            conversation_id="cidSERVED", conversation_type="2", robot_code=ROBOT,
            session_webhook=webhook, session_webhook_expired_ms=int(expires.timestamp() * 1000))
        await stream.wait_acked(await stream.push_message(json.loads(body)), timeout=30)
        for _ in range(300):
            answers = ding.contents("sendBySession")
            if answers:
                break
            await asyncio.sleep(0.1)
        assert answers and answers[0].startswith("已建单 T1（客户：华东制造有限公司）"), answers
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/metrics") as resp:
                metrics = await resp.text()
        connected = [s.value for family in text_string_to_metric_families(metrics)
                     for s in family.samples if family.name == "deskbot_long_connection_state"
                     and s.labels == {"connection": f"dingtalk_stream:{APP_KEY}",
                                      "state": "connected"}]
        assert connected == [1.0]
    finally:
        if proc.returncode is None:
            proc.terminate()
        _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert b"Traceback" not in err, err.decode(errors="replace")[-2000:]
