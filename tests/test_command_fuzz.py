"""Every command, from its example and from random wrong arguments, answers without reaching
the error path: a user's mistake gets a Chinese answer, never "处理出错" with a reference.

First each command's example is sent as several people (twice: the examples create the tickets,
sessions and projects the others name), then each command gets a few variants with words
swapped for wrong ones (numbers of nothing, impossible dates, over-long runs, stray `=`, emoji).
An ERROR logged while they run is a failure; it names the text and the sender. This is how the
300-character runs that failed /建单's knowledge lookup and /成绩 were found.
"""
from __future__ import annotations

import logging
import random

from commands import all_routers

SEED, VARIANTS = 16, 6
PEOPLE = ("admin", "liujing", "zhangwei", "yang", "zhou", "feng")
WRONG = ["", "T0", "T-1", "T99999999", "T1", "D1", "C1", "P1", "L1", "R1", "M1", "S1", "K1",
         "F1", "02-30", "13-01", "2026-02-29", "25:61", "00:00", "昨天", "下周一", "0", "-5", "1e9",
         "９９", "x" * 300, "\"", "'", "=", "==", "a=b=c", "联系人=", "优先级=极高", "客户=",
         "客户=不存在的客户", "日期=", "时间=", "人数=0", "人数=-1", "人数=100000", "张伟", "@张伟",
         "🙂", "\u3000", "<b>", "%s", "{0}", "T1,T2", "1.5", "NaN"]


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def test_no_command_reaches_the_error_path(chat):
    await chat.say("zhangwei", "/建单 客户=华东制造 打印凭证时报错")
    errors = _Errors()
    logging.getLogger().addHandler(errors)
    failed: list[str] = []

    async def send(who: str, text: str) -> None:
        before = len(errors.records)
        await chat.say(who, text)
        failed.extend(f"{who}: {text[:120]} -> {r.getMessage()[:200]}"
                      for r in errors.records[before:])

    try:
        commands = [c for r in all_routers() for c in r.commands]
        for _ in range(2):
            for c in commands:
                for who in PEOPLE:
                    await send(who, c.example or f"/{c.name}")
        rng = random.Random(SEED)
        for c in commands:
            for _ in range(VARIANTS):
                words = (c.example or f"/{c.name}").split()
                for _ in range(rng.randint(1, 3)):
                    if len(words) > 1 and rng.random() < 0.7:
                        words[rng.randrange(1, len(words))] = rng.choice(WRONG)
                    else:
                        words.append(rng.choice(WRONG))
                await send(rng.choice(PEOPLE), " ".join(words))
    finally:
        logging.getLogger().removeHandler(errors)
    assert not failed, "\n".join(failed)
