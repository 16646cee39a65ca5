"""Chinese texts of the chat bindings (/绑定 /解绑 /群, `deskbot chats`)."""

# What people type after /绑定, and how a purpose is named back to them.
PURPOSE_WORDS = {
    "热线": "hotline", "热线群": "hotline", "热线服务群": "hotline",
    "经理": "managers", "经理群": "managers", "服务经理": "managers", "服务经理群": "managers",
    "监督": "supervisors", "监督群": "supervisors", "质量监督": "supervisors",
    "质量监督群": "supervisors",
    "总部": "hq", "总部群": "hq", "总部服务发展部": "hq",
    "部门负责人": "dept_heads", "部门负责人群": "dept_heads", "部门": "dept_heads",
    "部门群": "dept_heads",
}
PURPOSE_NAMES = {"hotline": "热线群", "managers": "服务经理群", "supervisors": "质量监督群",
                 "hq": "总部服务发展部", "dept_heads": "部门负责人群"}
PLATFORM_NAMES = {"wecom_bot": "企业微信（智能机器人）", "wecom_app": "企业微信（自建应用）",
                  "dingtalk": "钉钉", "local": "本地模拟器"}
CHANNEL_NAMES = {
    "wecom_webhook": "企业微信群机器人 Webhook", "wecom_appchat": "企业微信应用群聊",
    "dingtalk_group": "钉钉机器人 OpenAPI 群消息", "dingtalk_webhook": "钉钉自定义机器人 Webhook",
    "local": "本地模拟器", "wecom_ws_send": "企业微信智能机器人长连接主动推送",
}

UNKNOWN_PURPOSE = "不认识的用途“{word}”，可选：热线、服务经理、质量监督、总部、部门负责人"
BAD_PUSH = "推送地址应为群机器人的 Webhook 地址（http:// 或 https:// 开头）或 Webhook key"
PUSH_NOT_HERE = "本地模拟器的群不需要推送地址"
NO_SUCH_CHAT = "没有找到 {platform} 上 id 为 {chat} 的群"
BOUND = "本群已绑定为{purpose}。\n{route}"
BOUND_WAS = "（原为{old}）"
UNBOUND = "本群已解绑（原为{purpose}），不再收到推送。"
UNBOUND_NOTHING = "本群尚未绑定用途，无需解绑。"
LAST_HOTLINE = "注意：这是最后一个热线群，解绑后新单通知、交接班公告将无处推送；请尽快绑定新的热线群。"
ROUTE = "推送方式：{channel}（{address}）"
ROUTE_NONE = "推送方式：无。此群只能回复收到的消息，不能主动推送；请用 /绑定 {purpose} 推送=<群机器人 Webhook> 设置。"
ROUTE_NONE_UNBOUND = "推送方式：无。"
CHAT_INFO = "平台：{platform}\n群 id：{chat}\n用途：{purpose}\n{route}"
NOT_BOUND = "未绑定"
CHAT_ROW = "{id}\t{platform}\t{chat}\t{purpose}\t{route}\t{name}"
CHAT_HEAD = "编号\t平台\t群 id\t用途\t推送方式\t名称"
NO_CHATS = "还没有任何群；机器人在群里收到消息后会自动登记。"
AUDIT_BIND = "{platform} {chat} → {purpose}；推送 {route}"
AUDIT_UNBIND = "{platform} {chat} 解绑（原为 {purpose}）"
