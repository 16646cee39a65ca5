"""Knowledge commands: /查 searches the standard problem library, /知识 shows one entry, /话术 the
standard phrases."""
from __future__ import annotations

from bot.dispatcher import CommandContext
from bot.routing import Router
from bot.services.knowledge import library, phrasebook, texts as knowledge_texts
from commands import texts
from commands.args import Obj, Rest

router = Router("knowledge")


@router.command("查", aliases=("kb",), args=(
    Rest("query", "关键词", missing=knowledge_texts.KB_NEEDS_QUERY, max_len=200),),
                example="/查 打印凭证")
async def search(ctx: CommandContext, query: str) -> str:
    """在标准化问题库中查找相似问题，中文不用空格分词，例如 /查 凭证打印报错。"""
    hits = await library.search(ctx.env, query)
    if not hits:
        return texts.KB_EMPTY.format(q=query)
    lines = [texts.KB_RESULTS.format(n=len(hits), q=query)]
    lines += [texts.KB_LINE.format(headline=library.headline(h.entry)) for h in hits]
    return "\n".join(lines)


@router.command("知识", aliases=("kbshow",), args=(Obj("number", "K"),), example="/知识 K3")
async def show(ctx: CommandContext, number: int) -> str:
    """查看问题库条目：现象、原因、解决方法、产品和版本。"""
    entry = await library.get_entry(number)
    return library.render(entry)


@router.command("话术", aliases=("script",), args=(
    Rest("query", "场景", required=False, default="", max_len=200),), example="/话术 回电")
async def phrases(ctx: CommandContext, query: str) -> str:
    """查标准话术：热线接听、转接、回电、上门、回访、投诉受理等场景。"""
    if not query:
        return knowledge_texts.PHRASE_SCENES.format(scenes="、".join(phrasebook.scenes(ctx.env)))
    return "\n\n".join(phrasebook.render(ctx.env, s) for s in phrasebook.lookup(ctx.env, query))
