"""Every Chinese text the command layer shows: help, usage, refusals, replies."""

# Parsing
UNCLOSED_QUOTE = "引号没有闭合，请检查输入。"
MISSING_OBJECT = "请写明{what}编号（例如 {letter}12）。"
BAD_OBJECT = "“{token}”不是有效的编号，应为 {letters} 加数字，例如 {letter}12。"
OBJECT_RANGE = "编号“{token}”超出范围，应为 {letter}1 到 {letter}{max} 之间。"
OBJECT_NAMES = {
    "T": "工单", "D": "派工单", "C": "投诉", "V": "回访", "F": "处罚", "K": "问题库条目",
    "P": "项目", "R": "改需", "S": "首访", "L": "培训", "M": "敏感申请",
}

# Arguments (commands/args.py)
ARG_MISSING = "请写明{label}。"
ARG_TOO_LONG = "{label}太长：最多 {limit} 个字，你写了 {n} 个。"
ARG_BAD_NUMBER = "“{token}”不是有效的{label}，应为 {lo} 到 {hi} 之间的整数。"
ARG_CHOICE = "{label}应为 {choices} 之一，你写的是“{token}”。"
ARG_EXTRA = "多余的参数“{token}”。"
ARG_ONE_OBJECT = "一次只能处理一个编号，“{token}”没有处理：请分别发送。"
ARG_BAD_MONTH = "“{token}”不是有效的月份（{first} 年以后），请写 2026-11、11月、本月或上月。"

# Dispatch
NOT_A_COMMAND = "请以 / 开头输入命令，例如 /帮助 查看可用命令。"
SLASH_ALONE = "请在 / 后面写命令名，例如 /帮助 查看可用命令，/帮助 建单 查看某个命令的用法。"
UNKNOWN_COMMAND = "没有命令“{name}”。"
DID_YOU_MEAN = "你是不是想用：{names}？"
SEE_HELP = "输入 /帮助 查看可用命令。"
UNKNOWN_SENDER = "你还不是本系统登记的员工（{userid}），请联系管理员登记后再使用。"
NEEDS_ROLE = "“/{name}”需要以下角色之一：{roles}。你的角色：{mine}。"
ONLY_PRIVATE = "“/{name}”只能在与机器人的私聊中使用。"
ONLY_GROUP = "“/{name}”只能在群聊中使用。"
USAGE = "用法：{usage}\n例如：{example}"
INTERNAL_ERROR = "处理失败，参考号 {ref}：“{text}”出错，已通知管理员，请稍后再试。"
ADMIN_INTERNAL_ERROR = "【系统错误】{who} 的命令“{text}”处理失败（参考号 {ref}）：{error}"
UNKNOWN_ACTION = "这个按钮已失效。"

