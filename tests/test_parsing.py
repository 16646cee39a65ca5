import pytest

from bot.errors import UsageError
from commands import texts
from commands.parsing import INT_MAX, fold, object_number, object_ref, parse_line


def test_fullwidth_slash_space_and_equals_are_folded():
    p = parse_line("／建单　客户＝华东制造　打印凭证时报错")
    assert p.name == "建单" and p.slashed
    assert p.args.options == {"客户": "华东制造"}
    assert p.args.rest(0) == "打印凭证时报错"


def test_colon_options_in_both_widths_but_times_stay_positional():
    p = parse_line("/预约 D3 14:00 联系人：王会计 phone:139")
    assert [t.text for t in p.args.positionals] == ["D3", "14:00"]
    assert p.args.opt("联系人") == "王会计"
    assert p.args.opt("PHONE") == "139"


@pytest.mark.parametrize("quoted", ['"打印 凭证 报错"', "“打印 凭证 报错”", "「打印 凭证 报错」"])
def test_quotes_keep_spaces(quoted):
    p = parse_line(f"/建单 客户=华东 {quoted} 电话=1")
    assert p.args.rest(0) == "打印 凭证 报错"
    assert p.args.opt("电话") == "1"


def test_quoted_option_value():
    p = parse_line('/投诉归档 C5 纠正="重新培训 工程师" 预防=“每月抽查”')
    assert p.args.opt("纠正") == "重新培训 工程师"
    assert p.args.opt("预防") == "每月抽查"


def test_unclosed_quote_is_a_usage_error():
    with pytest.raises(UsageError):
        parse_line('/建单 客户=华东 "打印')


def test_rest_of_line_joins_words():
    assert parse_line("/解决 T12 重新 安装 控件").args.rest(1) == "重新 安装 控件"


def test_a_trailing_flag_word_is_taken_off_the_text():
    a = parse_line("/未解决 D3 硬盘 故障 HQ").args
    assert a.text_and_flag(1, ("升级", "hq")) == ("硬盘 故障", True)
    assert a.text_and_flag(1, ("入库",)) == ("硬盘 故障 HQ", False)
    assert parse_line("/解决 T12").args.text_and_flag(1, ("入库",)) == ("", False)
    assert parse_line("/解决 T12 入库").args.text_and_flag(1, ("入库",)) == ("", True)


def test_empty_and_slash_only():
    assert parse_line("   ") is None
    assert parse_line("/") is None


@pytest.mark.parametrize("token,expected", [("T12", 12), ("t12", 12), ("#T12", 12), ("12", 12)])
def test_object_numbers(token, expected):
    assert object_number(token, "T") == expected


@pytest.mark.parametrize("token", ["D12", "T", "TT1", "x"])
def test_bad_object_numbers(token):
    with pytest.raises(UsageError) as exc:
        object_number(token, "T")
    assert "T12" in str(exc.value)


def test_fold_keeps_chinese_punctuation_in_text():
    assert fold("打印，报错。") == "打印，报错。"


@pytest.mark.parametrize("when", ["明天14:00", "周五9:30", "周五9:5分"])
def test_a_time_after_a_word_stays_positional(when):
    p = parse_line(f"/预约 D3 {when} 联系人:王会计")
    assert [t.text for t in p.args.positionals] == ["D3", when]
    assert p.args.options == {"联系人": "王会计"}


def test_a_colon_option_whose_value_is_not_a_time_is_an_option():
    assert parse_line("/预约 D3 房间2:三楼").args.options == {"房间2": "三楼"}


def test_a_quoted_token_is_literal_even_when_it_looks_like_an_option():
    p = parse_line('/建单 客户=华东 "电话=1 2" 备注：“a:b”')
    assert [t.text for t in p.args.positionals] == ["电话=1 2"]
    assert p.args.options == {"客户": "华东", "备注": "a:b"}


def test_several_quoted_tokens_and_text_glued_to_a_quote():
    p = parse_line('/建单 "打印 凭证" “报错 了” "" 「原文」照录')
    assert [t.text for t in p.args.positionals] == ["打印 凭证", "报错 了", "", "原文照录"]
    assert p.args.rest(0) == "打印 凭证 报错 了  原文照录"


def test_positions_index_the_folded_line_without_the_slash():
    p = parse_line("／ 建单　客户＝华东  “打印 凭证”   报错")
    line = p.args.line
    assert line == '建单 客户=华东  “打印 凭证”   报错'
    assert [line[t.start:t.start + 3] for t in p.args.positionals] == ["“打印", "报错"]


def test_rest_and_get_past_the_end():
    a = parse_line("/解决 T12 重装").args
    assert a.rest(1) == "重装" and a.rest(2) == "" and a.rest(5) == ""
    assert parse_line("/解决 T12 重新 安装").args.rest(1) == "重新 安装"
    assert a.get(0) == "T12" and a.get(1) == "重装"
    assert a.get(2) is None and a.get(2, "无") == "无"


def test_usage_errors_say_what_was_wrong():
    with pytest.raises(UsageError) as exc:
        parse_line('/建单 客户=华东 "打印')
    assert str(exc.value) == texts.UNCLOSED_QUOTE
    with pytest.raises(UsageError) as exc:
        object_number(None, "D")
    assert str(exc.value) == texts.MISSING_OBJECT.format(what=texts.OBJECT_NAMES["D"], letter="D")
    with pytest.raises(UsageError) as exc:
        object_number("T9", "d")
    assert str(exc.value) == texts.BAD_OBJECT.format(token="T9", letters="D", letter="D")


def test_object_references_name_their_letter_and_stay_in_range():
    assert object_ref("d5", "td") == ("D", 5) and object_ref("12", "td") == ("T", 12)
    assert object_ref("T0000000001", "T") == ("T", 1)  # ten digits are fine
    assert object_ref(f"T{INT_MAX}", "T") == ("T", INT_MAX)
    for token, letter in [("T0", "T"), ("0", "T"), (f"T{INT_MAX + 1}", "T"), ("T00000000001", "T"),
                          ("d99999999999", "D")]:
        with pytest.raises(UsageError) as exc:
            object_ref(token, "td")
        assert str(exc.value) == texts.OBJECT_RANGE.format(token=token, letter=letter, max=INT_MAX)
    with pytest.raises(UsageError) as exc:
        object_ref("C3", "td")
    assert str(exc.value) == texts.BAD_OBJECT.format(token="C3", letters="T、D", letter="T")
