"""Issue 15, item 5: everyday Chinese times on the fake clock (Monday 2026-11-23 09:00 Beijing)."""
from datetime import datetime

import pytest

from bot.errors import UsageError
from commands.timeparse import number, parse_when
from tests.test_dispatches import dispatched

PHRASES = [
    ("明天14:00", "11-24 14:00"), ("明天 14:00", "11-24 14:00"), ("11-24 09:30", "11-24 09:30"),
    ("2026-12-01 08:15", "12-01 08:15"), ("11月25日 下午3点", "11-25 15:00"),
    ("明早九点", "11-24 09:00"), ("明早9点半", "11-24 09:30"), ("明晚八点", "11-24 20:00"),
    ("今晚8点", "11-23 20:00"), ("今早十点", "11-23 10:00"), ("下午3点半", "11-23 15:30"),
    ("下午三点", "11-23 15:00"), ("下午3点15", "11-23 15:15"), ("下午三点一刻", "11-23 15:15"),
    ("上午十点三刻", "11-23 10:45"), ("中午12点", "11-23 12:00"), ("中午一点", "11-23 13:00"),
    ("晚上十一点", "11-23 23:00"), ("晚上12点", "11-24 00:00"), ("傍晚六点", "11-23 18:00"),
    ("十点", "11-23 10:00"), ("10点", "11-23 10:00"), ("两点", "11-23 02:00"),
    ("下午两点", "11-23 14:00"), ("16:40", "11-23 16:40"), ("十点零五分", "11-23 10:05"),
    ("十一点二十", "11-23 11:20"), ("3点钟", "11-23 03:00"), ("下午3点整", "11-23 15:00"),
    ("周五上午", "11-27 09:00"), ("周五下午", "11-27 14:00"), ("星期三下午4点", "11-25 16:00"),
    ("礼拜天上午10点", "11-29 10:00"), ("周一", "11-23 09:00"), ("本周日", "11-29 09:00"),
    ("这周四晚上", "11-26 19:00"), ("下周一", "11-30 09:00"), ("下周一上午", "11-30 09:00"),
    ("下星期二下午2点", "12-01 14:00"), ("下下周三", "12-09 09:00"), ("3天后", "11-26 09:00"),
    ("三天后下午", "11-26 14:00"), ("10天以后上午10点", "12-03 10:00"),
    ("后天上午10点", "11-25 10:00"), ("后天", "11-25 09:00"), ("大后天下午", "11-26 14:00"),
    ("明天", "11-24 09:00"), ("两小时后", "11-23 11:00"), ("半小时后", "11-23 09:30"),
    ("1个半小时后", "11-23 10:30"), ("30分钟后", "11-23 09:30"), ("明天上午", "11-24 09:00"),
    ("明天 下午 3点", "11-24 15:00"), ("凌晨两点", "11-23 02:00"), ("25日 早上八点", "11-25 08:00"),
]


def local(env, dt: datetime) -> str:
    return env.calendar.local(dt).strftime("%m-%d %H:%M")


def test_the_table_is_long_enough():
    assert len(PHRASES) >= 40


@pytest.mark.parametrize("phrase, expected", PHRASES)
def test_phrase(env, phrase, expected):
    assert local(env, parse_when(env, phrase)) == expected


@pytest.mark.parametrize("phrase", ["下周", "周八", "下午25点", "十点七十分", "明早上午9点", "随便",
                                    "二三点", "13-45 10:00", "明天 九点九九"])
def test_refused_with_examples(env, phrase):
    with pytest.raises(UsageError) as err:
        parse_when(env, phrase)
    assert str(err.value).startswith(f"无法识别的时间“{phrase}”：请写成 明天14:00、明早九点")


def test_weekday_already_passed_is_next_week(env, clock):
    clock.advance(days=3)  # Thursday 11-26
    assert local(env, parse_when(env, "周二上午")) == "12-01 09:00"
    assert local(env, parse_when(env, "周四下午")) == "11-26 14:00"


def test_numbers():
    assert [number(t) for t in ("九", "十", "十二", "二十三", "两", "零五", "30")] == \
        [9, 10, 12, 23, 2, 5, 30]


async def test_a_command_takes_an_everyday_time(chat):
    await dispatched(chat)
    await chat.say("wangqiang", "/接受派工 D1")
    answer = await chat.say("wangqiang", "/预约 D1 明早九点")
    assert "11-24 09:00" in answer, answer
