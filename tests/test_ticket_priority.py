"""Issue 15, item 4: priorities a configured list; clocks per priority and customer tier."""
import pytest

from bot.settings import load_settings
from storage.models import Deadline


async def claim_minutes(chat, text: str) -> int:
    answer = await chat.say("zhangwei", text)
    assert "已建单" in answer, answer
    row = await Deadline.filter(object_type="ticket", clock="ticket_claim").order_by("-id").first()
    return int((row.due_at - row.started_at).total_seconds() // 60)


async def test_urgent_gets_shorter_clocks_by_default(chat):
    assert await claim_minutes(chat, "/建单 客户=华东制造 报错") == 15
    answer = await chat.say("zhangwei", "/建单 客户=华东制造 无法登录 优先级=紧急 查重=否")
    assert "接单：剩余 5 分钟" in answer
    await chat.say("zhangwei", "/接单 T2")
    callback = await chat.say("zhangwei", "/回电 T2 查补丁")
    row = await Deadline.get(object_type="ticket", object_id=2, clock="ticket_callback")
    assert (row.due_at - row.started_at).total_seconds() == 30 * 60 and row.tier == "紧急"
    assert "T2" in callback


def test_most_specific_policy_wins():
    policies = load_settings(None, clocks={"ticket_claim": {"tiers": {
        "大客户": {"target": "10m", "warnings": ["5m"]},
        "紧急/大客户": {"target": "2m", "warnings": ["1m"]}}}}).clocks
    assert policies.key("ticket_claim", "紧急/大客户", "紧急", "大客户") == "紧急/大客户"
    assert policies.key("ticket_claim", "普通/大客户", "普通", "大客户") == "大客户"
    assert policies.key("ticket_claim", "紧急/普通", "紧急", "普通") == "紧急"
    assert policies.key("ticket_claim", "低/普通", "低", "普通") == ""
    assert policies.get("ticket_claim", "紧急").target.text == "5m"  # the default kept


def test_default_priority_must_be_listed():
    with pytest.raises(Exception) as err:
        load_settings(None, service__priorities=["紧急", "普通"], service__default_priority="低")
    assert "默认优先级“低”不在优先级列表中：紧急、普通" in str(err.value)
