"""The standard problem library (标准化问题库): entries from solved tickets and visits, and search.

Chinese is written without spaces, so an entry is indexed by two kinds of terms: the words jieba
finds (打印, 凭证, 月末结账 and its parts) and every pair of adjacent Chinese characters. Words
rank well when the segmenter agrees with itself; the pairs still match when it does not (a
product name jieba has never seen). "打印凭证" and "凭证打印" share the words 打印 and 凭证, so
either finds the other. The terms are stored space-delimited on the row, candidates are found
with a plain substring match (any database), and ranked here by the weight (idf) of the query's
terms each candidate holds.
"""
from __future__ import annotations

import asyncio
import logging
import math
import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from tortoise.expressions import F

from bot.errors import UserError
from bot.services.knowledge import texts
from storage.knowledge_search import count_terms, rank_entries
from storage.models import KnowledgeEntry, KnowledgeTerm

if TYPE_CHECKING:
    from bot.runtime import Runtime
    from storage.models import Dispatch, Staff, Ticket

# Words of the trade jieba's general dictionary splits or misses.
_DOMAIN_WORDS = (
    "凭证", "记账凭证", "凭证打印", "打印控件", "结账", "月末结账", "反结账", "年结", "账套",
    "报表", "加密锁", "服务码", "数据库", "备份", "恢复", "过账", "科目", "期初", "余额",
    "工资", "进销存", "出库", "入库", "盘点", "发票", "税控", "网络版", "单机版", "客户端",
    "服务器", "登录", "密码", "升级", "补丁", "报错", "出错", "乱码", "死机", "卡死", "闪退",
)
# Words too common in service talk to tell one problem from another.
_STOP = frozenset(
    "的 了 时 在 是 和 与 及 或 就 都 也 后 中 上 下 把 被 让 给 对 我 你 他 她 它 我们 他们 "
    "客户 用户 一个 这个 那个 出现 问题 怎么 如何 为什么 什么 没有 不能 无法 一下 一直 还是 "
    "时候 以后 之后 里面 情况".split())
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_WORDISH = re.compile(r"^[\w\u4e00-\u9fff.]+$")
# Longer runs are left out of the index and the query: knowledge_term.term holds 255.
MAX_WORD = 64
_VERSION = re.compile(r"\s*([Vv]?\d+(?:\.\d+)+[A-Za-z]*|[Vv]\d+)\s*$")

# A search result must hold at least this share of the query's weight; a suggestion on a new
# ticket must be a closer match, since nobody asked for it.
SEARCH_MIN_SCORE = 0.25
SUGGEST_MIN_SCORE = 0.4

_lock = threading.Lock()
_tokenizer = None


def _jieba():
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            for w in _DOMAIN_WORDS:
                tok.add_word(w, freq=20000)
            _tokenizer = tok
        return _tokenizer


async def ready() -> None:
    """Load the segmenter off the event loop (about a second, once per process)."""
    if _tokenizer is None:
        await asyncio.to_thread(_jieba)


def words(text: str) -> list[str]:
    """jieba's search segmentation, lower-cased, without stop words, single characters,
    punctuation (the character pairs cover single characters' context) and runs longer than
    MAX_WORD (a pasted serial number or log line is no word to search by)."""
    out = []
    for w in _jieba().cut_for_search(text.lower(), HMM=False):
        w = w.strip()
        if not w or w in _STOP or not _WORDISH.match(w):
            continue
        if not 2 <= len(w) <= MAX_WORD:
            continue
        out.append(w)
    return out


def bigrams(text: str) -> list[str]:
    out = []
    for run in _CJK.findall(text):
        out += [run[i:i + 2] for i in range(len(run) - 1)]
    return [b for b in out if b not in _STOP]


def terms(text: str) -> set[str]:
    return set(words(text)) | set(bigrams(text))


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def similarity(a: str, b: str) -> float:
    """How alike two problem descriptions are, 0..1: the mean of the Dice coefficients of their
    words and of their character pairs. Words alone call 打印凭证报错 and 打印报表报错 alike
    (two of three words); the pairs tell them apart, and still match when the words are
    reordered (凭证打印 / 打印凭证)."""
    return (_dice(set(words(a)), set(words(b))) + _dice(set(bigrams(a)), set(bigrams(b)))) / 2


def split_product(text: str) -> tuple[str, str]:
    """"财务软件 V10.2" -> ("财务软件", "V10.2"); a text without a version keeps it empty."""
    text = (text or "").strip()
    m = _VERSION.search(text)
    if not m or m.start() == 0:
        return text, ""
    return text[:m.start()].strip(), m.group(1)


def _index(entry: KnowledgeEntry) -> str:
    found = terms(" ".join((entry.symptom, entry.cause, entry.solution, entry.product,
                            entry.version)))
    return " " + " ".join(sorted(found)) + " " if found else ""


