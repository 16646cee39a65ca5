"""How many SQL statements a command costs in processing (issue 16): counts are deterministic,
so they are asserted; timings are only printed by bench/scale.py."""
from __future__ import annotations

from storage.models import Staff, Ticket
from storage.sqlrec import record_sql

# /建单 in processing, once the sender and the hotline chat are cached: the command's savepoint
# (a refused command in a batch rolls back alone) and its release, the customer (exact name or
# abbreviation in one lookup), the customer's contracts (the current one decides the service
# modes), the duplicate check, the ticket and its event, the claim clock and its event (a new
# ticket has no clock to look up first, and the answer describes the row just written), the
# hotline card (one INSERT … ON CONFLICT) and its card row (where it was shown, so a claim can
# redraw it, issue 15) and the knowledge suggestions' term counts; who is on duty comes from the
# lookup cache. It was 18 with a SELECT before every outbox INSERT, a savepoint per deadline and
# the sender and chats read every time, 16 with two customer lookups and the clock looked up and
# read back, and 13 with the roster read every time.
CREATE_MAX = 12


async def _count(chat, who: str, text: str) -> tuple[int, list[str]]:
    handle = chat.dispatcher.handle
    seen: list[str] = []

    async def recorded(msg):
        with record_sql() as rec:
            try:
                return await handle(msg)
            finally:
                seen.extend(s.sql for s in rec.statements)

    chat.dispatcher.handle = recorded
    try:
        answer = await chat.say(who, text)
    finally:
        chat.dispatcher.handle = handle
    assert answer, text
    return len(seen), seen


async def test_create_ticket_costs_few_statements(chat):
    await chat.say("zhangwei", "/建单 客户=江南商贸 月末结账失败，提示有未记账凭证")  # warms caches
    n, sql = await _count(chat, "zhangwei", "/建单 客户=华东制造 打印凭证时报错 联系人=王会计")
    assert n <= CREATE_MAX, "\n".join(sql)


async def test_show_ticket_costs_few_statements(chat):
    await chat.say("zhangwei", "/建单 客户=华东制造 打印凭证时报错")
    n, sql = await _count(chat, "zhangwei", "/单 T1")
    # 11: a ticket taken without a contact shows the archive's primary contact (one lookup).
    assert n <= 11, "\n".join(sql)


async def test_cached_sender_follows_a_change_to_their_staff_row(chat):
    assert "已建单" in await chat.say("zhangwei", "/建单 客户=华东制造 打印凭证时报错")
    person = await Staff.get(userid="zhangwei")
    person.active = False
    await person.save()  # what an import or an admin's change does: the cache is emptied
    answer = await chat.say("zhangwei", "/建单 客户=华东制造 打印报表时报错")
    assert "已建单" not in answer and "zhangwei" in answer
    assert await Ticket.all().count() == 1


# /接单 with the hotline card shown in one chat: the claim itself (savepoint, ticket read and
# conditional update, event, claim clock met and handed to the new owner, the creator's notice)
# and the card's redraw (its card rows, the ticket's state and last owner event, the version
# counted and read back, the redraw's outbox row), then the ticket read back for the answer.
CLAIM_MAX = 18


async def test_claim_with_its_card_redraw_costs_few_statements(chat):
    await chat.say("zhangwei", "/建单 客户=华东制造 打印凭证时报错")
    n, sql = await _count(chat, "lina", "/接单 T1")
    assert n <= CLAIM_MAX, "\n".join(sql)
    assert sum('"card"' in s for s in sql) == 3, "\n".join(sql)


async def _add_projects(env, n: int) -> None:
    from datetime import timedelta

    from storage.models import Customer, Project, ProjectLog, ProjectStage

    customer = await Customer.filter(name="华东制造有限公司").first()
    zhou, wu = await Staff.get(userid="zhou"), await Staff.get(userid="wu")
    today = env.calendar.local(env.now()).date()
    for _ in range(n):
        p = await Project.create(customer=customer, title="财务软件实施", status="active",
                                 applied_by=zhou, manager=zhou, consultants="wu",
                                 created_at=env.now(), started_at=env.now())
        for seq, training in ((1, True), (2, False)):
            await ProjectStage.create(project=p, seq=seq, name=f"阶段{seq}", training=training,
                                      planned_start=today, planned_end=today + timedelta(days=9))
        await ProjectLog.create(project=p, consultant=wu, day=today - timedelta(days=1),
                                missing=True, content="", at=env.now())


async def test_mine_costs_the_same_however_many_projects(chat, env):
    """/我的 of a project manager and of a consultant: a fixed number of statements, not a few
    per project they work on."""
    await _add_projects(env, 1)
    for who in ("zhou", "wu"):
        await chat.say(who, "/我的")  # warms the sender cache
    few = {who: (await _count(chat, who, "/我的"))[0] for who in ("zhou", "wu")}
    await _add_projects(env, 5)
    for who in ("zhou", "wu"):
        n, sql = await _count(chat, who, "/我的")
        assert n == few[who], "\n".join(sql)
