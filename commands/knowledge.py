"""Knowledge commands: /查 searches the standard problem library, /知识 shows one entry, /话术 the
standard phrases."""
from __future__ import annotations

from bot.dispatcher import CommandContext
from bot.errors import UsageError
from bot.routing import Router
from bot.services.knowledge import library, phrasebook, texts as knowledge_texts
from commands import texts
from commands.parsing import object_number

router = Router("knowledge")


@router.command("查", aliases=("kb",), usage="/查 关键词", example="/查 打印凭证")
async def search(ctx: CommandContext) -> str:
    """在标准化问题库中查找相似问题，中文不用空格分词，例如 /查 凭证打印报错。"""
    query = ctx.args.rest(0)
    if not query:
        raise UsageError(knowledge_texts.KB_NEEDS_QUERY)
    hits = await library.search(ctx.env, query)
    if not hits:
        return texts.KB_EMPTY.format(q=query)
    lines = [texts.KB_RESULTS.format(n=len(hits), q=query)]
    lines += [texts.KB_LINE.format(headline=library.headline(h.entry)) for h in hits]
    return "\n".join(lines)


@router.command("知识", aliases=("kbshow",), usage="/知识 K编号", example="/知识 K3")
async def show(ctx: CommandContext) -> str:
    """查看问题库条目：现象、原因、解决方法、产品和版本。"""
    entry = await library.get_entry(object_number(ctx.args.get(0), "K"))
    return library.render(entry)


@router.command("话术", aliases=("script",), usage="/话术 [场景]", example="/话术 回电")
async def phrases(ctx: CommandContext) -> str:
    """查标准话术：热线接听、转接、回电、上门、回访、投诉受理等场景。"""
    query = ctx.args.rest(0)
    if not query:
        return knowledge_texts.PHRASE_SCENES.format(scenes="、".join(phrasebook.scenes(ctx.env)))
    return "\n\n".join(phrasebook.render(ctx.env, s) for s in phrasebook.lookup(ctx.env, query))