async def add_entry(env: "Runtime", *, symptom: str, solution: str, cause: str = "",
                    product: str = "", version: str = "", ticket: "Ticket | None" = None,
                    dispatch: "Dispatch | None" = None,
                    author: "Staff | None" = None) -> KnowledgeEntry:
    if not symptom.strip() or not solution.strip():
        raise UserError(texts.KB_NEEDS_TEXT)
    await ready()
    entry = KnowledgeEntry(symptom=symptom.strip(), cause=cause.strip(),
                           solution=solution.strip(), product=product.strip(),
                           version=version.strip(), ticket=ticket, dispatch=dispatch,
                           author=author, created_at=env.now())
    entry.terms = _index(entry)
    await entry.save()
    await count_terms(entry.terms.split())
    return entry


@dataclass
class Hit:
    entry: KnowledgeEntry
    score: float  # share of the query's term weight this entry holds, 0..1


async def _rank(query: str, limit: int, min_score: float,
                exclude_ticket: int | None = None, sensitive: bool = False) -> list[Hit]:
    """`sensitive`: entries marked sensitive are candidates too (the caller checked the grant)."""
    await ready()
    q_terms = sorted(terms(query))
    if not q_terms:
        return []
    stats = {r.term: r.docs for r in await KnowledgeTerm.filter(term__in=["", *q_terms])}
    total = stats.get("", 0)
    weight = {t: math.log((total + 1) / (stats.get(t, 0) + 0.5)) + 1.0 for t in q_terms}
    # Words count double: a shared word is stronger evidence than a shared character pair.
    for t in set(words(query)):
        if t in weight:
            weight[t] *= 2
    whole = sum(weight.values())
    held = [t for t in q_terms if stats.get(t)]  # a term no entry holds cannot add to a score
    if not held:
        return []
    rows = await rank_entries({t: weight[t] / whole for t in held}, min_score, limit,
                              exclude_ticket, sensitive=sensitive)
    return [Hit(KnowledgeEntry._init_from_db(**{k: v for k, v in r.items() if k != "score"}),
                round(float(r["score"]), 3)) for r in rows]


async def search(env: "Runtime", query: str, limit: int = 5, *,
                 sensitive: bool = False) -> list[Hit]:
    """`sensitive`: include entries marked sensitive (only for a holder of an approved M)."""
    if not query.strip():
        raise UserError(texts.KB_NEEDS_QUERY)
    hits = await _rank(query, limit, SEARCH_MIN_SCORE, sensitive=sensitive)
    await _count_shown(h.entry.id for h in hits)
    return hits


async def suggest(env: "Runtime", text: str, exclude_ticket: int | None = None) -> list[Hit]:
    """The best entries for a new ticket's description (settings.service.kb_suggestions)."""
    limit = env.settings.service.kb_suggestions
    if limit <= 0:
        return []
    hits = await _rank(text, limit, SUGGEST_MIN_SCORE, exclude_ticket)
    await _count_shown(h.entry.id for h in hits)
    return hits


async def _count_shown(ids: Iterable[int]) -> None:
    ids = list(ids)
    if ids:
        await KnowledgeEntry.filter(id__in=ids).update(hits=F("hits") + 1)


async def get_entry(number: int) -> KnowledgeEntry:
    entry = await KnowledgeEntry.filter(id=number).select_related("author").first()
    if entry is None:
        raise UserError(texts.KB_NOT_FOUND.format(no=f"K{number}"))
    return entry


async def mark_sensitive(number: int, sensitive: bool) -> KnowledgeEntry:
    entry = await get_entry(number)
    entry.sensitive = sensitive
    await entry.save(update_fields=["sensitive"])
    return entry


def headline(entry: KnowledgeEntry) -> str:
    """One line for lists: K3［财务软件 V10.2］现象 → 解决方法."""
    product = " ".join(p for p in (entry.product, entry.version) if p)
    # Without a product the number still needs a gap before the symptom: "K2 打印…".
    tag = f"［{product}］" if product else " "
    if entry.sensitive:
        tag = texts.KB_SENSITIVE_TAG + tag
    return texts.KB_HEADLINE.format(no=entry.number, tag=tag, symptom=entry.symptom[:40],
                                    solution=entry.solution[:60])


def render(entry: KnowledgeEntry) -> str:
    lines = [texts.KB_TITLE.format(no=entry.number),
             texts.KB_SYMPTOM.format(text=entry.symptom)]
    if entry.cause:
        lines.append(texts.KB_CAUSE.format(text=entry.cause))
    lines.append(texts.KB_SOLUTION.format(text=entry.solution))
    if entry.product or entry.version:
        lines.append(texts.KB_PRODUCT.format(product=entry.product or "-",
                                             version=entry.version or "-"))
    source = []
    if entry.ticket_id:
        source.append(f"T{entry.ticket_id}")
    if entry.dispatch_id:
        source.append(f"D{entry.dispatch_id}")
    if source or entry.author:
        lines.append(texts.KB_SOURCE.format(source="、".join(source) or "-",
                                            author=entry.author.name if entry.author else "-"))
    return "\n".join(lines)
