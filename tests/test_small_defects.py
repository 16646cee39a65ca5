"""Issue 15: the smaller defects fixed by the hotfix branch, one test each, asserting the answer."""
from tests.test_dispatches import refused


async def test_plain_words_get_a_pointer_that_matches_the_truth(chat):
    pointer = "你可以直接发送命令，如“我的”；发送“帮助”查看全部命令。"
    assert await refused(chat, "zhangwei", "你好") == pointer
    # What the pointer promises works: slash-less commands in a private chat.
    assert (await chat.say("zhangwei", "我的")).startswith("你")
    assert "/建单" in await chat.say("zhangwei", "帮助")
    # In a group the bot only hears @-mentions: the pointer says so.
    assert await chat.say("zhangwei", "你好", chat="hotline") == \
        "@我 后直接写命令即可，如“我的”；写“帮助”查看全部命令。"
