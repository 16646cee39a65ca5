"""The monthly report's charts (PNG) and registers (XLSX) reach the platforms (issue 5).

The report is published on December's first working day the way the scheduler does it, and asked
for with /月报; the real relay then sends the outbox through the real senders to the fake WeCom
or DingTalk server on loopback. The tests read what the fake received: each upload's bytes (a
PNG, an XLSX that openpyxl opens with the report's sheets) and the image and file messages that
name the returned media ids, per destination and in order.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from openpyxl import load_workbook

from bot import messages as base
from bot.messages import FILE, IMAGE, OutboundMessage
from bot.platforms.local_hub import SimulatorHub
from bot.scheduler import Scheduler
from bot.services.reports import jobs as reports_jobs
from bot.settings import load_settings
from notifiers.relay import Relay
from notifiers.senders import registry
from storage.models import Chat, OutboxMessage, Staff
from storage.models.messaging import SENT
from tests.fakes.dingtalk_api import FakeDingTalk
from tests.fakes.wecom_api import FakeWeCom
from tests.month_data import bj, generate

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SHEETS = ["指标", "工单登记表", "投诉登记表", "回访记录", "时限达标"]
# Each run names its files apart (a rerun must not replace what was sent): month, time, nonce.
WORKBOOK = re.compile(r"registers-2026-11-\d{8}-\d{6}-[0-9a-f]{6}\.xlsx")
MANAGERS_HOOK_KEY = "managers-robot-key"
HQ_APPCHAT = "wrhqchat01"
DT_MANAGERS = "cidManagers+group=="
DT_BOSS = "boss-staff-id"


@dataclass
class Api:
    name: str
    fake: Any
    url: str


@pytest.fixture
async def api(request, aiohttp_server, clock) -> Api:
    fake = FakeWeCom(clock) if request.param == "wecom" else FakeDingTalk(clock)
    server = await aiohttp_server(fake.app())
    return Api(request.param, fake, str(server.make_url("")).rstrip("/"))


@pytest.fixture
def settings(db_url, tmp_path, api):
    common: dict[str, Any] = dict(
        database__url=db_url, simulator__enabled=True, center__general_manager="boss",
        reports={"dir": str(tmp_path / "reports"), "monthly_to": ["managers", "hq"]})
    f = api.fake
    if api.name == "wecom":
        return load_settings(None, wecom__enabled=True, wecom__corp_id=f.corp_id,
                             wecom__secret=f.secret, wecom__agent_id=f.agent_id,
                             wecom__api_base=api.url, **common)
    return load_settings(None, dingtalk__enabled=True, dingtalk__app_key=f.app_key,
                         dingtalk__app_secret=f.app_secret, dingtalk__robot_code=f.robot_code,
                         dingtalk__api_base=api.url, dingtalk__oapi_base=api.url, **common)


async def bind_chats(api: Api) -> None:
    """The managers and HQ chats live on the platform now, not in the simulator."""
    await Chat.filter(purpose__in=["managers", "hq"]).delete()
    if api.name == "wecom":
        # The managers' group is reached by its group robot, as WeCom shows the webhook URL.
        await Chat.create(platform=base.WECOM_BOT, chat_key="wrkmanagers", purpose="managers",
                          push_channel=base.CH_WECOM_WEBHOOK,
                          push_address="https://qyapi.weixin.qq.com/cgi-bin/webhook/send"
                                       f"?key={MANAGERS_HOOK_KEY}")
        # HQ is a group chat the app created (appchat/send).
        await Chat.create(platform=base.WECOM_APP, chat_key=HQ_APPCHAT, purpose="hq")
        api.fake.add_appchat(HQ_APPCHAT, ["boss", "liujing"])
    else:
        await Chat.create(platform=base.DINGTALK, chat_key=DT_MANAGERS, purpose="managers")


async def drain(settings, clock) -> int:
    """Run the relay until nothing is due; every row must have gone out."""
    async with aiohttp.ClientSession() as session:
        senders = registry.build(settings, session, clock, hub=SimulatorHub(clock))
        relay = Relay(settings, clock, senders, owner="report-delivery")
        sent = total = 0
        while True:
            sent = await relay.drain_once()
            total += sent
            if not sent:
                break
    rows = await OutboxMessage.all()
    assert [(r.dedupe_key, r.status, r.last_error) for r in rows if r.status != SENT] == []
    return total


async def queued(prefix: str) -> dict[str, list[OutboundMessage]]:
    """The files queued under an outbox key prefix, by address, in order."""
    out: dict[str, list[OutboundMessage]] = {}
    for row in await OutboxMessage.filter(dedupe_key__startswith=prefix).order_by("id"):
        msg = OutboundMessage.from_json(row.payload)
        if msg.kind in (IMAGE, FILE):
            out.setdefault(msg.address, []).append(msg)
    return out


def shape(kinds: list[str]) -> str:
    """A destination's messages as letters, a text split in pieces counting once: "TIIF"."""
    letters = {"text": "T", "sampleText": "T", "image": "I", "sampleImageMsg": "I",
               "file": "F", "sampleFile": "F"}
    out = ""
    for k in kinds:
        letter = letters[k]
        if not (letter == "T" and out.endswith("T")):
            out += letter
    return out


