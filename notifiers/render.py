"""Platform-neutral rendering: byte limits per channel, splitting, digests, cards as text.

The relay and the senders agree on one rule through this module: after planning, one outbox row
is exactly one platform message. A text longer than its channel's limit is split here, at UTF-8
character boundaries (preferring line ends), and the pieces concatenate back to the original
text exactly. A digest packs whole notices, in order, each present once.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace

from bot import messages
from bot.messages import CARD, FILE, IMAGE, MARKDOWN, TEXT, OutboundMessage
from notifiers import texts

# Bytes of UTF-8 a single message may carry, per channel and kind. WeCom cuts text at 2048 and
# markdown at 4096 bytes; app group chats document 2048 for both. DingTalk documents no byte
# figure for robots, so 6000 bytes (2000 Chinese characters) is a conservative stand-in.
_WECOM = {TEXT: 2048, MARKDOWN: 4096, CARD: 2048}

# An app message's text ends in an invisible mark naming its outbox row (see idempotency_mark),
# so a piece leaves room for it below WeCom's cut.
MARK_ALPHABET = "\u200b\u200c\u200d\u2060"  # zero-width space, non-joiner, joiner, word joiner
MARK_CHARS = 16  # 32 bits of the row's key: two different rows collide once in 4 billion
MARK_BYTES = MARK_CHARS * 3
# WeCom's longest duplicate check (4 hours): a relay restarted within it never repeats a message.
DUPLICATE_CHECK_S = 4 * 3600
_WECOM_APP = {TEXT: 2048 - MARK_BYTES, MARKDOWN: 4096 - MARK_BYTES, CARD: 2048}
_DINGTALK = {TEXT: 6000, MARKDOWN: 6000, CARD: 6000}
LIMITS: dict[str, dict[str, int]] = {
    messages.CH_WECOM_APP: _WECOM_APP,
    messages.CH_WECOM_APPCHAT: {TEXT: 2048, MARKDOWN: 2048, CARD: 2048},
    messages.CH_WECOM_WEBHOOK: _WECOM,
    messages.CH_WECOM_RESPONSE: {TEXT: 4096, MARKDOWN: 4096, CARD: 4096},
    # The robot's long connection takes markdown only; text goes as markdown, so one limit.
    messages.CH_WECOM_WS_REPLY: {TEXT: 4096, MARKDOWN: 4096, CARD: 2048},
    messages.CH_WECOM_WS_SEND: {TEXT: 4096, MARKDOWN: 4096, CARD: 2048},
    messages.CH_DINGTALK_SESSION: _DINGTALK,
    messages.CH_DINGTALK_GROUP: _DINGTALK,
    messages.CH_DINGTALK_USER: _DINGTALK,
    messages.CH_DINGTALK_WEBHOOK: _DINGTALK,
}

# Channels whose address can be answered once only: a long text is cut, never split.
ONE_SHOT = frozenset({messages.CH_WECOM_RESPONSE, messages.CH_WECOM_WS_REPLY})
# Messages that are not notices at all and never take part in splitting or digests.
UNSPLITTABLE_CHANNELS = frozenset({messages.CH_WECOM_CARD_UPDATE, messages.CH_DINGTALK_CARD_UPDATE,
                                   messages.CH_WECOM_WS_CARD_UPDATE})
# Which kind a digest takes on a channel: markdown where it is both allowed and roomier.
_DIGEST_KIND = {
    messages.CH_WECOM_APP: MARKDOWN,
    messages.CH_WECOM_WEBHOOK: MARKDOWN,
    messages.CH_WECOM_WS_SEND: MARKDOWN,
    messages.CH_WECOM_APPCHAT: TEXT,
    messages.CH_DINGTALK_SESSION: MARKDOWN,
    messages.CH_DINGTALK_GROUP: MARKDOWN,
    messages.CH_DINGTALK_USER: MARKDOWN,
    messages.CH_DINGTALK_WEBHOOK: MARKDOWN,
}


def byte_len(text: str) -> int:
    return len(text.encode("utf-8"))


def limit_for(channel: str, kind: str) -> int | None:
    """The byte limit of one message of this kind on this channel; None when there is none."""
    table = LIMITS.get(channel)
    if table is None:
        return None
    return table.get(kind)


def split_utf8(text: str, limit: int) -> list[str]:
    """Cut text into pieces of at most `limit` UTF-8 bytes; "".join(pieces) == text.

    A piece ends after a newline when one falls in its second half, so lines stay whole where
    they can; otherwise it ends at the last whole character that fits.
    """
    if limit < 4:
        raise ValueError("a UTF-8 character needs up to 4 bytes")
    pieces: list[str] = []
    rest = text
    while byte_len(rest) > limit:
        raw = rest.encode("utf-8")
        cut = limit
        while (raw[cut] & 0xC0) == 0x80:  # a continuation byte: back off to a character start
            cut -= 1
        head = raw[:cut].decode("utf-8")
        newline = head.rfind("\n")
        if newline >= len(head) // 2:
            head = head[: newline + 1]
        pieces.append(head)
        rest = rest[len(head):]
    pieces.append(rest)
    return pieces


def truncate_utf8(text: str, limit: int, marker: str = texts.TRUNCATED) -> str:
    if byte_len(text) <= limit:
        return text
    room = limit - byte_len(marker)
    return split_utf8(text, max(room, 4))[0] + marker


def card_as_text(msg: OutboundMessage) -> str:
    """A card for a channel without buttons: its title, text and what the buttons would do."""
    lines = [msg.title] if msg.title else []
    if msg.text:
        lines.append(msg.text)
    if msg.buttons:
        labels = "、".join(b.text for b in msg.buttons)
        lines.append(texts.CARD_ACTIONS.format(labels=labels))
    return "\n".join(lines)


def body_text(msg: OutboundMessage) -> str:
    """The text a message shows, whatever its kind (for digests and previews)."""
    if msg.kind == CARD:
        return card_as_text(msg)
    if msg.kind == IMAGE:
        return texts.IMAGE_NOTICE
    if msg.kind == FILE:
        return texts.FILE_NOTICE.format(name=os.path.basename(msg.file_path))
    if msg.title and msg.kind == MARKDOWN and not msg.text.lstrip().startswith("#"):
        return f"**{msg.title}**\n{msg.text}"
    return msg.text


def is_mergeable(msg: OutboundMessage) -> bool:
    """Whether a message may be folded into a digest (images, files and card updates may not)."""
    if msg.channel in UNSPLITTABLE_CHANNELS or msg.channel in ONE_SHOT:
        return False
    return msg.kind in (TEXT, MARKDOWN, CARD) and msg.channel in _DIGEST_KIND


def parts(msg: OutboundMessage) -> list[OutboundMessage]:
    """The messages this one becomes on its channel: itself, or its text split at the limit.

    Mentions ride on the first piece only, so nobody is notified once per piece.
    """
    if msg.kind not in (TEXT, MARKDOWN) or msg.channel in UNSPLITTABLE_CHANNELS:
        return [msg]
    limit = limit_for(msg.channel, msg.kind)
    if limit is None or byte_len(msg.text) <= limit:
        return [msg]
    if msg.channel in ONE_SHOT:
        return [replace(msg, text=truncate_utf8(msg.text, limit))]
    pieces = split_utf8(msg.text, limit)
    return [replace(msg, text=p, mentions=msg.mentions if i == 0 else ())
            for i, p in enumerate(pieces)]


@dataclass(frozen=True)
class Chunk:
    members: tuple[int, ...]  # indexes into the entries packed, in order
    message: OutboundMessage


def digest_kind(channel: str) -> str:
    return _DIGEST_KIND.get(channel, TEXT)


def fits_in_digest(msg: OutboundMessage) -> bool:
    """Whether this notice, whole, fits in one digest message of its channel."""
    kind = digest_kind(msg.channel)
    limit = limit_for(msg.channel, kind)
    if limit is None:
        return False
    room = limit - byte_len(texts.DIGEST_HEADER) - 1 - _mention_room([msg], [0], kind)
    return byte_len(body_text(msg)) <= room


def pack_digest(msgs: list[OutboundMessage]) -> list[Chunk]:
    """Pack notices for one destination into as few digest messages as the byte limit allows.

    Every notice appears whole in exactly one chunk, chunks keep the input order, and each chunk
    carries the union of its members' mentions. Callers pass only notices for which
    fits_in_digest() holds.
    """
    if not msgs:
        return []
    channel, address = msgs[0].channel, msgs[0].address
    kind = digest_kind(channel)
    limit = limit_for(channel, kind)
    assert limit is not None
    header = texts.DIGEST_HEADER + "\n"
    sep = texts.DIGEST_SEPARATOR
    chunks: list[Chunk] = []
    members: list[int] = []
    bodies: list[str] = []
    used = byte_len(header)

    def flush() -> None:
        mentions: list[str] = []
        for i in members:
            mentions.extend(m for m in msgs[i].mentions if m not in mentions)
        text = header + sep.join(bodies)
        chunks.append(Chunk(tuple(members), OutboundMessage(
            channel=channel, address=address, kind=kind, text=text, title=texts.DIGEST_TITLE,
            mentions=tuple(mentions), extra=dict(msgs[members[0]].extra))))

    for i, msg in enumerate(msgs):
        body = body_text(msg)
        cost = byte_len(body) + (byte_len(sep) if bodies else 0)
        if bodies and used + cost > limit - _mention_room(msgs, members + [i], kind):
            flush()
            members, bodies, used = [], [], byte_len(header)
            cost = byte_len(body)
        members.append(i)
        bodies.append(body)
        used += cost
    flush()
    return chunks


def _mention_room(msgs: list[OutboundMessage], members: list[int], kind: str) -> int:
    """Bytes the senders add for mentions written into markdown (" <@userid>" each)."""
    if kind != MARKDOWN:
        return 0
    seen = {m for i in members for m in msgs[i].mentions}
    return sum(len(m.encode("utf-8")) + 5 for m in seen)


def idempotency_mark(key: str) -> str:
    """Invisible characters that differ between outbox rows and repeat for the same row.

    WeCom's duplicate check drops a body identical to one sent in its interval; with this mark
    appended, only a repeat of the same row is identical, never a second answer with the same words.
    """
    n = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:4], "big")
    return "".join(MARK_ALPHABET[(n >> (2 * i)) & 3] for i in range(MARK_CHARS))


def strip_mark(text: str) -> str:
    """The text as a person reads it: without a trailing idempotency mark."""
    return text.rstrip(MARK_ALPHABET)
