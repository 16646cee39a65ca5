"""Every Chinese text of the runtime package (bot/): settings errors, generic replies, CLI output."""

SETTINGS_BAD_KEY = "配置错误：{key}：{problem}"
SETTINGS_BAD_TOML = "配置文件 {path} 不是有效的 TOML：{problem}"
SETTINGS_BAD_ENV = "配置错误：环境变量 DESKBOT_* 的值无法解析（列表和表应写成 JSON）：{problem}"
# pydantic's own checks, by error type.
SETTINGS_PROBLEMS = {
    "missing": "缺少这个键",
    "extra_forbidden": "未知的键",
    "model_type": "应为一个表（键值对）",
    "model_attributes_type": "应为一个表（键值对）",
    "dict_type": "应为一个表（键值对）",
    "list_type": "应为一个列表",
    "tuple_type": "应为一个列表",
    "string_type": "应为文字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "literal_error": "应为以下之一：{expected}",
}

# simulator
SIM_BOT_NAME = "机器人"
# How a simulator group message @-mentions the bot: such a message reaches it, mention removed.
SIM_BOT_MENTIONS = ("@deskbot", "@机器人", "＠deskbot", "＠机器人")
SIM_ERR_BAD_JSON = "请求格式错误：需要一个 JSON 对象"
SIM_ERR_TOO_LARGE = "请求太大：最多 {limit} 字节"
SIM_ERR_FIELD = "请求缺少或写错了字段：{field}"
SIM_ERR_UNKNOWN_USER = "没有这个员工（或已停用）：{userid}"
SIM_ERR_UNKNOWN_CHAT = "没有这个群：{conv}"
SIM_ERR_EMPTY = "消息不能为空"
SIM_ERR_TEXT_TOO_LONG = "消息太长：最多 {limit} 个字"
SIM_ERR_PIPELINE = "机器人暂时收不了消息，请稍后再试"
# Labels of the simulator page; the page gets them as {{key}} in sim.html and as JSON for sim.js.
SIM_PAGE = {
    "title": "deskbot 模拟器",
    "subtitle": "在浏览器里试用，不需要企业微信或钉钉账号",
    "me": "我是",
    "conversations": "会话",
    "private_chat": "私聊机器人",
    "help_hint": "输入 /帮助 查看命令",
    "group_hint": "群里以 @机器人 或 / 开头的消息才会发给机器人",
    "placeholder": "输入消息，Enter 发送，Shift+Enter 换行",
    "send": "发送",
    "connected": "已连接",
    "reconnecting": "连接中断，正在重连…",
    "no_staff": "还没有员工。请先运行 deskbot demo-data 或 deskbot staff import 员工.csv",
    "no_messages": "还没有消息",
    "send_failed": "发送失败",
    "sending": "发送中",
    "not_forwarded": "未 @机器人，机器人不会收到",
    "clicked": "点击了「{label}」",
    "open_file": "打开文件",
    "unread": "条未读",
    "roles": {"engineer": "工程师", "manager": "经理", "supervisor": "主管",
              "sales": "销售", "admin": "管理员"},
    "purposes": {"hotline": "热线群", "managers": "经理群", "supervisors": "主管群",
                 "hq": "总部"},
}

# CLI
CLI_DESCRIPTION = "deskbot：在企业微信和钉钉里运行售后服务中心的机器人"
CLI_CONFIG_HELP = "配置文件路径（默认 deskbot.toml，可用环境变量 DESKBOT_CONFIG 指定）"
CLI_SERVE_HELP = "启动机器人"
CLI_MIGRATE_HELP = "执行数据库迁移"
CLI_DEMO_HELP = "载入演示员工、客户和群"
CLI_STAFF_HELP = "导入员工：deskbot staff import 文件.csv"
CLI_CUSTOMERS_HELP = "导入客户：deskbot customers import 文件.csv 或 .xlsx"
CLI_ROSTER_HELP = "导入值班表（CSV 或 Excel：日期、班次、人员）"
CLI_MIGRATED = "数据库已迁移到最新：{url}"
CLI_NO_FILE = "找不到文件：{path}"
CLI_DEMO = "演示数据已载入。\n员工：{staff}\n客户：{customers}\n群：{chats} 个"
CLI_SERVING = "deskbot 已启动：{url}"
CLI_SECOND_INSTANCE = "另一个 deskbot 实例正在使用这个 SQLite 数据库（{path}）。多实例请改用 PostgreSQL。"
CLI_NO_CONFIG = "找不到配置文件：{path}"
CLI_DB_UNREACHABLE = "无法连接数据库 {where}：{reason}。请检查 database.url，并确认数据库服务已启动。"
CLI_DB_NO_HOST = "找不到主机 {host}"
CLI_DB_REFUSED_CONN = "连接被拒绝"
CLI_DB_TIMEOUT = "{seconds} 秒内没有应答"
CLI_DB_LOGIN = "数据库拒绝登录（{problem}）"
CLI_DB_MISSING = "数据库“{name}”在 {where} 上不存在：请先创建它（例如 createdb {name}），再运行 deskbot migrate。"
CLI_DB_NOT_MIGRATED = "数据库还没有建表：请先运行 deskbot migrate"
CLI_DB_OUTDATED = "数据库结构不是最新（还没有执行迁移 {missing}）：请先运行 deskbot migrate"
CLI_SQLITE_UNREADABLE = "无法读取 SQLite 数据库 {path}：{reason}"
CLI_PORT_IN_USE = "端口 {port} 已被占用（{host}:{port}）：请先停止占用它的程序，或在配置 server.port 中换一个端口。"
CLI_CANNOT_LISTEN = "无法监听 {host}:{port}：{reason}"
CLI_BAD_HOST = "配置错误：server.host：无法解析主机名“{host}”"

