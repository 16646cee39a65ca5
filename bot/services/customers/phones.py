"""Phone numbers as people type them on a phone: full-width digits, spaces, dashes, brackets,
+86. Stored in one spelling, so the same number is always the same text and masks the same way."""
from __future__ import annotations

import re
import unicodedata

from bot.errors import UserError
from bot.services.customers import texts
from bot.services.directory.lookup import mask_phone

_NOISE = re.compile(r"[\s\-‐‑–—()（）.·]")
# A mainland mobile, or a landline with its area code (010-02x: 3 digits, others 4; 7-8 digits
# of number), optionally followed by an extension (分机/转/ext).
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{9,11}$")
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x)(\d{1,6})$", re.I)


def normalize(raw: str) -> str:
    """One spelling per number: "13900000001", "021-55550001", "0571-8888666转8008"; a bad
    number is a UserError naming it. Empty stays empty."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        return ""
    extension = ""
    found = _EXTENSION.search(text)
    if found:
        extension, text = found.group(1), text[:found.start()]
    digits = _NOISE.sub("", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not digits.isdigit() or not (_MOBILE.match(digits) or _LANDLINE.match(digits)):
        raise UserError(texts.BAD_PHONE.format(phone=raw.strip()))
    if digits.startswith("0"):
        # Beijing, Tianjin and the 02x cities have 3-digit area codes, the rest 4.
        area = 3 if digits[1] in "12" else 4
        digits = f"{digits[:area]}-{digits[area:]}"
    return f"{digits}转{extension}" if extension else digits


def mask(phone: str) -> str:
    """Groups see 139****0001 (the extension dropped): personal data is internal [004 §5.2.3]."""
    return mask_phone(phone.partition("转")[0])
