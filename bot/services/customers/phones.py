"""Phone numbers as people type them on a phone: full-width digits, spaces, dashes, brackets,
+86. Stored in one spelling, so the same number is always the same text and masks the same way."""
from __future__ import annotations

from bot.errors import UserError
from bot.services.customers import texts
from bot.services.directory.lookup import mask_phone
from bot.services.directory.phones import normalise_phone


def normalize(raw: str) -> str:
    """The archive's spelling of a number: the one rule of what a valid number is
    (directory.phones.normalise_phone, digits only), with the area code of a landline set off
    for reading: "13900000001", "021-55550001", "0571-8888666转8008". A bad number is a UserError
    naming it; empty stays empty."""
    try:
        digits = normalise_phone(raw or "")
    except UserError:
        raise UserError(texts.BAD_PHONE.format(phone=(raw or "").strip())) from None
    number, sep, extension = digits.partition("转")
    if number.startswith("0"):
        # Beijing, Tianjin and the 02x cities have 3-digit area codes, the rest 4.
        area = 3 if number[1] in "12" else 4
        number = f"{number[:area]}-{number[area:]}"
    return number + sep + extension


def mask(phone: str) -> str:
    """Groups see 139****0001 (the extension dropped): personal data is internal [004 §5.2.3]."""
    return mask_phone(phone.partition("转")[0])
