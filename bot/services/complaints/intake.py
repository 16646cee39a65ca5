"""What is typed when a complaint is registered: the intake form and the words people use for its
source, level and category."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.errors import UsageError
from bot.services.complaints import texts
from storage.models.complaints import FROM_CUSTOMER, FROM_HQ, GENERAL, MAJOR

if TYPE_CHECKING:
    from bot.runtime import Runtime


@dataclass
class NewComplaint:
    customer: str
    category: str
    content: str
    source: str = ""  # 客户 / 总部 as typed
    contact: str = ""
    phone: str = ""
    channel: str = ""
    level: str = ""  # 一般 / 重大 as typed
    ticket: int | None = None
    received_at: datetime | None = None


# -- words people type -----------------------------------------------------------------------

def _choose(word: str, choices: dict[str, tuple[str, ...]], bad: str) -> str:
    """The choice whose words include `word`; no word at all means the first choice."""
    w = (word or "").strip().lower()
    for value, words in choices.items():
        if not w or w in words:
            return value
    raise UsageError(bad.format(word=word))


def parse_source(word: str) -> str:
    return _choose(word, {FROM_CUSTOMER: texts.CMP_SOURCE_CUSTOMER_WORDS,
                          FROM_HQ: texts.CMP_SOURCE_HQ_WORDS}, texts.CMP_BAD_SOURCE)


def parse_level(word: str) -> str:
    return _choose(word, {GENERAL: texts.CMP_LEVEL_GENERAL_WORDS,
                          MAJOR: texts.CMP_LEVEL_MAJOR_WORDS}, texts.CMP_BAD_LEVEL)


def parse_category(env: "Runtime", word: str) -> str:
    """A configured category, by its name or a part of it that picks exactly one."""
    cats = env.settings.reports.categories
    w = (word or "").strip()
    if not w:
        raise UsageError(texts.CMP_NEED_CATEGORY.format(cats="、".join(cats)))
    if w in cats:
        return w
    hits = [c for c in cats if w in c or c in w]
    if len(hits) == 1:
        return hits[0]
    raise UsageError(texts.CMP_BAD_CATEGORY.format(word=w, cats="、".join(cats)))
