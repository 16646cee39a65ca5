"""The monthly report's charts as PNG files, drawn with matplotlib's Agg canvas.

Figures are built with the object API (no pyplot state). `draw_in_subprocess` draws them in a
short-lived child interpreter (`python -m` this module, the figures as JSON on stdin): matplotlib (with numpy and its font cache, some 50 MB) is then
never loaded into the bot, whose memory would otherwise stay grown after the first report. The
figures travel there as `ChartData`, plain values only.

Chinese labels need a CJK font. One installed under a known family name is used; when
matplotlib's font cache was built before the font was installed, the font file is found
(fc-list, then the usual paths) and registered directly. Without any CJK font file the labels
lose their glyphs but the chart is still written, and a warning says so once.
"""
from __future__ import annotations

import asyncio
import glob
import json
import logging
import os
import shutil
import subprocess
import sys
import warnings
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.services.reports import texts

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    from bot.services.reports.monthly import MonthReport

log = logging.getLogger(__name__)

FONT_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                 "WenQuanYi Micro Hei", "Droid Sans Fallback", "SimHei", "Microsoft YaHei",
                 "PingFang SC")
# Where Debian, Fedora, Alpine, macOS and Windows put the common CJK fonts.
FONT_GLOBS = ("/usr/share/fonts/**/NotoSansCJK*.tt[cf]", "/usr/share/fonts/**/NotoSansSC*.[ot]tf",
              "/usr/share/fonts/**/SourceHanSans*.[ot]t[cf]", "/usr/share/fonts/**/wqy-*.tt[cf]",
              "/usr/share/fonts/**/DroidSansFallback*.ttf", "/usr/local/share/fonts/**/*.tt[cf]",
              "/System/Library/Fonts/PingFang.ttc", "C:/Windows/Fonts/simhei.ttf",
              "C:/Windows/Fonts/msyh.tt[cf]")
ROOT = Path(__file__).resolve().parents[3]  # the project, for the drawing process's imports
DPI = 110
BAR, BAR_VALID, TARGET, NOTE = "#8fb3d9", "#d9534f", "#5cb85c", "#888888"


@dataclass
class ChartData:
    month: str
    categories: list[tuple[str, int, int]]  # category, received, valid
    complaint_rate: str
    clocks: list[tuple[str, float | None, int, int]]  # label, on-time ratio, on time, total
    compliance: str
    compliance_target: float
    means: tuple[float | None, float | None, float | None]
    satisfied_score: float
    satisfaction: str
    visits: int

    @classmethod
    def of(cls, r: "MonthReport") -> "ChartData":
        k = r.kpi
        return cls(month=k.month.key,
                   categories=[(c, n, v) for c, (n, v) in r.by_category.items()],
                   complaint_rate=k.complaint_rate.pct(),
                   clocks=[(c.label, c.ratio.value, c.on_time, c.total) for c in k.clocks],
                   compliance=k.compliance.pct(), compliance_target=k.cfg.compliance_target,
                   means=k.means, satisfied_score=k.cfg.satisfied_score,
                   satisfaction=k.satisfaction.pct(), visits=k.visits)


def cjk_font_files() -> list[str]:
    """CJK font files on this machine, whatever matplotlib's cache says."""
    found: list[str] = []
    if shutil.which("fc-list"):
        try:
            out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True,
                                 text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        found += sorted(line.split(":")[0].strip() for line in out.splitlines() if line.strip())
    for pattern in FONT_GLOBS:
        found += sorted(glob.glob(pattern, recursive=True))
    return list(dict.fromkeys(p for p in found if Path(p).is_file()))


@lru_cache(maxsize=1)
def font() -> "FontProperties":
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    families = [f for f in FONT_FAMILIES if f in installed]
    if not families:
        # A cache built before the font was installed does not list it: register the file.
        for path in cjk_font_files():
            try:
                font_manager.fontManager.addfont(path)
                families.append(font_manager.FontProperties(fname=path).get_name())
            except (OSError, RuntimeError, ValueError) as exc:
                log.warning("CJK font file %s could not be loaded: %s", path, exc)
                continue
            break
    if not families:
        log.warning("no CJK font file found (install fonts-noto-cjk): chart labels lose their "
                    "Chinese glyphs")
        families = ["DejaVu Sans"]
    return font_manager.FontProperties(family=families)