def check_png(data: bytes, path: str) -> None:
    assert data[:8] == PNG_MAGIC and data[12:16] == b"IHDR"
    assert data == Path(path).read_bytes()


def check_xlsx(data: bytes, path: str) -> None:
    assert data[:4] == b"PK\x03\x04"  # an XLSX is a zip
    assert data == Path(path).read_bytes()
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == SHEETS
    register = list(wb["投诉登记表"].iter_rows(values_only=True))
    assert len(register) == 1 + 5 + 1 and register[-1][0] == "合计 5 起"
    visits = list(wb["回访记录"].iter_rows(values_only=True))
    assert len(visits) == 1 + 10 + 1 and visits[-1][0] == "合计 10 次"


async def publish_and_ask(chat, env) -> str:
    await generate()
    await Staff.create(userid="boss", name="王总", roles="manager", team="总经办",
                       dingtalk_id=DT_BOSS)
    # Tuesday 2026-12-01, December's first working day, 09:00: November's reports go out.
    env.clock.set(bj(12, 1, 9))
    sched = Scheduler(env)
    reports_jobs.register(sched, env)
    await sched.run_due()
    env.clock.set(bj(12, 2, 10))
    return await chat.say("chenjian", "/月报 2026-11")


# -- WeCom ----------------------------------------------------------------------------------


def wecom_media(fake: FakeWeCom, received) -> list[tuple[str, str, bytes]]:
    """Each image or file message's media, as the fake stored it at upload."""
    out = []
    for r in received:
        if r.msgtype == "image" and "base64" in r.body["image"]:  # a group robot's image
            data = base64.b64decode(r.body["image"]["base64"])
            assert r.body["image"]["md5"] == hashlib.md5(data).hexdigest()
            out.append(("image", "", data))
        elif r.msgtype in ("image", "file"):
            media_id = r.body[r.msgtype]["media_id"]
            kind, name, data = fake.media[media_id]
            assert kind == r.msgtype
            out.append((kind, name, data))
    return out


def check_wecom_files(fake: FakeWeCom, api: str, dest: str,
                      expected: list[OutboundMessage]) -> None:
    received = [r for r in fake.received if r.api == api and r.dest == dest]
    media = wecom_media(fake, received)
    assert [k for k, _, _ in media] == [m.kind for m in expected]
    for (kind, name, data), msg in zip(media, expected):
        if kind == "image":
            check_png(data, msg.file_path)
        else:
            assert WORKBOOK.fullmatch(name) and name == Path(msg.file_path).name
            check_xlsx(data, msg.file_path)


@pytest.mark.parametrize("api", ["wecom"], indirect=True)
async def test_monthly_report_files_reach_wecom(api, chat, env, settings):
    fake: FakeWeCom = api.fake
    await bind_chats(api)
    answer = await publish_and_ask(chat, env)
    assert answer.startswith("【客户投诉分析报告】2026-11")
    await drain(settings, env.clock)

    complaints = await queued("monthly:2026-11:complaints")
    followups = await queued("monthly:2026-11:followups")
    asked = await queued("monthly-ask:2026-11:chenjian:")
    hook = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={MANAGERS_HOOK_KEY}"
    assert sorted(complaints) == sorted([hook, HQ_APPCHAT, "boss"])
    assert [m.kind for m in complaints["boss"]] == [IMAGE, IMAGE, FILE]

    # The general manager and the asker: app messages after media/upload, one token throughout.
    def sent_shape(api_name: str, dest: str) -> str:
        return shape([r.msgtype for r in fake.received if r.api == api_name and r.dest == dest])

    # Each report's text, then its files, in the order queued.
    assert sent_shape("message/send", "boss") == "TIIF"
    assert sent_shape("message/send", "chenjian") == "TIIFI"
    assert sent_shape("appchat/send", HQ_APPCHAT) == "TIIF"
    assert sent_shape("webhook/send", MANAGERS_HOOK_KEY) == "TIIFTI"
    check_wecom_files(fake, "message/send", "boss", complaints["boss"])
    check_wecom_files(fake, "message/send", "chenjian", asked["chenjian"])
    assert [m.kind for m in asked["chenjian"]] == [IMAGE, IMAGE, FILE, IMAGE]
    # HQ's app group chat: the same media flow through appchat/send.
    check_wecom_files(fake, "appchat/send", HQ_APPCHAT, complaints[HQ_APPCHAT])
    # The managers' group robot: images inline (base64 + md5), the workbook via upload_media;
    # the complaint report's files, then the follow-up report's chart.
    check_wecom_files(fake, "webhook/send", MANAGERS_HOOK_KEY,
                      complaints[hook] + followups[hook])

    uploads = list(fake.media.values())
    app_uploads = 3 + 3 + 4  # boss, HQ, chenjian: each image and file uploaded for its message
    assert len(uploads) == app_uploads + 1  # and the robot's workbook
    assert fake.calls.count("media/upload") == app_uploads
    assert fake.calls.count("webhook/upload_media") == 1
    assert sorted(k for k, _, _ in uploads) == ["file"] * 4 + ["image"] * 7
    assert fake.gettoken_calls == 1
    assert fake.dropped == [] and fake.duplicates == []


