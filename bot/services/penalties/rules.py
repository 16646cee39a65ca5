"""How the penalty rules read to people: a rule's amount, the manual rules a supervisor may name.

The rules themselves, their amounts and defaults are typed settings: bot/rules/penalties.py
(`env.settings.penalties`).
"""
from __future__ import annotations

from bot.rules.penalties import MANUAL, PenaltyRule, PenaltySettings
from bot.services.penalties import texts


def rule_amount_text(rule: PenaltyRule) -> str:
    """"30 元", "20-50 元" or "警告（0）或 20-50 元"."""
    if rule.ranged:
        base = texts.PEN_RANGE.format(lo=rule.min_amount, hi=rule.max_amount)
        return texts.PEN_OR_WARNING.format(base=base) if rule.allow_warning else base
    return texts.PEN_YUAN.format(amount=rule.amount)


def manual_names(penalties: PenaltySettings) -> str:
    """"迟到（2 元）、缺席（10 元）、…": what /处罚登记 takes, with the live amounts."""
    rules = penalties.rules
    return "、".join(f"{rules[n].aliases[0] if rules[n].aliases else n}"
                    f"（{rule_amount_text(rules[n])}）"
                    for n in MANUAL if rules[n].enabled)
