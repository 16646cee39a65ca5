"""Every Chinese text the notifiers package writes itself: digests, dead letters, card fallbacks."""

# A rate-limit digest: several queued notices for one destination sent as one message.
DIGEST_HEADER = "【消息汇总】发送频率已达上限，以下通知合并发送："
DIGEST_TITLE = "消息汇总"
DIGEST_SEPARATOR = "\n———\n"

# A card that has to travel as text (a digest, or a channel without buttons).
CARD_ACTIONS = "可用操作：{labels}（也可使用对应命令）"

# A card's new state sent as a fresh message where the card itself can no longer be redrawn.
CARD_STATE = "{title}\n状态：{state}"

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

# Told to the admins once a month, when DingTalk's OpenAPI quota is running out.
QUOTA_WARNING = ("【钉钉接口额度预警】{month} 已调用钉钉开放接口 {used} 次，占每月额度 {limit} 次的 "
                 "{percent}%。额度用尽后推送会失败；接近额度时群通知将合并为汇总消息发送。"
                 "如需更多额度请升级钉钉版本，或在 deskbot.toml 的 [dingtalk] monthly_quota 中调整。")
