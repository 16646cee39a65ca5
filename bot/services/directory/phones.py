"""Phone numbers as people type them: full-width digits, spaces, dashes, a +86 prefix.

One normal form (digits only) is stored, so a search by phone finds the ticket however it was
typed, and a number that cannot be dialled is refused before anything is written.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.errors import UserError
from bot.services.directory import texts
from bot.services.directory.lookup import mask_phone
from storage.models import AuditLog

if TYPE_CHECKING:
    from bot.runtime import Runtime

# Full-width digits and the separators people put between digit groups.
_WIDE = str.maketrans("０１２３４５６７８９＋（）－", "0123456789+()-")
_SEPARATORS = re.compile(r"[\s\-—–()（）.·]")
_EXTENSION = re.compile(r"(转|ext\.?|x)(\d{1,6})$", re.IGNORECASE)
# A mobile number, a landline with its area code, or a 400/800 service number.
_VALID = re.compile(r"1[3-9]\d{9}|0\d{2,3}\d{7,8}|[48]00\d{7}")

__all__ = ["normalise_phone", "mask_phone", "shown_phone", "contact_text", "audit_full_read"]


def normalise_phone(typed: str) -> str:
    """Digits only (an extension kept after 转); empty stays empty; anything else is refused."""
    text = typed.strip().translate(_WIDE)
    if not text:
        return ""
    text = _SEPARATORS.sub("", text)
    extension = ""
    ext = _EXTENSION.search(text)
    if ext:
        extension, text = ext.group(2), text[:ext.start()]
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    if not _VALID.fullmatch(text):
        raise UserError(texts.PHONE_INVALID.format(phone=typed.strip()))
    return f"{text}转{extension}" if extension else text


def shown_phone(phone: str, *, full: bool) -> str:
    if not phone:
        return "-"
    if full:
        return phone
    number, sep, extension = phone.partition("转")
    return mask_phone(number) + sep + extension


def contact_text(name: str, phone: str) -> str:
    """A contact as one phrase: "周出纳 138****1111", "周出纳" or "138****1111" (`phone` as it is
    to be shown); a missing part leaves no dangling placeholder, only nothing at all does."""
    parts = [p for p in (name.strip(), phone.strip()) if p and p != texts.NOTHING]
    return " ".join(parts) or texts.NOTHING


async def audit_full_read(env: "Runtime", userid: str, what: str) -> None:
    """Personal data read in full leaves a row in the audit log, in the reader's transaction."""
    await AuditLog.create(at=env.now(), actor=userid, platform="", command="read", text=what,
                          outcome="ok")
