"""The monthly report's charts as PNG files, drawn with matplotlib's Agg canvas.

Figures are built with the object API (no pyplot state), so they may be drawn in a worker
thread. Chinese labels need a CJK font: the first one installed from FONT_FAMILIES is used
(Debian's fonts-noto-cjk gives Noto Sans CJK SC); without one the labels lose their glyphs
but the chart is still written.
"""
from __future__ import annotations

import logging
import warnings
from functools import lru_cache
from pathlib import Path

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.services.reports import texts
from bot.services.reports.monthly import MonthReport

log = logging.getLogger(__name__)

FONT_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                 "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC")
DPI = 110
BAR, BAR_VALID, TARGET = "#8fb3d9", "#d9534f", "#5cb85c"


@lru_cache(maxsize=1)
def _font() -> font_manager.FontProperties:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    families = [f for f in FONT_FAMILIES if f in installed]
    if not families:
        log.warning("no CJK font found (install fonts-noto-cjk): chart labels lose Chinese glyphs")
        families = ["DejaVu Sans"]
    return font_manager.FontProperties(family=families)


def _figure(width: float = 7.5, height: float = 4.2) -> Figure:
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _save(fig: Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing glyphs when no CJK font is installed
        fig.savefig(path, format="png")
    return path


def _style_ticks(ax, fp) -> None:
    for label in ax.get_xticklabels() + ax.get_yticklabels():
        label.set_fontproperties(fp)


def complaints_by_category(r: MonthReport, path: Path) -> Path:
    fp = _font()
    fig = _figure()
    ax = fig.add_subplot()
    cats = list(r.by_category)
    received = [r.by_category[c][0] for c in cats]
    valid = [r.by_category[c][1] for c in cats]
    xs = range(len(cats))
    ax.bar([x - 0.2 for x in xs], received, width=0.4, color=BAR, label=texts.CHART_RECEIVED)
    ax.bar([x + 0.2 for x in xs], valid, width=0.4, color=BAR_VALID, label=texts.CHART_VALID)
    ax.set_xticks(list(xs), cats, rotation=30, ha="right")
    ax.yaxis.get_major_locator().set_params(integer=True)  # type: ignore[call-arg]  # a MaxNLocator
    ax.set_title(texts.CHART_CATEGORY_TITLE.format(month=r.kpi.month.key,
                                                   rate=r.kpi.complaint_rate.pct()),
                 fontproperties=fp)
    ax.set_ylabel(texts.CHART_COUNT, fontproperties=fp)
    ax.legend(prop=fp)
    _style_ticks(ax, fp)
    return _save(fig, path)


def clock_compliance(r: MonthReport, path: Path) -> Path:
    fp = _font()
    clocks = r.kpi.clocks
    fig = _figure(height=max(2.5, 0.45 * len(clocks) + 1.5))
    ax = fig.add_subplot()
    labels = [c.label for c in clocks] or [texts.NONE]
    values = [(c.ratio.value or 0.0) * 100 for c in clocks] or [0.0]
    ys = range(len(labels))
    ax.barh(list(ys), values, color=BAR)
    for y, c in zip(ys, clocks):
        ax.text(min(values[y] + 1, 92), y, f"{c.on_time}/{c.total}", va="center",
                fontproperties=fp)
    target = r.kpi.cfg.compliance_target
    if target > 0:
        ax.axvline(target * 100, color=TARGET, linestyle="--")
    ax.set_yticks(list(ys), labels)
    ax.set_xlim(0, 105)
    ax.invert_yaxis()
    ax.set_xlabel(texts.CHART_PERCENT, fontproperties=fp)
    ax.set_title(texts.CHART_COMPLIANCE_TITLE.format(month=r.kpi.month.key,
                                                     pct=r.kpi.compliance.pct()),
                 fontproperties=fp)
    _style_ticks(ax, fp)
    return _save(fig, path)


def satisfaction(r: MonthReport, path: Path) -> Path:
    fp = _font()
    k = r.kpi
    fig = _figure(width=6.5)
    ax = fig.add_subplot()
    labels = [texts.CHART_TIMELINESS, texts.CHART_SKILL, texts.CHART_ATTITUDE]
    means = [m or 0.0 for m in k.means]
    ax.bar(range(3), means, color=BAR, width=0.5)
    for x, m in enumerate(means):
        ax.text(x, m + 0.08, f"{m:.2f}", ha="center", fontproperties=fp)
    ax.axhline(k.cfg.satisfied_score, color=TARGET, linestyle="--")
    ax.set_xticks(range(3), labels)
    ax.set_ylim(0, 5.5)
    ax.set_ylabel(texts.CHART_SCORE, fontproperties=fp)
    ax.set_title(texts.CHART_SATISFACTION_TITLE.format(month=k.month.key,
                                                       pct=k.satisfaction.pct(), n=k.visits),
                 fontproperties=fp)
    _style_ticks(ax, fp)
    return _save(fig, path)
