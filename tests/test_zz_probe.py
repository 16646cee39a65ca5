import pytest
from bot.services.deadlines import tick

async def test_probe(chat, env, clock):
    out = []
    async def say(who, text, **kw):
        a = await chat.say(who, text, **kw)
        out.append(f">>> {who}: {text}\n{a}")
        return a
    await say("zhangwei", "/建单 客户=华东制造 打印报错 联系人=周出纳")
    await say("zhangwei", "/单 T1")
    await say("zhangwei", "你好")
    await say("zhangwei", "我的")
    await say("zhangwei", "/建单")
    await say("zhangwei", "/转派 T1")
    await say("zhangwei", "/派工")
    await say("liujing", "/派工 T1")
    await say("zhangwei", "/接单 T1")
    await say("zhangwei", "/解决 T1 重装")
    await say("lina", "/接单 T1")
    await say("chenjian", "/待回访")
    await say("zhangwei", "/建单 客户=华东制造 打印报错2 联系人=周出纳")
    await say("zhangwei", "/改单 T2 优先级=紧急")
    await say("zhangwei", "/单 T2")
    for p in await chat.pushes():
        out.append(f"PUSH {p.msg.address}: {p.text}")
    open("/tmp/hotfix/probe.txt", "w").write("\n".join(out))