ROLE_NAMES = {
    "engineer": "工程师",
    "manager": "服务经理",
    "supervisor": "服务监督员",
    "sales": "业务人员",
    "admin": "管理员",
    "impl_manager": "实施经理",
    "project_manager": "项目经理",
    "consultant": "实施顾问",
    "trainer": "培训讲师",
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
HELP_AREA = "【{area}】"
AREA_NAMES = {
    "help": "通用", "tickets": "热线工单", "dispatches": "上门服务", "knowledge": "知识库",
    "roster": "值班", "penalties": "处罚", "complaints": "投诉", "followups": "回访",
    "reports": "报表", "requests": "改需与敏感申请", "chats": "群绑定", "ticket_changes": "工单修改",
    "ticket_search": "查找工单",
}
HELP_WHERE = {"private": "（仅私聊）", "group": "（仅群聊）"}
HELP_RULE_OFF = "（未启用）"

# Tickets
NEW_TICKET_MISSING = "请写明客户和故障现象。"
NEW_TICKET_DONE = "已建单 {no}（客户：{customer}）。你是首问负责人，直到有人接单。\n时限：{clocks}"
CLAIM_DONE = "你已接单 {no}（{customer}），现在由你负责。"
MINE_EMPTY = "你没有未完成的工单。"
MINE_HEADER = "你的未完成工作："
OFFERED = "待你接收"
TICKET_LINE = "· {no}［{status}］{customer}：{desc}"
QUEUE_EMPTY = "没有待接单或超时的工单。"
QUEUE_UNCLAIMED = "待接单（{n}）："
QUEUE_OVERDUE = "已超时（{n}）："
QUEUE_LINE = "· {no}［{priority}］{customer}：{desc}（{owner}，{at}）"
QUEUE_MORE = "……另有 {n} 张未列出（{more}）"
QUEUE_MORE_UNCLAIMED = "/工单 待接单 查看全部"
QUEUE_MORE_OPEN = "/工单 未完成 查看全部"
QUEUE_MORE_VISITS = "派工后其余申请依次显示"
KB_WORDS = ("入库", "kb")
RESOLVE_DONE = "{no} 已解决。"
SEARCH_NONE = "没有找到符合条件的工单。"
SEARCH_NEEDS_CRITERIA = "请写明查找条件，例如：/查单 客户=华东 或 /查单 电话=1111 或 /查单 状态=未完成 从=11-01 到=11-23。"
SEARCH_HEAD = "找到 {total} 张工单（第 {page}/{pages} 页）："
SEARCH_LINE = "· {no}［{status}］{customer}：{desc}（{owner}，{at}）"
SEARCH_NEXT = "下一页：{command}"
NOTE_DONE = "已在 {no} 的历史中记下备注。"
EDIT_DONE = "已修改 {no}：\n{changes}"
REOPEN_DONE = "{no} 已重开，负责人 {owner}，回电时限重新开始。"
CANCEL_DONE = "{no} 已撤单，时限已取消，不计为服务。"

# hotline and on-site service (commands/tickets.py, dispatches.py, knowledge.py)
NEW_TICKET_MODE = "服务方式：{mode}（{offer}）"
NEW_TICKET_KB = "问题库中可能相关的条目（/知识 编号 查看）："
KB_LINE = "· {headline}"
NEW_TICKET_DUPLICATE = ("{customer} 在 {window} 内已报过相似问题 {orig}（{status}，负责人 {owner}）。"
                        "本次记为 {no}，已关联到 {orig} 并关闭，不重复计数；{told}"
                        "如确是新问题，请加 查重=否 重新建单。")
NEW_TICKET_DUPLICATE_TOLD = "已通知 {owner}。"
NO_CHECK_WORDS = ("否", "不", "no", "off", "0", "false")
RESOLVE_KB_DONE = "{no} 已解决，已收入问题库 {kb}。"
MINE_OFFERED_LINE = "· {no}［待你接收］{customer}：{desc}"
MINE_VISITS = "上门："
MINE_VISIT_LINE = "· {d}［{status}］{no} {customer}{at}"
MINE_VISIT_AT = "（预约 {at}）"
QUEUE_REQUESTS = "待派工（{n}）："
QUEUE_REQUEST_LINE = "· {d} {no} {customer}：{reason}"
QUEUE_HQ = "已升级总部、跟踪中（{n}）："
TRANSFER_DONE = "{no} 已转派给 {who}，等待其接收；在此之前你仍是负责人。"
TRANSFER_DONE_FOR_OWNER = "{no} 已转派给 {who}，等待其接收；在此之前负责人仍是 {owner}，已通知 {owner}。"
ACCEPT_DONE = "你已接收 {no}（{customer}），现在由你负责。"
CALLBACK_DONE = "{no} 需回电：请在 {due} 前回电客户（{label}时限）。回电后用 /答复 {no} 结果 记录。"
CONSULT_DONE = "{no} 已申请会诊，已通知服务经理；请在 {due} 前给客户答复或上门预约。答复后用 /答复 {no} 结果 记录。"
ANSWER_DONE = "{no} 已记录答复，{labels}时限已完成。"
ESCALATE_DONE = "{no} 已升级总部，问题解决前持续跟踪（下次跟踪截止 {due}）。"
VISIT_MISSING = "请写明工单编号和申请上门的原因。"
VISIT_DONE = "已提交上门申请 {d}（{no}），已通知服务经理派工。{paid}\n建议工程师：{suggest}"
VISIT_PAID = "该客户{why}，本次上门为有偿服务。"
DISPATCH_DONE = "已派工 {d}：{who} 上门处理 {no}（{customer}），已通知其确认（{accept_due} 前）。{at}"
DISPATCH_AT = "预约时间 {at}。"
TAKE_DONE = "你已接受派工 {d}（{no} {customer}）。请与客户预约：/预约 {d} 时间。"
APPOINT_MISSING = "请写明派工单编号和预约时间，例如 /预约 D3 明天14:00。"
APPOINT_DONE = "{d} 已预约 {at} 上门，{remind} 会提醒你。"
ARRIVE_DONE = "{d} 已到场（{at}）。处理前请先备份客户数据：/备份 {d}。请在 {writeoff} 前核销。"
BACKUP_DONE = "{d} 已记录数据备份。{data}"
BACKUP_DATA = "带走客户数据已记录授权人：{who}，书面授权：{ref}。"
DONE_DONE = "{d} 已完工，客户签字人 {signatory}；{no} 已解决并收入问题库 {kb}。返回后请 /核销 {d}，服务单据 {forms} 前交回（/交单 {d}）。"
UNSOLVED_NEXT = "{d} 记为未解决，已请服务经理安排下一次上门 {next}。服务单据 {forms} 前交回（/交单 {d}）。"
UNSOLVED_HQ = "{d} 记为未解决，{no} 已升级总部，解决前持续跟踪（下次跟踪截止 {due}）。服务单据 {forms} 前交回（/交单 {d}）。"
UNSOLVED_WORDS = ("升级", "总部", "escalate", "hq")
WRITEOFF_DONE = "{d} 已核销。{forms}"
WRITEOFF_FORMS = "服务单据请在 {at} 前交回（/交单 {d}）。"
FORMS_DONE = "{d} 的服务单据已交回。"
DATA_WORD = "带走数据"
KB_EMPTY = "问题库里没有找到与“{q}”相关的条目。"
KB_RESULTS = "找到 {n} 条与“{q}”相关的条目："

# Roster (commands/roster.py)
DUTY_DONE = "已排班：{day} {shift}（{span}）：{names}。"
DUTY_CLEARED = "已取消 {day} {shift} 的排班。"
ROTATE_BAD_PERIOD = "“按={token}”不对，请写 按=周 或 按=日。"
ROTATE_PERIODS = {"week": "每周轮换", "day": "每天轮换"}
ROTATE_COUNT = "{name} {n} 天"
ROTATE_DONE = "已生成轮班：{shift} {first} 至 {last}，{period}，共 {total} 个班：{counts}。"
ROSTER_WEEK_HEAD = "值班表（今天起 7 天）："
CHECKIN_DONE = "已签到：{day} {shift}（{span}）{late}。"
CHECKIN_LATE = "，晚了 {over}"
CHECKIN_HANDOVER_PENDING = "交接清单有 {n} 项待你确认，请查看后发送 /交接确认。"
HANDOVER_ACK_DONE = "已确认接手 {day} {shift} 的交接，共 {n} 项：{refs}{late}。"
HANDOVER_ACK_LATE = "（超时 {over}）"

# Penalties (commands/penalties.py)
PEN_EVERYONE = "全部人员"
PEN_WARNING_WORDS = {"警告": 0, "warning": 0}
PEN_SHOW_HEAD = "处罚记录 {month}（{who}）："
PEN_SHOW_EMPTY = "没有处罚记录。"
PEN_SHOW_LINE = "· {no} {at} {name} {label}{about} {amount}［{status}］"
PEN_SHOW_TOTALS = "生效 {n} 笔 {amount} 元；申诉中 {pending} 笔 {pending_amount} 元（未计入）；已撤销 {cancelled} 笔 {cancelled_amount} 元。"
PEN_SHOW_FUND = "售后服务部基金累计（截至 {month}）：{fund} 元。"
PEN_REGISTER_DONE = "已登记 {no}：{name} {label}，{amount}。已通知本人和监督群。"
PEN_APPEAL_DONE = "已提交 {no} 的申诉，等待服务中心经理处理。"
PEN_DECIDE_DONE = "已处理 {no}（{name}）的申诉：{decision}。已通知本人和监督群。"

# Complaints, follow-ups, targets and reports (commands/complaints.py, followups.py, reports.py)
CMP_MISSING = "请写明客户、类别和投诉内容，例如 /投诉 客户=华东制造 类别=服务态度 工程师态度生硬。"
CMP_REGISTERED = ("已登记投诉 {no}：{customer}［{category}，来源：{source}］。\n"
                  "请告知客户：投诉已受理，{answer_by} 前给予答复。监督员须在 {due} 前确认。")
CMP_VALID_WORDS = ("有效", "属实", "valid")
CMP_INVALID_WORDS = ("无效", "不属实", "不属服务范围", "invalid")
CMP_CONFIRM_WORD = "请写 有效 或 无效，例如 /投诉确认 C5 有效 责任人=张伟。"
CMP_INVALID_DONE = "{no} 不属服务范围，已归档，不计入投诉率。{hq}"
CMP_VALID_DONE = "{no} 确认有效，已交 {who} 处理，已通知本人和服务经理群。{gm}\n时限：{clocks}"
CMP_GM_TOLD = "大客户投诉，已通知总经理。"
CMP_HQ_FED_BACK = "处理结果已反馈总部。"
CMP_INTERIM_WORDS = ("处理中", "阶段", "未完")
CMP_RESPONDED_DONE = "{no} 已记录处理结果；监督员须在 {due} 前联系客户核实。"
CMP_INTERIM_DONE = "{no} 已记录阶段回应；处理方案截止 {plan_due}，完成后再发 /投诉回应 给出结果。"
CMP_SATISFIED_WORDS = ("满意", "已解决", "yes")
CMP_DISSATISFIED_WORDS = ("不满意", "未解决", "no")
CMP_ESCALATE_WORDS = ("升级", "升级总部")
CMP_VERIFY_WORD = "请写 满意 或 不满意，例如 /投诉核实 C5 满意 客户认可。"
CMP_VERIFIED_DONE = "{no} 客户满意，请写明纠正和预防措施后归档：/投诉归档 {no} 纠正=… 预防=…{hq}"
CMP_HQ_DUE = "\n总部转来的投诉，须在 {due} 前归档并反馈总部。"
CMP_REOPENED_DONE = "{no} 客户不满意，已退回 {who} 重新调查处理，须在 {due} 前再次回应。{hq}"
CMP_ESCALATED_TOO = "已同时升级总部。"
CMP_ARCHIVED_DONE = "{no} 已归档。{hq}"
CMP_ESCALATED_DONE = "{no} 已升级总部，总部群已收到完整记录。"
CMP_NONE_OPEN = "没有未归档的投诉。"
CMP_OPEN_HEAD = "未归档的投诉 {n} 起："
CMP_OPEN_LINE = "· {no}［{status}］{customer} {category}，责任人 {who}，受理 {at}"
FU_MISSING = "请写明回访的服务，例如 /回访 V8 及时=5 技能=4 态度=5。"
FU_TIMELINESS = "及时"
FU_SKILL = "技能"
FU_ATTITUDE = "态度"
FU_VISIT_DONE = "已记录回访 {no}：及时 {t}，技能 {s}，态度 {a}（平均 {mean}）。{issue}"
FU_ISSUE_SENT = "客户的问题已转服务经理，须在 {due} 前指派。"
FU_ASSIGN_DONE = "{no} 的问题已指派给 {who}，已通知本人。"
FU_CLOSE_DONE = "{no} 的问题已办结。"
FU_NOTHING_DUE = "没有待回访的服务，也没有待处理的回访问题。"
FU_DUE_HEAD = "待回访 {n} 项："
FU_ISSUES_HEAD = "回访问题未办结 {n} 项："
REPORT_FILES_SENT = "回访报表、统计图和 Excel 登记表已私信发给你。"

# /我的: complaints and follow-up issues
MINE_COMPLAINTS = "我负责的投诉："
MINE_COMPLAINT_LINE = "· {no} {customer}［{category}］{desc}"
MINE_FOLLOWUPS = "分派给我的回访问题："
MINE_FOLLOWUP_LINE = "· {no} {customer}：{issue}"

# times people type (commands/timeparse.py)
TIME_MISSING = "请写明时间，例如 明天14:00、明早九点、周五下午3点半 或 11-24 09:30。"
TIME_BAD = "无法识别的时间“{text}”：请写成 明天14:00、明早九点、周五下午3点半、下周一上午、3天后、11-24 09:30 或 2026-11-24 09:30。"
YES_WORDS = ("是", "yes", "y", "1", "true", "on")

# Change and sensitive requests (the replies live in bot/services/requests/texts.py)
REQ_UNMARK_WORDS = ("取消", "撤销", "off")
