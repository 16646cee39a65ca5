"""Knowledge commands: /查 searches the standard problem library, /知识 shows one entry, /话术 the
standard phrases, /敏感知识 marks an entry sensitive.

Sensitive entries and phrases (breaking a password, clearing data) take part only when the
asker names a customer (客户=) for which they hold an approved sensitive request M; each read
is audited by the requests service."""
from __future__ import annotations

from bot.dispatcher import CommandContext
from bot.errors import UserError
from bot.routing import Router
from bot.services.knowledge import library, phrasebook, texts as knowledge_texts
from bot.services.requests import sensitive
from commands import texts
from commands.args import Arg, Choice, Obj, Rest, column_limit
from storage.models import Customer, SensitiveRequest
from storage.models.people import Role

router = Router("knowledge")
# The customer of the asker's approved sensitive request: opens sensitive entries and phrases.
GRANT = Arg("customer", "客户", keys=("客户", "customer"), required=False, hint="",
            max_len=column_limit(Customer, "name"))


async def _grant(ctx: CommandContext, customer: str | None) -> SensitiveRequest | None:
    """客户=: the approved sensitive request the asker holds for that customer (refused if none)."""
    return (await sensitive.access(ctx.me, customer))[1] if customer else None


@router.command("查", aliases=("kb",), args=(
    Rest("query", "关键词", missing=knowledge_texts.KB_NEEDS_QUERY, max_len=200), GRANT),
                example="/查 打印凭证")
async def search(ctx: CommandContext, query: str, customer: str | None) -> str:
    """在标准化问题库中查找相似问题，中文不用空格分词，例如 /查 凭证打印报错。

    敏感资料（如密码恢复）只在写明 客户= 且你持有该客户已批准的敏感申请时列出，每次查看都记入审计。
    """
    grant = await _grant(ctx, customer)
    hits = await library.search(ctx.env, query, sensitive=grant is not None)
    if grant is not None:
        for h in hits:
            if h.entry.sensitive:
                await sensitive.audit_read(ctx.env, ctx.me, grant, h.entry.number)
    if not hits:
        return texts.KB_EMPTY.format(q=query)
    lines = [texts.KB_RESULTS.format(n=len(hits), q=query)]
    lines += [texts.KB_LINE.format(headline=library.headline(h.entry)) for h in hits]
    return "\n".join(lines)


@router.command("知识", aliases=("kbshow",), args=(Obj("number", "K"), GRANT), example="/知识 K3")
async def show(ctx: CommandContext, number: int, customer: str | None) -> str:
    """查看问题库条目：现象、原因、解决方法、产品和版本（敏感条目须写 客户=，见 /查）。"""
    entry = await library.get_entry(number)
    if entry.sensitive:
        grant = await _grant(ctx, customer)
        if grant is None:
            raise UserError(knowledge_texts.KB_SENSITIVE_LOCKED.format(no=entry.number))
        await sensitive.audit_read(ctx.env, ctx.me, grant, entry.number)
    return library.render(entry)


@router.command("话术", aliases=("script",), args=(
    Rest("query", "场景", required=False, default="", max_len=200), GRANT), example="/话术 回电")
async def phrases(ctx: CommandContext, query: str, customer: str | None) -> str:
    """查标准话术：热线接听、转接、回电、上门、回访、投诉受理等场景。

    密码恢复、清除数据等敏感话术只在写明 客户= 且你持有该客户已批准的敏感申请时可查，查看记入审计。
    """
    grant = await _grant(ctx, customer)
    if not query:
        names = phrasebook.scenes(ctx.env, sensitive=grant is not None)
        return knowledge_texts.PHRASE_SCENES.format(scenes="、".join(names))
    found = phrasebook.lookup(ctx.env, query, sensitive=grant is not None)
    if grant is not None:
        for s in found:
            if s.sensitive:
                await sensitive.audit_read(ctx.env, ctx.me, grant, s.name)
    return "\n\n".join(phrasebook.render(ctx.env, s) for s in found)


@router.command("敏感知识", aliases=("kbsensitive",), roles=(Role.MANAGER,), args=(
    Obj("number", "K"),
    Choice("unmark", "取消", {w: True for w in texts.REQ_UNMARK_WORDS}, required=False,
           default=False)),
                example="/敏感知识 K3")
async def mark(ctx: CommandContext, number: int, unmark: bool) -> str:
    """把描述破解密码等内容的问题库条目标为敏感（只对持有已批准敏感申请的工程师可见）；加“取消”撤销。"""
    entry = await library.mark_sensitive(number, not unmark)
    done = knowledge_texts.KB_UNMARKED_SENSITIVE if unmark else knowledge_texts.KB_MARKED_SENSITIVE
    return done.format(no=entry.number)