# calendar and durations (bot/calendar.py, bot/durations.py)
CAL_BAD_TIME = "配置错误：{key}：时间“{value}”应写成 HH:MM（例如 08:30）"
CAL_BAD_SPAN = "配置错误：{key}：时段“{value}”应写成 HH:MM-HH:MM（例如 08:30-12:00）"
CAL_NO_WINDOWS = "配置错误：{key}：至少要有一个工作时段"
CAL_BAD_WINDOW = "配置错误：{key}：工作时段“{value}”的结束时间应晚于开始时间"
CAL_OVERLAP = "配置错误：{key}：工作时段有重叠"
CAL_BAD_TZ = "配置错误：center.timezone：未知时区“{value}”（例如 Asia/Shanghai）"
CAL_BAD_DAYS = "配置错误：{key}：应为日期列表，例如 [\"2026-12-31\", \"2027-02-05..2027-02-12\"]"
CAL_BAD_DATE = "配置错误：{key}：日期“{value}”应写成 YYYY-MM-DD 或 YYYY-MM-DD..YYYY-MM-DD"
CAL_NO_FILE = "配置错误：calendar.overrides_file：找不到文件 {path}"
CAL_BAD_FILE = "配置错误：calendar.overrides_file：{path} 不是有效的 TOML：{problem}"
CAL_UNKNOWN_KEY = "配置错误：{path}：未知的键“{key}”（只能是 days_off 或 workdays）"
CAL_BOTH = "配置错误：{path}：{day} 同时出现在 days_off 和 workdays 中"
CAL_NO_WORKDAY = "工作日历错误：十年内找不到工作日，请检查 calendar 配置"
CAL_NAIVE = "内部错误：时间 {value} 缺少时区"
DUR_BAD = "无法识别的时长“{value}”：请写成 15m、3h、90s、2d、1h30m、1wd（工作日）或 4wh（工作小时）"
DUR_BAD_UNIT = "时长“{value}”中的单位“{unit}”无法识别：可用 s、m、h、d、wd（工作日）、wh（工作小时）"
DUR_MIXED = "时长“{value}”不能把工作日/工作小时与其他单位混写"
DUR_WHOLE_DAYS = "时长“{value}”：工作日必须是整数"
DUR_NOT_WALL = "时长“{value}”按工作时间计算，不是固定时长"
HUMAN_DAYS_HOURS = "{d} 天 {h} 小时"
HUMAN_DAYS = "{d} 天"
HUMAN_HOURS_MINUTES = "{h} 小时 {m} 分钟"
HUMAN_HOURS = "{h} 小时"
HUMAN_MINUTES = "{m} 分钟"
HUMAN_UNDER_MINUTE = "不到 1 分钟"
HUMAN_WORKDAYS = "{n} 个工作日"
HUMAN_WORKHOURS = "{n} 个工作小时"

# service settings (bot/settings.py ServiceSettings)
SETTINGS_WALL_DURATION = "应为固定时长（例如 24h、30m），不能用工作日或工作小时"
SETTINGS_BAD_PRIORITY = "默认优先级“{priority}”不在优先级列表中：{allowed}"
SETTINGS_BAD_MODES = "服务方式不能为空，且只能是：{modes}（无法识别：{bad}）"
SETTINGS_BAD_HHMM = "应为 时:分（例如 09:00），而不是“{value}”"
SETTINGS_LOG_ORDER = "projects.log_report_at 必须晚于 log_remind_at"
SETTINGS_SIM_TOKEN_SHORT = "模拟器登录口令（simulator.token）至少 16 个字符"

# the one error path (bot/failures.py) and the inbound pipeline's dead letters
ERROR_NOTICE_QUIET = "\n（同类错误 {minutes} 分钟内只通知一次）"
JOB_FAILED = "【系统错误】定时任务 {name} 出错（参考号 {ref}）：{error}"
RELAY_FAILED = "【系统错误】消息发送环节出错（参考号 {ref}）：{error}"
INBOUND_FAILED_USER = "处理失败，参考号 {ref}：“{text}”多次重试仍未能处理，已通知管理员，请稍后再试。"
INBOUND_FAILED_ADMIN = ("【系统错误】{who} 的消息“{text}”经 {attempts} 次尝试仍处理失败，已停止重试"
                        "（参考号 {ref}）：{error}")
ADMIN_COMMAND_FAILED = "【系统错误】{who} 的命令“{text}”处理失败（参考号 {ref}）：{error}"
CLI_CHATS_HELP = "查看与绑定群：chats list | chats bind 平台 群id 用途 [--push 地址] [--secret 密钥]"
CLI_BOUND = "已绑定：{chat}（{platform}）→ {purpose}"
SETTINGS_BAD_REMINDER_DAYS = "提醒天数应为 1 到 366 之间的整数列表，例如 [30, 7]"
SETTINGS_NO_DEPARTMENTS = "至少要有一个部门，例如 实施 = \"负责人userid\""
CONNECTION_DOWN = ("【连接中断】{name} 长连接已断开 {minutes} 分钟，正在自动重连（最近一次原因：{error}）。"
                   "期间平台消息收不到，请检查网络或机器人的 ID 与 Secret。")
CONNECTION_BACK = "【连接恢复】{name} 长连接已恢复。"
CONNECTION_KICKED = ("【连接被顶替】{name} 长连接被另一个连接挤下线：同一机器人只允许一个连接。"
                     "本实例 {minutes} 分钟内不再重连；若不是本系统的其他实例，请检查谁在使用同一机器人。")
