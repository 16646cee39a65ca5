"""Knowledge commands: /查 searches the standard problem library, /知识 shows one entry, /话术 the
standard phrases, /敏感知识 marks an entry sensitive.

Sensitive entries and phrases (breaking a password, clearing data) take part only when the
asker names a customer (客户=) for which they hold an approved sensitive request M; each read
is audited by the requests service."""
from __future__ import annotations

from bot.dispatcher import CommandContext
from bot.errors import UsageError, UserError
from bot.routing import Router
from bot.services.knowledge import library, phrasebook, texts as knowledge_texts
from bot.services.requests import sensitive
from commands import texts
from commands.parsing import object_number
from storage.models import SensitiveRequest
from storage.models.people import Role

router = Router("knowledge")


async def _grant(ctx: CommandContext) -> SensitiveRequest | None:
    """客户=: the approved sensitive request the asker holds for that customer (refused if none)."""
    name = ctx.args.opt("客户", "customer")
    return (await sensitive.access(ctx.me, name))[1] if name else None


@router.command("查", aliases=("kb",), usage="/查 关键词 [客户=持有已批准敏感申请的客户]",
                example="/查 打印凭证")
async def search(ctx: CommandContext) -> str:
    """在标准化问题库中查找相似问题，中文不用空格分词，例如 /查 凭证打印报错。

    敏感资料（如密码恢复）只在写明 客户= 且你持有该客户已批准的敏感申请时列出，每次查看都记入审计。
    """
    query = ctx.args.rest(0)
    if not query:
        raise UsageError(knowledge_texts.KB_NEEDS_QUERY)
    grant = await _grant(ctx)
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


@router.command("知识", aliases=("kbshow",), usage="/知识 K编号 [客户=]", example="/知识 K3")
async def show(ctx: CommandContext) -> str:
    """查看问题库条目：现象、原因、解决方法、产品和版本（敏感条目须写 客户=，见 /查）。"""
    entry = await library.get_entry(object_number(ctx.args.get(0), "K"))
    if entry.sensitive:
        grant = await _grant(ctx)
        if grant is None:
            raise UserError(knowledge_texts.KB_SENSITIVE_LOCKED.format(no=entry.number))
        await sensitive.audit_read(ctx.env, ctx.me, grant, entry.number)
    return library.render(entry)


@router.command("话术", aliases=("script",), usage="/话术 [场景] [客户=]", example="/话术 回电")
async def phrases(ctx: CommandContext) -> str:
    """查标准话术：热线接听、转接、回电、上门、回访、投诉受理等场景。

    密码恢复、清除数据等敏感话术只在写明 客户= 且你持有该客户已批准的敏感申请时可查，查看记入审计。
    """
    query = ctx.args.rest(0)
    grant = await _grant(ctx)
    if not query:
        names = phrasebook.scenes(ctx.env, sensitive=grant is not None)
        return knowledge_texts.PHRASE_SCENES.format(scenes="、".join(names))
    found = phrasebook.lookup(ctx.env, query, sensitive=grant is not None)
    if grant is not None:
        for s in found:
            if s.sensitive:
                await sensitive.audit_read(ctx.env, ctx.me, grant, s.name)
    return "\n\n".join(phrasebook.render(ctx.env, s) for s in found)


@router.command("敏感知识", aliases=("kbsensitive",), roles=(Role.MANAGER,),
                usage="/敏感知识 K编号 [取消]", example="/敏感知识 K3")
async def mark(ctx: CommandContext) -> str:
    """把描述破解密码等内容的问题库条目标为敏感（只对持有已批准敏感申请的工程师可见）；加“取消”撤销。"""
    a = ctx.args
    off = (a.get(1) or "") in texts.REQ_UNMARK_WORDS
    entry = await library.mark_sensitive(object_number(a.get(0), "K"), not off)
    done = knowledge_texts.KB_UNMARKED_SENSITIVE if off else knowledge_texts.KB_MARKED_SENSITIVE
    return done.format(no=entry.number)
