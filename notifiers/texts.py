"""Every Chinese text the notifiers package writes itself: digests, dead letters, card fallbacks."""

# A rate-limit digest: several queued notices for one destination sent as one message.
DIGEST_HEADER = "【消息汇总】发送频率已达上限，以下通知合并发送："
DIGEST_TITLE = "消息汇总"
DIGEST_SEPARATOR = "\n———\n"

# A card that has to travel as text (a digest, or a channel without buttons).
CARD_ACTIONS = "可用操作：{labels}（也可使用对应命令）"

# What a clicked card shows instead of its buttons; callers fill in who did what.
CARD_TAKEN = "已由 {name} {action}"

# A channel that cannot carry a long text in several messages (one-shot reply URLs).
TRUNCATED = "…（内容过长，已截断）"

# Told to the admins when a message is given up on.
DEAD_LETTER = (
    "【消息发送失败】一条消息经 {attempts} 次尝试仍未送达，已停止重试。\n"
    "渠道：{channel}\n地址：{address}\n原因：{error}\n内容摘要：{preview}"
)
DEAD_LETTER_NO_PREVIEW = "（无文字内容）"

IMAGE_NOTICE = "[图片]"
FILE_NOTICE = "[文件] {name}"
