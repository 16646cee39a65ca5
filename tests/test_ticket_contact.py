"""Issue 15, item 1: contact, phone and product on the ticket card and in /单; the phone in full
only in a private chat with the owner or the dispatched engineer (audited), masked elsewhere;
phones normalised and checked at /建单."""
import pytest

from bot.errors import UserError
from bot.services.directory.phones import normalise_phone, shown_phone
from storage.models import AuditLog, Ticket
from tests.test_dispatches import refused

NEW = "/建单 客户=华东制造 打印凭证时报错 联系人=王会计 电话=１３８-００００-１１１１ 产品=T3-10.8"


@pytest.mark.parametrize("typed, stored", [
    ("13800001111", "13800001111"),
    ("１３８００００１１１１", "13800001111"),
    ("138 0000 1111", "13800001111"),
    ("138-0000-1111", "13800001111"),
    ("+86 138 0000 1111", "13800001111"),
    ("021-62345678", "02162345678"),
    ("（0571）8765 4321", "057187654321"),
    ("400-810-8888", "4008108888"),
    ("021-62345678转123", "02162345678转123"),
    ("", ""),
])
def test_phone_normal_form(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "1380000111", "23800001111", "电话号码", "138000011112"])
def test_phone_refused_with_an_example(typed):
    with pytest.raises(UserError) as err:
        normalise_phone(typed)
    assert f"电话“{typed}”不是有效的号码" in str(err.value) and "电话=13800001111" in str(err.value)


def test_phone_masking_keeps_the_extension():
    assert shown_phone("13800001111", full=False) == "138****1111"
    assert shown_phone("02162345678转123", full=False) == "021****5678转123"
    assert shown_phone("13800001111", full=True) == "13800001111"
    assert shown_phone("", full=False) == "-"


async def test_create_stores_the_normal_form_and_the_card_masks_it(chat):
    answer = await chat.say("zhangwei", NEW)
    assert answer.startswith("已建单 T1"), answer
    ticket = await Ticket.get(id=1)
    assert ticket.phone == "13800001111" and ticket.product == "T3-10.8"
    card = (await chat.pushes(address="chat:hotline"))[0].msg
    assert "联系人：王会计　电话：138****1111" in card.text and "产品：T3-10.8" in card.text
    assert "13800001111" not in card.text


async def test_bad_phone_at_create_changes_nothing(chat):
    answer = await refused(chat, "zhangwei", "/建单 客户=华东制造 打印报错 电话=1380000")
    assert answer.startswith("电话“1380000”不是有效的号码")
    assert await Ticket.all().count() == 0


async def test_show_full_phone_to_the_owner_in_private_only_and_audited(chat):
    await chat.say("zhangwei", NEW)
    private = await chat.say("zhangwei", "/单 T1")
    assert "联系人：王会计；电话：13800001111；产品：T3-10.8" in private
    reads = await AuditLog.filter(command="read")
    assert [(r.actor, r.text) for r in reads] == [("zhangwei", "工单 T1 的电话（完整）")]
    group = await chat.say("zhangwei", "/单 T1", chat="hotline")
    assert "电话：138****1111" in group and "13800001111" not in group
    other = await chat.say("lina", "/单 T1")
    assert "电话：138****1111" in other and "13800001111" not in other
    assert await AuditLog.filter(command="read").count() == 1


async def test_show_full_phone_to_the_dispatched_engineer(chat):
    await chat.say("zhangwei", NEW)
    await chat.say("zhangwei", "/接单 T1")
    await chat.say("zhangwei", "/申请上门 T1 远程连不上服务器")
    before = await chat.say("wangqiang", "/单 T1")
    assert "电话：138****1111" in before
    await chat.say("liujing", "/派工 T1 王强")
    after = await chat.say("wangqiang", "/单 T1")
    assert "电话：13800001111" in after
    assert await AuditLog.filter(command="read", actor="wangqiang").count() == 1


async def test_ticket_without_contact_shows_the_archives_primary_contact(chat):
    await chat.say("zhangwei", "/建单 客户=华东制造 打印凭证时报错")
    assert "联系人：王会计（客户档案的主要联系人）；电话：139****0001；产品：-" in \
        await chat.say("zhangwei", "/单 T1", chat="hotline")
    assert await AuditLog.filter(command="read").count() == 0
    # The owner in private reads the number in full, and that read is audited.
    assert "联系人：王会计（客户档案的主要联系人）；电话：13900000001；产品：-" in \
        await chat.say("zhangwei", "/单 T1")
    assert await AuditLog.filter(command="read").count() == 1


async def test_ticket_of_a_customer_without_contacts_shows_dashes(chat):
    await chat.say("zhangwei", "/建单 客户=西部电子 新客户=是 打印凭证时报错")
    assert "联系人：-；电话：-；产品：-" in await chat.say("zhangwei", "/单 T1")
    assert await AuditLog.filter(command="read").count() == 0
