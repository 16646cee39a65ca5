"""A real `deskbot serve` process configured for the WeCom robot's long connection: it opens no
callback door, connects to the (fake) WeCom endpoint on its own and answers an @-mention."""
from __future__ import annotations

import asyncio
import sys

from tests.deskbot_cli import clean_env, deskbot
from tests.fakes.wecom_ws import FakeWeComWs

BOT_ID, SECRET = "aibServed0001", "served-secret"
PORT = 18221  # this suite's range for processes it starts


async def test_served_bot_connects_and_answers_an_at_mention(tmp_path, aiohttp_server):
    fake = FakeWeComWs(BOT_ID, SECRET)
    server = await aiohttp_server(fake.app())
    ws_url = str(server.make_url("/")).replace("http://", "ws://")
    (tmp_path / "lc.toml").write_text(
        f'[server]\nport = {PORT}\n[database]\nurl = "sqlite://lc.sqlite3"\n'
        f'[wecom.bot]\nenabled = true\nmode = "long_connection"\nbot_id = "{BOT_ID}"\n'
        f'secret = "{SECRET}"\nws_url = "{ws_url}"\n', encoding="utf-8")
    for args in (("migrate",), ("demo-data",)):
        done = await asyncio.to_thread(deskbot, tmp_path, "-c", "lc.toml", *args)
        assert done.returncode == 0, done.stderr

    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "-c", "lc.toml", "serve", cwd=tmp_path, env=clean_env(),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    try:
        await fake.wait_live(timeout=90)
        req = await fake.say("@值班助手 /帮助", userid="zhangwei", chatid="wrSERVED01",
                             msgid="served-1")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while not any(f.req_id == req for f in fake.responds):
            assert loop.time() < deadline, "no answer from the served bot"
            assert proc.returncode is None, "the served bot exited"
            await asyncio.sleep(0.05)
        [answer] = [f.content for f in fake.responds if f.req_id == req]
        assert "/建单" in answer
    finally:
        proc.terminate()
        _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert b"Traceback" not in err, err.decode(errors="replace")[-2000:]


def test_long_connection_without_its_secret_is_refused_at_start(tmp_path):
    (tmp_path / "nosecret.toml").write_text(
        f'[server]\nport = {PORT + 1}\n[database]\nurl = "sqlite://n.sqlite3"\n'
        f'[wecom.bot]\nenabled = true\nmode = "long_connection"\nbot_id = "{BOT_ID}"\n',
        encoding="utf-8")
    assert deskbot(tmp_path, "-c", "nosecret.toml", "migrate").returncode == 0
    proc = deskbot(tmp_path, "-c", "nosecret.toml", "serve")
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode != 0 and len(lines) == 1, proc.stderr
    assert "wecom.bot.secret" in lines[0] and "必须填写" in lines[0]
