"""Every query the hot commands and the tick run finds its rows through an index (issue 16).

The SQL is recorded while the real commands run, so the test follows the code: a new query that
scans a large table fails here on SQLite (EXPLAIN QUERY PLAN) and on PostgreSQL (EXPLAIN with
sequential scans priced out, so any scan left is one no index can serve).
"""
from __future__ import annotations

import re

from tortoise.transactions import in_transaction

from bot.services.deadlines import clocks as deadlines
from storage.sqlrec import Statement, record_sql

# Tables that grow with the center's history; the others (staff, chats, customers, courses,
# settings-like rows) stay small enough that a scan is the right plan.
LARGE = {"ticket", "ticket_event", "deadline", "deadline_event", "complaint", "complaint_event",
         "followup", "dispatch", "knowledge_entry", "knowledge_posting", "outbox", "inbound_event", "audit_log",
         "rejected_inbound", "penalty", "project", "project_event", "project_log",
         "training_session", "trainee", "duty_assignment", "job_run"}

HOT = ["/单 T1", "/我的", "/队列", "/查 打印凭证", "/建单 客户=华东制造 打印报表时报错",
       "/单 T2", "/指标", "/日报 11-23", "/月报 2026-11"]
MANAGER_ONLY = {"/指标", "/日报 11-23", "/月报 2026-11"}


async def _scenario(chat) -> None:
    await chat.say("zhangwei", "/建单 客户=华东制造 打印凭证时报错")
    await chat.say("lina", "/建单 客户=江南商贸 月末结账失败，提示有未记账凭证")
    await chat.say("lina", "/接单 T2")
    await chat.say("lina", "/解决 T2 审核并记账全部凭证后重新结账 原因=有未审核凭证 入库")


def _sqlite_scans(plan: list[dict], partial: set[str]) -> list[str]:
    # SCAN … USING INDEX walks a whole index (a SEARCH seeks into it): a full scan as well,
    # unless the index is partial and holds only the open rows.
    bad = []
    for row in plan:
        detail = row["detail"]
        m = re.match(r"SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?", detail)
        if m and m.group(1) in LARGE and m.group(2) not in partial:
            bad.append(detail)
    return bad


def _pg_scans(plan: list[dict], partial: set[str]) -> list[str]:
    # With sequential scans priced out the planner may walk a whole index instead (an index scan
    # with only a Filter): that is a full scan too, unless the index is partial (it holds only
    # the open rows, not the history). A node's details follow it, more indented.
    lines = [r["QUERY PLAN"] for r in plan]
    bad = []
    for i, ln in enumerate(lines):
        m = re.search(r"(Seq Scan|Index Scan|Index Only Scan)(?: Backward)?(?: using (\w+))? on (\w+)",
                      ln)
        if not m or m.group(3) not in LARGE or m.group(2) in partial:
            continue
        details = []
        for d in lines[i + 1:]:
            if "->" in d:
                break
            details.append(d)
        if m.group(1) == "Seq Scan" or not any("Index Cond" in d for d in details):
            bad.append(ln.strip())
    return bad


async def _full_scans(conn, stmt: Statement, partial: set[str]) -> list[str]:
    if stmt.dialect == "sqlite":
        _, plan = await conn.execute_query(f"EXPLAIN QUERY PLAN {stmt.sql}", stmt.values or [])
        return _sqlite_scans([dict(r) for r in plan], partial)
    _, plan = await conn.execute_query(f"EXPLAIN {stmt.sql}", stmt.values or [])
    return _pg_scans([dict(r) for r in plan], partial)


def _tail(sql: str) -> str:
    # The column list says nothing about the plan; the FROM onwards does.
    at = sql.find(" FROM ")
    return sql[at:at + 300] if at >= 0 else sql[:300]


def _is_lookup(stmt: Statement) -> bool:
    head = stmt.sql.lstrip().split(" ", 1)[0].upper()
    return head in ("SELECT", "UPDATE", "DELETE", "WITH")


async def test_hot_commands_and_the_tick_use_indexes(chat, env):
    await _scenario(chat)
    recorded: dict[str, list[Statement]] = {}
    for text in HOT:
        who = "liujing" if text in MANAGER_ONLY else "zhangwei"
        with record_sql() as rec:
            answer = await chat.say(who, text)
        assert answer and "出错" not in answer, (text, answer)
        recorded[text] = [s for s in rec.statements if _is_lookup(s)]
    with record_sql() as rec:
        await deadlines.next_due(env)
    recorded["next_due"] = [s for s in rec.statements if _is_lookup(s)]
    assert recorded["next_due"], "the tick's lookup was not recorded"

    failures = []
    # One transaction, so the planner setting holds on the one pooled connection that explains.
    async with in_transaction() as conn:
        _, rows = await conn.execute_query(
            "SELECT name AS indexname FROM sqlite_master WHERE type = 'index' "
            "AND sql LIKE '% WHERE %'") if env.settings.database.url.startswith("sqlite") \
            else (0, [])
        partial: set[str] = {r["indexname"] for r in rows}
        if not env.settings.database.url.startswith("sqlite"):
            await conn.execute_script("SET LOCAL enable_seqscan = off")
            _, rows = await conn.execute_query(
                "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' "
                "AND indexdef LIKE '% WHERE %'")
            partial = {r["indexname"] for r in rows}
        for text, stmts in recorded.items():
            for stmt in stmts:
                scans = await _full_scans(conn, stmt, partial)
                if scans:
                    failures.append(f"{text}: …{_tail(stmt.sql)} -> {scans}")
    assert not failures, "\n".join(failures)
