"""A streaming XLSX writer for the month's registers.

A busy month's ticket register has tens of thousands of rows; openpyxl builds an object per cell
and serialises it through an element tree, some 60 µs a row, which alone took the monthly report
past its budget. This writer knows only what the registers use (inline strings, numbers, dates,
bold, a percent format, wrapped text, column widths and a frozen header row) and writes each row
as text straight into the zip entry of its sheet, so memory holds one chunk of rows and the cost
is a string format per cell. Sheets are written one after another; the workbook parts that list
them are written at `close`.
"""
from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Cell formats (cellXfs), in the order STYLES lists them.
PLAIN, BOLD, DATE, PERCENT, WRAP, BOLD_DATE, BOLD_PERCENT, BOLD_WRAP = range(8)
DATE_FORMAT, PERCENT_FORMAT = "yyyy-mm-dd hh:mm", "0.0%"
_BOLD_OF = {PLAIN: BOLD, DATE: BOLD_DATE, PERCENT: BOLD_PERCENT, WRAP: BOLD_WRAP}
_XF = '<xf numFmtId="{fmt}" fontId="{font}" fillId="0" borderId="0" xfId="0"{extra}>{inner}</xf>'
STYLES = (
    HEAD + f'<styleSheet xmlns="{MAIN}">'
    f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/>'
    f'<numFmt numFmtId="165" formatCode="{PERCENT_FORMAT}"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="8">' + "".join(
        _XF.format(fmt=fmt, font=font,
                   extra=(' applyFont="1"' if font else "")
                   + (' applyNumberFormat="1"' if fmt else "")
                   + (' applyAlignment="1"' if wrap else ""),
                   inner='<alignment wrapText="1" vertical="top"/>' if wrap else "")
        for fmt, font, wrap in ((0, 0, 0), (0, 1, 0), (164, 0, 0), (165, 0, 0), (0, 0, 1),
                                (164, 1, 0), (165, 1, 0), (0, 1, 1))) + '</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')
# XML 1.0 has no place for most control characters: a register cell drops them.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


class Sheet:
    """One worksheet, written row by row into its zip entry."""

    def __init__(self, book: "Book", stream: IO[bytes], widths: Sequence[float],
                 styles: dict[int, int]) -> None:
        self.book, self._out = book, stream
        self.styles = styles  # column (1-based) -> format of its body cells
        self.letters = [get_column_letter(i) for i in range(1, len(widths) + 1)]
        self.row = 0
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                       for i, w in enumerate(widths, start=1))
        self._out.write((
            HEAD + f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><sheetViews>'
            '<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView>'
            f'</sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols>'
            '<sheetData>').encode())

    def _cell(self, ref: str, value: Any, style: int, bold: bool) -> str:
        # Most cells are text: tested first.
        if value is None or value == "":
            return ""
        if bold:
            style = _BOLD_OF[style]
        s = f' s="{style}"' if style else ""
        if type(value) is str:
            if _ILLEGAL.search(value):
                value = _ILLEGAL.sub("", value)
            return f'<c r="{ref}" t="inlineStr"{s}><is><t xml:space="preserve">{escape(value)}' \
                   '</t></is></c>'
        if isinstance(value, datetime):
            return f'<c r="{ref}" s="{BOLD_DATE if bold else DATE}"><v>{to_excel(value)}</v></c>'
        if isinstance(value, bool):
            return f'<c r="{ref}" t="b"{s}><v>{int(value)}</v></c>'
        if isinstance(value, (int, float)):
            return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
        return self._cell(ref, str(value), style, False)

    def append(self, values: Sequence[Any], bold: bool = False) -> None:
        self.row += 1
        r = self.row
        styles = self.styles if r > 1 else {}
        cells = "".join(self._cell(f"{self.letters[i]}{r}", value, styles.get(i + 1, PLAIN), bold)
                        for i, value in enumerate(values))
        self._out.write(f'<row r="{r}">{cells}</row>'.encode())

    def extend(self, rows: Iterable[Sequence[Any]]) -> None:
        for values in rows:
            self.append(values)

    def close(self) -> None:
        self._out.write(b"</sheetData></worksheet>")
        self._out.close()


class Book:
    """An XLSX file being written: `sheet()` one after another, then `close()`."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self.titles: list[str] = []
        self._open: Sheet | None = None

    def sheet(self, title: str, header: Sequence[str], widths: Sequence[float],
              styles: dict[int, int] | None = None) -> Sheet:
        if self._open is not None:
            self._open.close()
        self.titles.append(title)
        stream = self._zip.open(f"xl/worksheets/sheet{len(self.titles)}.xml", "w",
                                force_zip64=True)
        self._open = Sheet(self, stream, widths, styles or {})
        self._open.append(header, bold=True)
        return self._open

    def close(self) -> Path:
        if self._open is not None:
            self._open.close()
            self._open = None
        n = len(self.titles)
        sheet_type = ("application/vnd.openxmlformats-officedocument.spreadsheetml."
                      "worksheet+xml")
        parts = {
            "[Content_Types].xml": (
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
                'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/styles.xml" ContentType="application/vnd.'
                'openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                          f'ContentType="{sheet_type}"/>' for i in range(1, n + 1))
                + "</Types>"),
            "_rels/.rels": (
                f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" Type="{REL}/'
                'officeDocument" Target="xl/workbook.xml"/></Relationships>'),
            "xl/workbook.xml": (
                f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
                + "".join(f'<sheet name={quoteattr(t)} sheetId="{i}" r:id="rId{i}"/>'
                          for i, t in enumerate(self.titles, start=1))
                + "</sheets></workbook>"),
            "xl/_rels/workbook.xml.rels": (
                f'<Relationships xmlns="{PKG_REL}">'
                + "".join(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" '
                          f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1))
                + f'<Relationship Id="rId{n + 1}" Type="{REL}/styles" Target="styles.xml"/>'
                "</Relationships>"),
            "xl/styles.xml": STYLES,
        }
        for name, xml in parts.items():
            self._zip.writestr(name, xml if xml.startswith("<?xml") else HEAD + xml)
        self._zip.close()
        return self.path
