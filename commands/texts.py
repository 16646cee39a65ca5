"""Every Chinese text the command layer shows: help, usage, refusals, replies."""

# Parsing
UNCLOSED_QUOTE = "引号没有闭合，请检查输入。"
MISSING_OBJECT = "缺少编号（例如 {letter}12）。"
BAD_OBJECT = "“{token}”不是有效的编号，应为 {letter} 加数字，例如 {letter}12。"

# Dispatch
NOT_A_COMMAND = "请以 / 开头输入命令，例如 /帮助 查看可用命令。"
UNKNOWN_COMMAND = "没有命令“{name}”。"
DID_YOU_MEAN = "你是不是想用：{names}？"
SEE_HELP = "输入 /帮助 查看可用命令。"
UNKNOWN_SENDER = "你还不是本系统登记的员工（{userid}），请联系管理员登记后再使用。"
NEEDS_ROLE = "“/{name}”需要以下角色之一：{roles}。你的角色：{mine}。"
ONLY_PRIVATE = "“/{name}”只能在与机器人的私聊中使用。"
ONLY_GROUP = "“/{name}”只能在群聊中使用。"
USAGE = "用法：{usage}\n例如：{example}"
INTERNAL_ERROR = "处理“{text}”时出错（编号 {ref}），已通知管理员，请稍后再试。"
ADMIN_INTERNAL_ERROR = "【系统错误】{who} 的命令“{text}”处理失败（编号 {ref}）：{error}"
UNKNOWN_ACTION = "这个按钮已失效。"

ROLE_NAMES = {
    "engineer": "工程师",
    "manager": "服务经理",
    "supervisor": "服务监督员",
    "sales": "业务人员",
    "admin": "管理员",
}
NO_ROLE = "无"

# People
PERSON_NOT_FOUND = "找不到员工“{who}”。"
PERSON_AMBIGUOUS = "“{who}”有多位同名员工，请用 ID 指定：{choices}"
PERSON_CHOICE = "{name}（{userid}，{team}）"

# Help
HELP_HEADER = "你可以使用的命令（/帮助 命令名 查看用法）："
HELP_LINE = "/{name}（/{alias}）{summary}"
HELP_LINE_NO_ALIAS = "/{name} {summary}"
HELP_ONE = "/{name}{aliases}\n{doc}\n用法：{usage}\n例如：{example}\n可用角色：{roles}"
HELP_ALL_ROLES = "所有登记员工"
HELP_ALIASES = "（别名 {aliases}）"

# Tickets
NEW_TICKET_MISSING = "请写明客户和故障现象。"
NEW_TICKET_DONE = "已建单 {no}（客户：{customer}）。你是首问负责人，直到有人接单。\n时限：{clocks}"
CLAIM_DONE = "你已接单 {no}（{customer}），现在由你负责。"
CLAIMED_BY = "已由 {who} 接单"
MINE_EMPTY = "你没有未完成的工单。"
MINE_HEADER = "你的未完成工作："
OFFERED = "待你接收"
TICKET_LINE = "· {no}［{status}］{customer}：{desc}"
QUEUE_EMPTY = "没有待接单或超时的工单。"
QUEUE_UNCLAIMED = "待接单（{n}）："
QUEUE_OVERDUE = "已超时（{n}）："
QUEUE_LINE = "· {no} {customer}：{desc}（{owner}，{at}）"
RESOLVE_MISSING = "请写明解决方法。"
RESOLVE_DONE = "{no} 已解决。"