def _figure(width: float = 7.5, height: float = 4.2) -> "Figure":
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _save(fig: "Figure", path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing glyphs when no CJK font is installed
        fig.tight_layout()
        fig.savefig(path, format="png")
    fig.clear()
    return path


def _style_ticks(ax, fp) -> None:
    for label in ax.get_xticklabels() + ax.get_yticklabels():
        label.set_fontproperties(fp)


def _empty_note(ax, fp) -> None:
    ax.text(0.5, 0.5, texts.CHART_EMPTY, transform=ax.transAxes, ha="center", va="center",
            color=NOTE, fontsize=16, fontproperties=fp)


def category_figure(d: ChartData) -> "Figure":
    fp = font()
    fig = _figure()
    ax = fig.add_subplot()
    cats = [c for c, _, _ in d.categories]
    received = [n for _, n, _ in d.categories]
    valid = [v for _, _, v in d.categories]
    xs = range(len(cats))
    ax.bar([x - 0.2 for x in xs], received, width=0.4, color=BAR, label=texts.CHART_RECEIVED)
    ax.bar([x + 0.2 for x in xs], valid, width=0.4, color=BAR_VALID, label=texts.CHART_VALID)
    ax.set_xticks(list(xs), cats, rotation=30, ha="right")
    # Counts: from 0, whole numbers, and a scale of at least 1 when the month has none.
    ax.yaxis.get_major_locator().set_params(integer=True)  # type: ignore[call-arg]  # a MaxNLocator
    ax.set_ylim(0, max(received + [0]) * 1.15 or 1)
    if not any(received):
        _empty_note(ax, fp)
    ax.set_title(texts.CHART_CATEGORY_TITLE.format(month=d.month, rate=d.complaint_rate),
                 fontproperties=fp)
    ax.set_ylabel(texts.CHART_COUNT, fontproperties=fp)
    ax.legend(prop=fp)
    _style_ticks(ax, fp)
    return fig


def compliance_figure(d: ChartData) -> "Figure":
    fp = font()
    fig = _figure(height=max(2.5, 0.45 * len(d.clocks) + 1.5))
    ax = fig.add_subplot()
    labels = [c[0] for c in d.clocks] or [texts.NONE]
    values = [(c[1] or 0.0) * 100 for c in d.clocks] or [0.0]
    ys = range(len(labels))
    ax.barh(list(ys), values, color=BAR)
    for y, (_, _, on_time, total) in zip(ys, d.clocks):
        ax.text(min(values[y] + 1, 92), y, f"{on_time}/{total}", va="center", fontproperties=fp)
    if not d.clocks:
        _empty_note(ax, fp)
    if d.compliance_target > 0:
        ax.axvline(d.compliance_target * 100, color=TARGET, linestyle="--")
    ax.set_yticks(list(ys), labels)
    ax.set_xlim(0, 105)
    ax.invert_yaxis()
    ax.set_xlabel(texts.CHART_PERCENT, fontproperties=fp)
    ax.set_title(texts.CHART_COMPLIANCE_TITLE.format(month=d.month, pct=d.compliance),
                 fontproperties=fp)
    _style_ticks(ax, fp)
    return fig


def satisfaction_figure(d: ChartData) -> "Figure":
    fp = font()
    fig = _figure(width=6.5)
    ax = fig.add_subplot()
    labels = [texts.CHART_TIMELINESS, texts.CHART_SKILL, texts.CHART_ATTITUDE]
    means = [m or 0.0 for m in d.means]
    ax.bar(range(3), means, color=BAR, width=0.5)
    if d.visits:
        for x, m in enumerate(means):
            ax.text(x, m + 0.08, f"{m:.2f}", ha="center", fontproperties=fp)
    else:
        _empty_note(ax, fp)
    ax.axhline(d.satisfied_score, color=TARGET, linestyle="--")
    ax.set_xticks(range(3), labels)
    ax.set_ylim(0, 5.5)
    ax.set_ylabel(texts.CHART_SCORE, fontproperties=fp)
    ax.set_title(texts.CHART_SATISFACTION_TITLE.format(month=d.month, pct=d.satisfaction,
                                                       n=d.visits), fontproperties=fp)
    _style_ticks(ax, fp)
    return fig


def draw(d: ChartData, category: Path, compliance: Path, satisfied: Path) -> None:
    _save(category_figure(d), category)
    _save(compliance_figure(d), compliance)
    _save(satisfaction_figure(d), satisfied)


async def draw_in_subprocess(d: ChartData, category: Path, compliance: Path,
                             satisfied: Path) -> None:
    """Draw the three charts in a fresh interpreter that ends with them. Not a multiprocessing
    spawn: that would import the bot's main module again in the child."""
    job = json.dumps({"data": asdict(d), "paths": [str(category), str(compliance),
                                                   str(satisfied)]}).encode()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(ROOT), env.get("PYTHONPATH"))))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", __name__, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE, env=env)
    _, err = await proc.communicate(job)
    text = err.decode(errors="replace").strip()
    if proc.returncode != 0:
        raise RuntimeError(f"chart drawing failed ({proc.returncode}): {text[-2000:]}")
    for line in text.splitlines():  # the child's warnings (a missing CJK font) are ours
        log.warning("%s", line)


def _main() -> None:
    job = json.load(sys.stdin)
    data = job["data"]
    d = ChartData(**{**data, "categories": [tuple(c) for c in data["categories"]],
                     "clocks": [tuple(c) for c in data["clocks"]],
                     "means": tuple(data["means"])})
    logging.basicConfig(format="%(message)s", level=logging.WARNING)
    draw(d, *(Path(p) for p in job["paths"]))


if __name__ == "__main__":
    _main()
