"""Issue 15: a ticket moved to another customer falls under that customer's tier of the clocks."""
import pytest

from bot.settings import load_settings
from storage.models import Deadline


@pytest.fixture
def settings(db_url):
    return load_settings(None, database__url=db_url, simulator__enabled=True, clocks={
        "ticket_claim": {"tiers": {"大客户": {"target": "10m", "warnings": ["5m"]}}}})


async def test_a_new_customer_re_times_the_claim_clock_by_its_tier(chat, clock):
    assert "接单：剩余 15 分钟" in await chat.say("zhangwei", "/建单 客户=江南商贸 月结失败")
    clock.advance(minutes=1)
    answer = await chat.say("zhangwei", "/改单 T1 客户=华东制造")
    assert answer == ("已修改 T1：\n客户：江南商贸公司 → 华东制造有限公司\n"
                      "接单时限：截止 11-23 09:15 → 11-23 09:10（剩余 9 分钟）")
    row = await Deadline.get(object_type="ticket", object_id=1, clock="ticket_claim")
    assert row.tier == "大客户"
    # Back to the ordinary tier's 15 minutes; other fields alone re-time nothing.
    await chat.say("zhangwei", "/改单 T1 客户=江南商贸")
    assert await chat.say("zhangwei", "/改单 T1 联系人=王会计") == "已修改 T1：\n联系人：- → 王会计"
