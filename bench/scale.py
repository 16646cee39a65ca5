"""A national center's scale (issue 16): command processing time against a large history.

    .venv/bin/python bench/scale.py [--tickets 1000000] [--repeat 30] [--no-sqlite] [--no-postgres]
                                    [--pg-db bench_scale] [--keep]

For each database (a fresh SQLite file in a temporary directory; PostgreSQL database
`bench_scale` on 127.0.0.1, created and dropped here, never `test`; `--keep` leaves it filled,
to read query plans) the bench:
  1. builds the schema by the project's migrations and loads the demo staff, customers and chats;
  2. fills it, by INSERT ... SELECT over a generated series (the database does the work, the
     Python heap holds no rows): N tickets over the two years before the bench's clock, 3N ticket
     events, 1.1N deadlines of which 0.1N open, N/10 dispatches, and min(100k, N/10) knowledge
     entries copied from a few real ones (indexed like any entry: FTS5 / GIN and term counts),
     N/20 complaints and N/5 follow-up visits; then ANALYZE;
  3. runs each command `--repeat` times through the real dispatcher inside one transaction (what
     the pipeline does per event; the ack, dedupe and relay are not counted) and prints p50 / p99
     of processing, the median CPU time of the event loop's thread (the SQLite engine works in
     a thread of its own, PostgreSQL in its server) and the SQL statements one run costs;
  4. times the scheduler's next-due lookup (200 times after one warm-up call, as the running
     bot asks each second), and prints the RSS after the reports.
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import random
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tortoise import Tortoise  # noqa: E402
from tortoise.transactions import in_transaction  # noqa: E402

from bench.timers import rss_mb  # noqa: E402
from bot.calendar import WorkCalendar  # noqa: E402
from bot.clock import FakeClock  # noqa: E402
from bot.dispatcher import Dispatcher  # noqa: E402
from bot.messages import CH_LOCAL, LOCAL, PRIVATE, InboundMessage, Reply  # noqa: E402
from bot.runtime import Runtime  # noqa: E402
from bot.services.deadlines import clocks as deadlines  # noqa: E402
from bot.services.knowledge import library  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from commands import all_routers  # noqa: E402
from storage import search_index  # noqa: E402
from storage.db import connection, migrate, tortoise_config  # noqa: E402
from storage.models import Chat, Customer, Staff  # noqa: E402
from storage.sqlrec import record_sql  # noqa: E402

PG_DB = "bench_scale"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=timezone.utc)  # a Monday, 17:30 in Beijing
SPAN_S = 2 * 365 * 86400
KB_SAMPLES = [
    ("凭证打印时提示打印控件未注册", "以管理员身份运行 regsvr32 注册打印控件"),
    ("月末结账时提示本月还有未记账凭证，无法结账", "先审核并记账全部凭证，再执行月末结账"),
    ("加密锁插上后软件提示找不到加密锁", "重新安装加密锁驱动并更换 USB 接口"),
    ("报表取数公式结果全部为零", "检查报表公式中的科目代码与会计期间"),
    ("工资表导入 Excel 时姓名乱码", "将文件另存为 UTF-8 编码的 CSV 后再导入"),
    ("网络版客户端登录服务器超时", "检查服务器防火墙端口并重启服务"),
    ("进销存出库单保存时报错", "重建库存余额表后重新保存"),
    ("数据库备份恢复后账套打不开", "用同版本工具恢复并修复账套"),
]
QUERIES = ["打印凭证", "月末结账失败", "加密锁", "报表公式", "工资乱码", "登录超时", "出库报错",
           "账套恢复"]


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def _series(sqlite: bool, n: int) -> str:
    if sqlite:
        return (f"(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) "
                "SELECT i FROM s)")
    return f"(SELECT generate_series(1, {n}) AS i)"


def _at(sqlite: bool, seconds_ago: str) -> str:
    """A timestamp `seconds_ago` (an SQL expression) before NOW, as each database stores it."""
    if sqlite:
        return (f"strftime('%Y-%m-%d %H:%M:%S+00:00', '{NOW:%Y-%m-%d %H:%M:%S}', "
                f"printf('%+d seconds', -CAST({seconds_ago} AS INTEGER)))")
    return f"(TIMESTAMPTZ '{NOW.isoformat()}' - ({seconds_ago}) * INTERVAL '1 second')"


async def fill(url: str, n: int, env: Runtime) -> None:
    from bot.cli import DEMO_CHATS, DEMO_DIR
    from bot.services.directory import imports

    await imports.import_staff(DEMO_DIR / "staff.csv")
    await imports.import_customers(DEMO_DIR / "customers.csv")
    for purpose, name in DEMO_CHATS:
        await Chat.create(platform="local", chat_key=purpose, purpose=purpose, name=name)
    staff = sorted(await Staff.all().values_list("id", flat=True))
    customers = sorted(await Customer.all().values_list("id", flat=True))
    sqlite = url.startswith("sqlite")
    conn = connection()
    step = SPAN_S / n
    ago = f"({n} - i) * {step:.6f}"
    owner = f"(SELECT {staff[0]} + (i % {len(staff)}))" if staff == list(
        range(staff[0], staff[0] + len(staff))) else str(staff[0])
    cust = f"{customers[0]} + (i % {len(customers)})" if customers == list(
        range(customers[0], customers[0] + len(customers))) else str(customers[0])
    open_from = n - n // 20  # the newest 5% are still open
    t0 = time.perf_counter()
    await conn.execute_script(
        "INSERT INTO ticket (id, customer_id, contact, phone, product, priority, channel, "
        "category, service_mode, description, status, creator_id, owner_id, solution, "
        "created_at, claimed_at, resolved_at, source_platform, source_chat) "
        f"SELECT i, {cust}, '', '', '财务软件', '普通', '热线', '', '电话', "
        "'打印凭证时报错 ' || i, "
        f"CASE WHEN i > {open_from} THEN (CASE WHEN i % 2 = 0 THEN 'new' ELSE 'claimed' END) "
        f"ELSE 'closed' END, {owner}, {owner}, '', {_at(sqlite, ago)}, "
        f"{_at(sqlite, ago + ' - 600')}, "
        f"CASE WHEN i > {open_from} THEN NULL ELSE {_at(sqlite, ago + ' - 7200')} END, "
        f"'local', '' FROM {_series(sqlite, n)} t")
    for kind, shift in (("created", "0"), ("claimed", "600"), ("resolved", "7200")):
        await conn.execute_script(
            "INSERT INTO ticket_event (ticket_id, at, actor_id, kind, detail) "
            f"SELECT i, {_at(sqlite, ago + ' - ' + shift)}, {owner}, '{kind}', '' "
            f"FROM {_series(sqlite, n)} t")
    # 1.1N deadlines: each ticket's claim clock (met), and a tenth of them an open callback.
    for clock, count, state in (("ticket_claim", n, "met"), ("ticket_callback", n // 10,
                                                             "running")):
        is_open = state == "running"
        due = _at(sqlite, f"{ago} - 3600" if not is_open else "-86400 - i")
        await conn.execute_script(
            "INSERT INTO deadline (object_type, object_id, clock, tier, state, cycle, "
            "started_at, anchor_at, due_at, working, next_check_at, warnings_sent, level, "
            "closed_at, late, owner_id, context) "
            f"SELECT 'ticket', i, '{clock}', '', '{state}', 0, {_at(sqlite, ago)}, "
            f"{_at(sqlite, ago)}, {due}, {'false' if not sqlite else 0}, "
            f"{due if is_open else 'NULL'}, 0, 0, "
            f"{'NULL' if is_open else _at(sqlite, ago + ' - 600')}, "
            f"{'NULL' if is_open else ('false' if not sqlite else 0)}, {owner}, '{{}}' "
            f"FROM {_series(sqlite, count)} t")
    await conn.execute_script(
        "INSERT INTO dispatch (ticket_id, status, reason, requested_at, backup_note, "
        "data_authorized_by, data_authorization_ref, signatory, result, cause, outcome) "
        f"SELECT i * 10, 'done', '', {_at(sqlite, ago)}, '', '', '', '', '', '', '' "
        f"FROM {_series(sqlite, n // 10)} t")
    # N/20 complaints (a third valid and counted, a tenth from HQ) and N/5 follow-up visits
    # (scores 2-5), spread over the same two years: the monthly reports' registers and figures.
    cats = ("服务延时", "服务质量", "服务态度", "服务收费")
    flag = (lambda cond: f"CASE WHEN {cond} THEN 1 ELSE 0 END") if sqlite else (lambda cond: cond)
    await conn.execute_script(
        "INSERT INTO complaint (status, source, channel, customer_id, contact, phone, category, "
        "level, content, received_at, registered_by_id, created_at, valid, counted, "
        "confirm_note, department, responsible_id, cause, measure, opinion, reopened, "
        "escalation_note, corrective, preventive, archived_at) "
        f"SELECT 'archived', CASE WHEN i % 10 = 0 THEN 'hq' ELSE 'customer' END, '电话', {cust}, "
        "'周会计', '13900000001', "
        f"CASE i % 4 {' '.join(f'WHEN {k} THEN {c!r}' for k, c in enumerate(cats))} END, "
        f"'general', '上门一周未到 ' || i, {_at(sqlite, f'({n // 20} - i) * {20 * step:.6f}')}, "
        f"{owner}, {_at(sqlite, f'({n // 20} - i) * {20 * step:.6f}')}, {flag('i % 3 = 0')}, "
        f"{flag('i % 3 = 0')}, '', '', {owner}, '回电超时', '', '', 0, '', '重新上门', '', "
        f"{_at(sqlite, f'({n // 20} - i) * {20 * step:.6f} - 86400')} "
        f"FROM {_series(sqlite, n // 20)} t")
    await conn.execute_script(
        "INSERT INTO followup (service_key, ticket_id, customer_id, engineer_id, service_at, "
        "status, created_at, visitor_id, visited_at, timeliness, skill, attitude, remarks, "
        "issue_kind, issue, issue_status, issue_result) "
        f"SELECT 'bench:' || i, i * 5, {cust}, {owner}, {_at(sqlite, f'({n // 5} - i) * {5 * step:.6f}')}, "
        f"'done', {_at(sqlite, f'({n // 5} - i) * {5 * step:.6f}')}, {owner}, "
        f"{_at(sqlite, f'({n // 5} - i) * {5 * step:.6f} - 3600')}, 2 + i % 4, 2 + (i / 3) % 4, "
        "5 - i % 3, '', '', '', '', '' "
        f"FROM {_series(sqlite, n // 5)} t")
    for symptom, solution in KB_SAMPLES:
        await library.add_entry(env, symptom=symptom, solution=solution, product="财务软件")
    kb = min(100_000, n // 10) - len(KB_SAMPLES)
    await conn.execute_script(
        "INSERT INTO knowledge_entry (symptom, cause, solution, product, version, created_at, "
        "terms, hits, sensitive) SELECT e.symptom, e.cause, e.solution, e.product, e.version, "
        "e.created_at, e.terms, 0, e.sensitive FROM knowledge_entry e CROSS JOIN "
        f"{_series(sqlite, kb // len(KB_SAMPLES))} t")
    # Term counts and (on SQLite) the FTS table rebuilt from what was bulk-loaded.
    await search_index.install(conn)
    # What autovacuum does over a live database's months; a bulk load leaves it undone (the
    # postings' index-only scans would visit the heap for every row).
    await conn.execute_script("ANALYZE" if sqlite else "VACUUM ANALYZE")
    if not sqlite:  # ids were given explicitly: move the sequences past them
        for table in ("ticket", "ticket_event", "deadline", "dispatch", "knowledge_entry",
                      "complaint", "followup"):
            await conn.execute_script(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))")
    print(f"  filled {n:,} tickets in {time.perf_counter() - t0:.1f} s", flush=True)


async def bench(name: str, url: str, n: int, repeat: int) -> None:
    print(f"\n== {name}: {n:,} tickets ==", flush=True)
    await migrate(url)
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    settings = load_settings(None, database__url=url, simulator__enabled=True)
    clock = FakeClock(NOW)
    env = Runtime(settings=settings, clock=clock, calendar=WorkCalendar.from_settings(settings))
    await fill(url, n, env)
    dispatcher = Dispatcher(env, all_routers())
    ids = itertools.count(1)
    rng = random.Random(16)

    async def run(who: str, text: str) -> tuple[float, float, int, str]:
        msg = InboundMessage(platform=LOCAL, dedupe_key=f"bench:{next(ids)}", sender_id=who,
                             chat_type=PRIVATE, chat_id="", text=text, mentions=(),
                             reply=Reply(channel=CH_LOCAL, address=f"user:{who}"),
                             sent_at=NOW.timestamp())
        with record_sql() as rec:
            t, cpu = time.perf_counter(), time.thread_time()
            async with in_transaction():
                ctx = await dispatcher.handle(msg)
            took, cpu = time.perf_counter() - t, time.thread_time() - cpu
        return took, cpu, len(rec), ctx.answer.text if ctx.answer else ""

    cases = [
        ("/单", "zhangwei", lambda: f"/单 T{rng.randint(1, n)}"),
        ("/我的", "zhangwei", lambda: "/我的"),
        ("/队列", "zhangwei", lambda: "/队列"),
        ("/查", "zhangwei", lambda: f"/查 {rng.choice(QUERIES)}"),
        ("/建单", "zhangwei", lambda: "/建单 客户=华东制造 打印凭证时报错"),
        ("/指标", "liujing", lambda: "/指标"),
        ("/日报", "liujing", lambda: "/日报 11-20"),
        ("/月报", "chenjian", lambda: "/月报 2026-10"),
    ]
    print(f"  {'command':<8}{'p50 ms':>10}{'p99 ms':>10}{'loop CPU ms':>13}{'statements':>12}",
          flush=True)
    for label, who, text in cases:
        times, cpus, counts = [], [], []
        reps = max(3, repeat // 10) if label in ("/月报", "/指标", "/日报") else repeat
        for _ in range(reps):
            took, cpu, count, answer = await run(who, text())
            if "出错" in answer[:20]:
                raise SystemExit(f"{label} failed: {answer}")
            times.append(took * 1000)
            cpus.append(cpu * 1000)
            counts.append(count)
        print(f"  {label:<8}{pct(times, .5):>10.1f}{pct(times, .99):>10.1f}"
              f"{statistics.median(cpus):>13.1f}{statistics.median(counts):>12.0f}", flush=True)
    gc.collect()
    tick = []
    await deadlines.next_due(env)  # the running bot asks every second: its statement is warm
    for _ in range(max(200, repeat)):
        t = time.perf_counter()
        await deadlines.next_due(env)
        tick.append((time.perf_counter() - t) * 1000)
    print(f"  next-due lookup: p50 {pct(tick, .5):.2f} ms, p99 {pct(tick, .99):.2f} ms")
    print(f"  RSS after the reports: {rss_mb():.0f} MB", flush=True)
    await Tortoise.close_connections()


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1",
                    "-q", "-c", sql, "postgres"], check=True, capture_output=True, timeout=120)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tickets", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--no-sqlite", action="store_true")
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--pg-db", default=PG_DB,
                    help="the PostgreSQL database to create and drop (one per bench run at a time)")
    ap.add_argument("--keep", action="store_true",
                    help="leave the filled PostgreSQL database in place, to read query plans")
    args = ap.parse_args()
    # The machine's fonts lack CJK glyphs; matplotlib says so once per glyph per chart.
    warnings.filterwarnings("ignore", message="Glyph .* missing from font")
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory(prefix="deskbot-scale-") as tmp:
            asyncio.run(bench("SQLite", f"sqlite://{tmp}/scale.sqlite3", args.tickets,
                              args.repeat))
    if not args.no_postgres:
        psql(f"DROP DATABASE IF EXISTS {args.pg_db}")
        psql(f"CREATE DATABASE {args.pg_db}")
        try:
            asyncio.run(bench("PostgreSQL", PG_URL.replace(PG_DB, args.pg_db), args.tickets,
                              args.repeat))
        finally:
            if args.keep:
                print(f"  kept: {PG_URL.replace(PG_DB, args.pg_db)} (drop it when done)")
            else:
                psql(f"DROP DATABASE IF EXISTS {args.pg_db}")


if __name__ == "__main__":
    main()