async def test_wecom_upload_refetches_an_expired_token(aiohttp_server, clock, tmp_path):
    """The upload is an access-token call like the others: 42001 there means one refetch."""
    from notifiers.senders.wecom import WeComSender

    fake = FakeWeCom(clock)
    server = await aiohttp_server(fake.app())
    settings = load_settings(None, wecom__enabled=True, wecom__corp_id=fake.corp_id,
                             wecom__secret=fake.secret, wecom__agent_id=fake.agent_id,
                             wecom__api_base=str(server.make_url("")).rstrip("/"))
    png = tmp_path / "chart.png"
    png.write_bytes(PNG_MAGIC + b"\x00\x00\x00\rIHDR" + b"\x00" * 20)
    async with aiohttp.ClientSession() as session:
        sender = WeComSender(settings, session, clock=clock)
        await sender.send(OutboundMessage(channel=base.CH_WECOM_APP, address="zhangwei",
                                          text="一", kind=IMAGE, file_path=str(png)), "k1")
        clock.advance(seconds=60)
        fake.expire_tokens()
        await sender.send(OutboundMessage(channel=base.CH_WECOM_APP, address="zhangwei",
                                          text="二", kind=IMAGE, file_path=str(png)), "k2")
    assert fake.gettoken_calls == 2
    assert fake.calls == ["gettoken", "media/upload", "message/send", "media/upload",
                          "gettoken", "media/upload", "message/send"]
    # Two uploads give two media ids, two deliveries.
    assert [r.msgtype for r in fake.received] == ["image", "image"]


# -- DingTalk -------------------------------------------------------------------------------


def check_dingtalk_files(fake: FakeDingTalk, api: str, dest: str,
                         expected: list[OutboundMessage]) -> None:
    received = [r for r in fake.received if r.api == api and r.dest == dest]
    files = [(r.body["msgKey"], json.loads(r.body["msgParam"])) for r in received
             if r.body["msgKey"] in ("sampleImageMsg", "sampleFile")]
    assert [k for k, _ in files] == ["sampleImageMsg" if m.kind == IMAGE else "sampleFile"
                                     for m in expected]
    for (key, param), msg in zip(files, expected):
        if key == "sampleImageMsg":
            kind, _, data = fake.media[param["photoURL"]]
            assert kind == "image"
            check_png(data, msg.file_path)
        else:
            assert WORKBOOK.fullmatch(param["fileName"]) and param["fileType"] == "xlsx"
            kind, name, data = fake.media[param["mediaId"]]
            assert (kind, name) == ("file", Path(msg.file_path).name)
            check_xlsx(data, msg.file_path)


@pytest.mark.parametrize("api", ["dingtalk"], indirect=True)
async def test_monthly_report_files_reach_dingtalk(api, chat, env, settings):
    fake: FakeDingTalk = api.fake
    await bind_chats(api)
    answer = await publish_and_ask(chat, env)
    assert answer.startswith("【客户投诉分析报告】2026-11")
    await drain(settings, env.clock)

    complaints = await queued("monthly:2026-11:complaints")
    followups = await queued("monthly:2026-11:followups")
    asked = await queued("monthly-ask:2026-11:chenjian:")
    assert sorted(complaints) == sorted([DT_MANAGERS, DT_BOSS])
    # The managers' group: the robot's group messages; the general manager and the asker: 1:1.
    def sent_shape(api_name: str, dest: str) -> str:
        return shape([r.body["msgKey"] for r in fake.received
                      if r.api == api_name and r.dest == dest])

    assert sent_shape("groupMessages", DT_MANAGERS) == "TIIFTI"
    assert sent_shape("oToMessages", DT_BOSS) == "TIIF"
    assert sent_shape("oToMessages", "chenjian") == "TIIFI"
    check_dingtalk_files(fake, "groupMessages", DT_MANAGERS,
                         complaints[DT_MANAGERS] + followups[DT_MANAGERS])
    check_dingtalk_files(fake, "oToMessages", DT_BOSS, complaints[DT_BOSS])
    check_dingtalk_files(fake, "oToMessages", "chenjian", asked["chenjian"])
    assert sorted(k for k, _, _ in fake.media.values()) == ["file"] * 3 + ["image"] * 8
    assert fake.token_calls == 1  # the OpenAPI token also serves the legacy upload
    assert fake.rejected == []
