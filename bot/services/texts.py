"""Every Chinese text the domain services write: replies, notices, reminders, escalations."""

# errors
ADMIN_COMMAND_FAILED = "【系统错误】{who} 的命令“{text}”处理失败（编号 {ref}）：{error}"

# people and customers
PERSON_NOT_FOUND = "找不到员工“{who}”。"
PERSON_AMBIGUOUS = "“{who}”有多位同名员工，请用 ID 指定：{choices}"
PERSON_CHOICE = "{name}（ID {userid}，{team}）"
CUSTOMER_MISSING = "请写明客户，例如 客户=华东制造。"
CUSTOMER_NOT_FOUND = "找不到客户“{name}”。请检查名称，或请管理员导入客户档案。"
CUSTOMER_AMBIGUOUS = "“{name}”匹配到多个客户：{choices}。请写全称。"

# tickets
STATUS = {"new": "待接单", "claimed": "处理中", "resolved": "已解决", "closed": "已关闭"}
SYSTEM = "系统"
TICKET_NOT_FOUND = "找不到工单 {no}。"
TICKET_NEEDS_DESCRIPTION = "请写明故障现象，例如：/建单 客户=华东制造 打印凭证时报错。"
TICKET_NEEDS_SOLUTION = "请写明解决方法。"
TICKET_ALREADY_CLAIMED = "{no} 已由 {owner} 接单。"
TICKET_CLAIM_LOST = "{no} 刚刚已被别人接单。"
TICKET_NOT_OPEN = "{no} 当前状态为“{status}”，不能这样操作。"
TICKET_NOT_OWNER = "{no} 的负责人是 {owner}，只有负责人或服务经理可以这样操作。"
TICKET_ANNOUNCE_TITLE = "新工单 {no}"
TICKET_ANNOUNCE = "客户：{customer}\n优先级：{priority}\n服务方式：{mode}\n现象：{desc}\n建单：{creator}"
BUTTON_CLAIM = "接单"
TICKET_CLAIMED_NOTICE = "你创建的工单 {no} 已由 {who} 接单。"
TICKET_HEADER = "{no}［{status}］{customer}"
TICKET_DESC = "现象：{desc}"
TICKET_PEOPLE = "建单：{creator}（{created}）；负责人：{owner}"
TICKET_SOLUTION = "解决方法：{solution}"
TICKET_CLOCKS = "时限：{clocks}"
TICKET_HISTORY = "历史："
TICKET_EVENT = "· {at} {who} {verb}{detail}"
EVENT_NAMES = {
    "created": "建单", "claimed": "接单", "resolved": "解决", "transferred": "转派",
    "accepted": "接收转派", "callback": "需回电", "consult": "申请会诊", "onsite": "申请上门",
    "dispatched": "派工", "reopened": "重开", "duplicate": "判定为重复，关联",
    "repeated": "客户再次来电", "knowledge": "收入问题库", "answered": "答复客户",
    "escalated": "升级总部", "dispatch_accepted": "接受派工", "appointed": "预约上门",
    "arrived": "到场", "backup": "备份数据", "data_taken": "带走数据",
    "onsite_done": "上门完工", "onsite_unsolved": "上门未解决", "written_off": "核销",
    "forms": "交回服务单据",
}

# imports
IMPORT_SUMMARY = "新增 {created} 条，更新 {updated} 条，错误 {bad} 条。"
IMPORT_BAD_LINE = "第 {line} 行：{problem}"
IMPORT_BAD_ROLE = "未知角色“{role}”（可用：工程师、服务经理、服务监督员、业务人员、管理员）"
IMPORT_NO_ROLE = "没有填写角色"
IMPORT_STAFF_MISSING = "缺少 userid 或姓名"
IMPORT_CUSTOMER_MISSING = "缺少客户单位名称"
IMPORT_BAD_DATE = "日期“{value}”应写成 2026-01-31"
IMPORT_BAD_PERIOD = "服务结束日期早于开始日期"

# deadlines (bot/services/deadlines.py, deadline_tick.py)
DL_WARN = "【{label}提醒】{subject}：{status}，截止 {due}。负责人：{owner}"
DL_ESCALATE = "【{label}超时·{level}级升级】{subject}：{overdue}（截止 {due}）。负责人：{owner}，请督促处理。"
DL_JUST_DUE = "已到截止时间"
DL_NO_OWNER = "未指定"
DL_REMAINING = "剩余 {left}"
DL_OVERDUE = "已超时 {over}"
DL_PAUSED = "已暂停（剩余 {left}）"
DL_PAUSED_OVERDUE = "已暂停（已超时 {over}）"
DL_MET = "已按时完成"
DL_MET_LATE = "已完成（超时 {over}）"
DL_CANCELLED = "已取消"
DL_LINE = "{label}{status}"

# roster (bot/services/roster.py, roster_config.py, roster_import.py, handover.py)
ROSTER_BAD_DAY = "“{text}”不是日期，请写成 2026-11-24、11-24、11月24日、今天或明天。"
ROSTER_DAY = "{day}（周{weekday}{rest}）"
ROSTER_DAY_OFF = "，休息日"
ROSTER_UNKNOWN_SHIFT = "没有班次“{name}”，可用班次：{names}。"
ROSTER_WORK_SHIFT_ON_DAY_OFF = "{day} 是休息日，不排“{shift}”；休息日请排：{fits}。"
ROSTER_HOLIDAY_SHIFT_ON_WORKDAY = "{day} 是工作日，“{shift}”只用于休息日；工作日请排：{fits}。"
ROSTER_MANAGERS_ONLY = "只有服务经理可以排班。"
ROSTER_PAST_DAY = "{day} 已经过去，不能再排班。"
ROSTER_INACTIVE = "{names} 已停用，不能排班。"
ROSTER_ASSIGNED_NOTICE = "【排班通知】你被安排在 {day} {shift}（{span}）值班（{by} 安排）。"
ROSTER_REMOVED_NOTICE = "【排班变更】你在 {day} {shift} 的值班已取消（{by} 调整）。"
ROSTER_ROTATION_NOBODY = "请写明轮班的人员。"
ROSTER_RANGE_BACKWARDS = "结束日期早于开始日期。"
ROSTER_RANGE_TOO_LONG = "轮班范围最长 {days} 天。"
ROSTER_ROTATION_NO_DAYS = "这段日期里没有适用“{shift}”的日子。"
ROSTER_ROTATION_NOTICE = "【排班通知】{by} 排了轮班：{shift}（{span}），{first} 至 {last}，你值班 {n} 天：{days}。"
ROSTER_VIEW_DAY = "值班表 {day}："
ROSTER_VIEW_SLOT = "· {shift} {span}：{people}"
ROSTER_VIEW_PART = "{shift} {people}"
ROSTER_VIEW_LINE = "· {day} {parts}"
ROSTER_CHECKED_IN = "（{at} 已签到）"
ROSTER_NOBODY = "未排班"
ROSTER_NEXT_DUTY = "你的下一个值班：{day} {shift}。"
ROSTER_IMPORT_DAY_KIND = "{day} 不适用班次“{shift}”（工作日排工作班次，休息日排值守班次）"
ROSTER_IMPORT_NOBODY = "没有填写值班人员"
CHECKIN_NOT_ON_DUTY = "你现在没有值班，不需要签到。"
CHECKIN_ALREADY = "你已于 {at} 签到（{shift}）。"
CHECKIN_SUBJECT = "{day} {shift} {name}"
SHIFT_ANNOUNCE = "【值班】{day} {shift}（{span}）值班：{names}。{checkin}"
SHIFT_CHECKIN = "请在 {limit}内发送 /上班 签到。"
SHIFT_ONCALL = "【值守】{day} {shift}（{span}）值守：{names}。热线已转接到值守手机：{phones}。"
SHIFT_ONCALL_PRIVATE = "【值守提醒】{day} {shift}（{span}）由你值守，热线已转接到你的手机 {mobile}，请保持畅通。"
SHIFT_NOBODY = "【值班缺人】{day} {shift}（{span}）没有排班，热线无人值守。请用 /排班 安排。"
HANDOVER_HEAD = "【交接清单】{day} {shift} 接班：{names}{previous}"
HANDOVER_PREVIOUS = "（上一班：{day} {shift} {names}）"
HANDOVER_NOTHING = "没有未完成事项，无需确认。"
HANDOVER_COUNT = "未完成事项 {n} 项："
HANDOVER_TICKET = "{no}［{status}］{customer}：{desc}（负责人 {owner}{clocks}）"
HANDOVER_CLOCKS = "；{clocks}"
HANDOVER_OTHER = "{subject}：{clocks}（负责人 {owner}）"
HANDOVER_MORE = "……另有 {n} 项，请用 /队列 查看。"
HANDOVER_ASK = "请在 {limit}内发送 /交接确认。"
HANDOVER_SUBJECT = "{day} {shift} 交接（{n} 项）"
HANDOVER_NONE = "你现在没有待确认的交接。"
HANDOVER_ALREADY = "这次交接已由 {who} 于 {at} 确认。"
HANDOVER_LATE = "，超时 {over}"
HANDOVER_DONE_NOTICE = "【交接完成】{name} 已确认 {day} {shift} 的交接（{n} 项{late}）。"

# penalties (bot/services/penalties.py, penalty_rules.py, penalty_scan.py)
PEN_STATUS = {"issued": "生效", "appealed": "申诉中", "upheld": "维持", "cancelled": "撤销",
              "review": "待评审"}
PEN_YUAN = "{amount} 元"
PEN_RANGE = "{lo}-{hi} 元"
PEN_OR_WARNING = "警告（0）或 {base}"
PEN_REVIEW_WORD = "降级/辞退评审"
PEN_WARNING_WORD = "警告"
PEN_ABOUT = "（{ref}）"
PEN_BY_SYSTEM = "系统自动发现"
PEN_REASON_FORMS = "{ref} 的服务单据未在 {due} 前交回"
PEN_REASON_ONSITE = "{ref} {arrived} 到场，{due} 前未填写服务记录（核销）"
PEN_REASON_REMOTE = "{ref} 为远程服务，解决记录只有 {n} 个字（要求至少 {min} 个字）"
PEN_REASON_IMPL = "{ref} 的实施单未在 {due} 前取回"
PEN_REASON_COMPLAINT = "{ref} 确认为有效投诉"
PEN_REASON_REVIEW = "半年内有效投诉 {n} 次（{refs}）"
PEN_NOTICE_PERSON = "【处罚通知】{no}：{label}{about}，{amount}。原因：{reason}\n如有异议，请在 {within}内发送 /申诉 {no} 理由，向服务中心经理申诉。"
PEN_NOTICE_SUPERVISORS = "【处罚登记】{no} {name}：{label}{about}，{amount}。原因：{reason}（{by}）"
PEN_REVIEW_NOTICE = "【降级/辞退评审】{no} {name}：{reason}。请服务经理评审。"
PEN_SUPERVISORS_ONLY = "只有服务监督员可以登记处罚。"
PEN_MANAGERS_ONLY = "只有服务中心经理可以处理申诉。"
PEN_UNKNOWN_CATEGORY = "没有处罚类别“{word}”，可登记的类别：{names}。"
PEN_NEEDS_REASON = "请写明理由。"
PEN_NEEDS_AMOUNT = "“{label}”请写明金额：{range}。"
PEN_BAD_AMOUNT = "“{label}”的金额应为 {range}。"
PEN_NOT_FOUND = "找不到处罚 {no}。"
PEN_APPEAL_NOT_YOURS = "{no} 不是对你的处罚，只有被处罚人本人可以申诉。"
PEN_APPEAL_REVIEW = "{no} 是评审提示，不是罚款，不需要申诉。"
PEN_APPEAL_STATE = "{no} 当前为“{status}”，不能申诉。"
PEN_APPEAL_TOO_LATE = "{no} 已超过申诉期限（通知后 {within}内）。"
PEN_APPEAL_NOTICE = "【处罚申诉】{no} {name}：{label}{about}，{amount}。申诉理由：{reason}\n请服务中心经理发送 /申诉处理 {no} 维持或撤销 理由。"
PEN_BAD_DECISION = "“{word}”不是处理结果，请写 维持 或 撤销。"
PEN_DECIDE_OWN = "{no} 是对你本人的处罚，请由其他服务经理处理。"
PEN_DECIDE_STATE = "{no} 当前为“{status}”，没有待处理的申诉。"
PEN_DECISION_PERSON = "【申诉结果】{no}：{label}{about}，{amount}。结果：{decision}。理由：{reason}（{by}）"
PEN_DECISION_SUPERVISORS = "【申诉结果】{no} {name}：{label}{about}，{amount}。结果：{decision}。理由：{reason}（{by}）"
PEN_ONLY_OWN = "你只能查看自己的处罚记录。"
PEN_SUMMARY_HEAD = "处罚汇总 {month}：生效 {n} 笔，共 {amount} 元；基金累计 {fund} 元。"
PEN_SUMMARY_BY_RULE = "按类别：{items}"
PEN_SUMMARY_BY_PERSON = "按人员：{items}"
PEN_SUMMARY_ITEM = "{name} {count} 笔 {amount} 元"
PEN_SUMMARY_APPEALS = "申诉中 {pending} 笔 {pending_amount} 元（未计入）；已撤销 {cancelled} 笔 {cancelled_amount} 元。"
PEN_SUMMARY_REVIEW = "评审：{text}"
PEN_SUMMARY_REVIEW_ITEM = "{name}，{reason}"

# hotline and on-site service (tickets, ticket_flow, dispatch_plan, dispatches, knowledge)
TICKET_OFFER_NOT_ACCEPTED = "{no} 已转派给你，但你还没有接收：请先 /接收 {no}。在此之前负责人仍是 {owner}。"
TICKET_REPEATED_DETAIL = "{no}：{desc}"
TICKET_REPEATED_NOTICE = "你负责的 {no} 的客户再次来电（{who} 记为 {dup}，已关联到 {no}，不重复计数）：{desc}"
TICKET_VISIT_RUNNING = "{no} 还有进行中的上门 {d}：请先在派工单上 /完工 或 /未解决。"
TICKET_MODE = "服务方式：{mode}；渠道：{channel}；优先级：{priority}"
TICKET_OFFERED = "已转派给 {who}，等待其接收（接收前负责人不变）"
TICKET_DUPLICATE_OF = "重复来电，已关联到 {no}（不重复计数）"
TICKET_DUPLICATES = "重复来电：{nos}"
TICKET_DISPATCH_LINE = "上门 {no}［{status}］工程师：{engineer}"
TICKET_KB = "问题库：{nos}"
DISPATCH_NOBODY = "待派"
DISPATCH_STATUS = {
    "requested": "待派工", "dispatched": "待接受", "accepted": "已接受", "appointed": "已预约",
    "on_site": "已到场", "done": "已完工", "unsolved": "未解决", "written_off": "已核销",
    "cancelled": "已取消",
}

TRANSFER_NOT_ENGINEER = "只能转派给工程师或服务经理，{who} 不是。"
TRANSFER_TO_OWNER = "{who} 已经是 {no} 的负责人。"
TRANSFER_ALREADY_OFFERED = "{no} 已转派给 {who}，正在等待其接收。"
TRANSFER_OFFER_TITLE = "转派给你：{no}"
TRANSFER_OFFER = "客户：{customer}\n现象：{desc}\n{who} 把工单转派给你（说明：{note}）。\n接收前负责人仍是 {owner}；接收请点按钮或发送 /接收 {no}。"
BUTTON_ACCEPT_TRANSFER = "接收"
ACCEPT_ALREADY_OWNER = "你已经是 {no} 的负责人。"
ACCEPT_NOT_OFFERED = "{no} 没有转派给你，不能接收。"
ACCEPT_LOST = "{no} 的转派刚刚发生了变化，请重新查看 /单 {no}。"
ACCEPT_NOTICE = "{no} 已由 {who} 接收，现在由其负责。"
CALLBACK_RUNNING = "{no} 已在等待回电（截止 {due}）。回电后用 /答复 {no} 结果 记录。"
CONSULT_RUNNING = "{no} 的会诊已在进行（截止 {due}）。答复客户后用 /答复 {no} 结果 记录。"
CONSULT_NOTICE = "【会诊申请】{no} {customer}\n现象：{desc}\n{who} 申请内部会诊（{note}），请服务经理组织会诊，{due} 前给客户答复或上门预约。"
ANSWER_NEEDS_TEXT = "请写明答复客户的内容。"
ANSWER_NOTHING_DUE = "{no} 没有待回电或待会诊答复的时限。"
ESCALATE_NEEDS_REASON = "请写明升级总部的原因。"
ESCALATE_RUNNING = "{no} 已升级总部，正在跟踪中。"
HQ_ESCALATION = "【升级总部】{no} {customer}（{tier}）\n产品：{product}\n现象：{desc}\n原因：{reason}\n负责人：{owner}（{who} 升级）。请总部技术中心协助，问题解决前持续跟踪。"
HQ_ESCALATION_MANAGERS = "【已升级总部】{no} {customer}：{reason}（{who} 升级，负责人 {owner}），解决前持续跟踪。"

SUGGEST_ITEM = "{name}（进行中 {load} 项{duty}）"
SUGGEST_ON_DUTY = "，值班"
SUGGEST_SOMEONE = "工程师"
VISIT_REQUEST = "【上门申请 {d}】{no} {customer}（{tier}）{paid}\n现象：{desc}\n原因：{reason}\n申请人：{who}\n建议工程师：{suggest}\n派工：/派工 {no} {first} 时间=明天09:00"
VISIT_REQUEST_AGAIN = "【再次上门申请 {d}】{no} {customer}（{tier}）{paid}\n现象：{desc}\n{reason}\n申请人：{who}\n建议工程师：{suggest}\n派工：/派工 {no} {first} 时间=明天09:00"
VISIT_PAID_NOTE = "［有偿服务］"
VISIT_NEEDS_REASON = "请写明申请上门的原因。"
VISIT_ALREADY = "{no} 已有上门 {d}（{status}）。"
VISIT_NOT_OFFERED = "{customer} 不提供上门服务：{why}"
VISIT_NEXT_REASON = "上次上门 {d} 未解决：{reason}"
DISPATCH_NOT_ENGINEER = "{who} 不是工程师，不能派工。"
DISPATCH_BUSY = "{no} 已有进行中的上门 {d}（{who}）。"
TIME_PAST = "时间 {at} 已经过去，请写一个将来的时间。"
TIME_MISSING = "请写明时间，例如 明天14:00 或 11-24 09:30。"
TIME_BAD = "无法识别的时间“{text}”：请写成 明天14:00、11-24 09:30 或 2026-11-24 09:30。"
DISPATCH_CARD_TITLE = "派工 {d}"
DISPATCH_CARD = "{no} {customer}\n地址：{address}\n联系人：{contact} {phone}\n现象：{desc}\n原因：{reason}\n时间：{at}\n派工：{manager}。请确认：点按钮或发送 /接受派工 {d}"
DISPATCH_NO_TIME = "请与客户预约（/预约 {d} 时间）"
BUTTON_TAKE = "接受派工"
DISPATCH_OWNER_NOTICE = "你负责的 {no} 已派工 {d} 给 {who}（客户电话 {phone}）。"

DISPATCH_NOT_FOUND = "找不到派工单 {d}。"
DISPATCH_NOT_DISPATCHED = "{d} 还没有派工。"
DISPATCH_NOT_YOURS = "{d} 派给了 {who}，只有 {who} 可以这样操作。"
DISPATCH_WRONG_STATE = "{d} 当前状态为“{status}”，不能这样操作。{hint}"
DISPATCH_STATE_HINT = {
    "dispatched": "请先 /接受派工 {d}。",
    "accepted": "请先 /到场 {d}。",
    "appointed": "请先 /到场 {d}。",
    "on_site": "请先 /完工 或 /未解决 {d}。",
    "done": "请 /核销 {d}。",
    "unsolved": "请 /核销 {d}。",
}
DATA_NEEDS_AUTHORIZATION = "带走客户数据需要客户的书面授权：请写明授权人，例如 带走数据=王会计。"
DISPATCH_ALREADY_TAKEN = "{d} 已由 {who} 接受。"
DISPATCH_ACCEPTED_NOTICE = "{who} 已接受派工 {d}（{no} {customer}）。"
DISPATCH_APPOINTED_NOTICE = "{d}（{no}）已预约 {at} 上门（{who}）。"
DATA_TAKEN_DETAIL = "{d} 带走客户数据，授权人：{who}"
DONE_NEEDS_BACKUP = "{d} 还没有备份客户数据：请先 /备份 {d}，再完工。"
DONE_NEEDS_SIGNATORY = "请写明客户签字人：/完工 {d} 签字人=姓名 处理结果。"
DONE_NEEDS_RESULT = "请写明处理结果：/完工 {d} 签字人=姓名 处理结果。"
DONE_DETAIL = "{d} 签字人 {who}：{result}"
DONE_NOTICE = "{d}（{no} {customer}）已完工：{who} 上门解决，客户签字人 {signatory}。结果：{result}"
UNSOLVED_NEEDS_REASON = "请写明未解决的原因：/未解决 {d} 原因 [升级]。"
UNSOLVED_HQ_REASON = "上门 {d} 未解决：{reason}"
FORMS_ALREADY = "{d} 的服务单据已于 {at} 交回。"
DISPATCH_HEADER = "{d}［{status}］{no} {customer}"
DISPATCH_REASON = "原因：{reason}"
DISPATCH_PEOPLE = "工程师：{engineer}；派工：{manager}（{at}）"
DISPATCH_STEP_ACCEPTED = "接受"
DISPATCH_STEP_APPOINTMENT = "预约"
DISPATCH_STEP_ARRIVED = "到场"
DISPATCH_STEP_BACKUP = "备份"
DISPATCH_STEP_FINISHED = "结束"
DISPATCH_STEP_WRITTEN_OFF = "核销"
DISPATCH_STEP_FORMS = "单据交回"
DISPATCH_SIGNED = "客户签字人：{who}"
DISPATCH_DATA = "带走客户数据，授权人：{who}"
DISPATCH_RESULT = "结果：{result}"

MODE_UNKNOWN = "不认识的服务方式“{mode}”，可用：{modes}。"
MODE_NOT_OFFERED = "{customer} 不能选择“{mode}”：{why}"
MODES_EXPIRED = "服务期已于 {end} 到期，只提供：{modes}"
MODES_OUTSIDE = "不在服务期内，只提供：{modes}"
MODES_OFFERED = "客户级别“{tier}”可提供：{modes}"

KB_NEEDS_TEXT = "问题库条目需要故障现象和解决方法。"
KB_NEEDS_QUERY = "请写明要查的关键词，例如 /查 打印凭证。"
KB_NOT_FOUND = "找不到问题库条目 {no}。"
KB_HEADLINE = "{no}{tag}{symptom} → {solution}"
KB_TITLE = "问题库 {no}"
KB_SYMPTOM = "现象：{text}"
KB_CAUSE = "原因：{text}"
KB_SOLUTION = "解决方法：{text}"
KB_PRODUCT = "产品：{product}；版本：{version}"
KB_SOURCE = "来源：{source}；录入：{author}"

# complaints, follow-up visits, targets (bot/services/complaints.py, followups.py, kpi.py)
CMP_SOURCE = {"customer": "客户", "hq": "总部转来"}
CMP_SOURCE_CUSTOMER_WORDS = ("客户", "用户", "customer")
CMP_SOURCE_HQ_WORDS = ("总部", "总部转来", "hq")
CMP_BAD_SOURCE = "来源“{word}”不对，请写 来源=客户 或 来源=总部。"
CMP_LEVEL = {"general": "一般", "major": "重大"}
CMP_LEVEL_GENERAL_WORDS = ("一般", "普通", "general")
CMP_LEVEL_MAJOR_WORDS = ("重大", "严重", "major")
CMP_BAD_LEVEL = "级别“{word}”不对，请写 级别=一般 或 级别=重大。"
CMP_PLAN_LABEL = {"general": "处理方案（一般投诉）", "major": "处理方案（重大投诉）"}
CMP_NEED_CATEGORY = "请写明投诉类别，例如 类别=服务态度。可选：{cats}"
CMP_BAD_CATEGORY = "投诉类别“{word}”不对，可选：{cats}"
CMP_NEED_CONTENT = "请写明客户投诉的完整内容。"
CMP_RECEIVED_FUTURE = "受理时间不能晚于现在。"
CMP_TICKET_OTHER_CUSTOMER = "{no} 不是 {customer} 的工单。"
CMP_CHANNEL_DEFAULT = "电话"
CMP_CHANNEL_HQ = "总部转来"
CMP_STATUS = {"registered": "待确认", "handling": "处理中", "responded": "待核实",
              "verified": "待归档", "archived": "已归档"}
CMP_STATUS_NOT_COUNTED = "已归档（不属服务范围，不计入）"
CMP_NOT_FOUND = "找不到投诉 {no}。"
CMP_WRONG_STATE = "{no} 当前状态为“{status}”，不能这样操作。"
CMP_INVALID_NEEDS_NOTE = "不属服务范围的投诉，请写明向客户所作的解释说明。"
CMP_VALID_NEEDS_RESPONSIBLE = "有效投诉请写明 责任人=，例如 /投诉确认 C5 有效 责任人=张伟。"
CMP_CONFIRMED_DETAIL = "有效；责任人 {who}；责任部门 {dept}；级别 {level}；说明：{note}"
CMP_NEW_NOTICE = ("【新投诉 {no}】{customer}（{tier}）\n来源：{source}；类别：{category}；级别：{level}\n"
                  "内容：{content}\n受理：{received}，登记：{who}\n"
                  "请监督员在 {due} 前确认：/投诉确认 {no} 有效 责任人=… 或 /投诉确认 {no} 无效 说明")
CMP_ASSIGNED_NOTICE = ("【投诉处理】{no} 由你负责：{customer}（{tier}）［{category}］\n内容：{content}\n"
                       "联系人：{contact} {phone}\n确认：{confirmer}，说明：{note}\n"
                       "请在 {due} 前联系客户并回应（/投诉回应 {no} 措施），{plan}截止 {plan_due}。")
CMP_VALID_MANAGERS = ("【有效投诉】{no} {customer}（{tier}）［{category}，{level}］责任人 {responsible}\n"
                      "内容：{content}\n回应截止 {due}，{plan}截止 {plan_due}。")
CMP_KEY_CUSTOMER_GM = ("【大客户有效投诉】{no} {customer}（{tier}）［{category}，{level}］\n内容：{content}\n"
                       "责任人 {responsible}，回应截止 {due}。建议总经理直接与客户联系。")
CMP_NOT_RESPONSIBLE = "{no} 的责任人是 {who}，只有责任人或服务经理可以回应。"
CMP_NEED_MEASURE = "请写明处理措施（再次服务、赔礼道歉或赔偿等）。"
CMP_RESULT_NOTICE = ("【投诉待核实】{no} {customer}［{category}］已由 {who} 答复客户：{measure}\n"
                     "请监督员在 {due} 前联系客户核实：/投诉核实 {no} 满意 或 不满意 [意见]")
CMP_REOPENED_NOTICE = ("【投诉重新处理】{no} {customer}［{category}］客户不满意（第 {n} 次），意见：{opinion}\n"
                       "核实：{who}。请 {responsible} 重新调查处理，在 {due} 前回应客户，处理方案截止 {plan_due}。")
CMP_ESCALATE_DISSATISFIED = "客户对处理结果不满意"
CMP_ESCALATE_NEEDS_REASON = "请写明升级总部的原因。"
CMP_HQ_ESCALATION = ("【投诉升级】{no} {customer}（{tier}）［{category}，{level}］\n内容：{content}\n"
                     "已采取措施：{measure}\n升级原因：{reason}\n责任人：{responsible}；提交：{who}")
CMP_ALREADY_ARCHIVED = "{no} 已于 {at} 归档。"
CMP_ARCHIVE_NEEDS_MEASURES = "归档须写明纠正措施和预防措施：/投诉归档 C5 纠正=… 预防=…"
CMP_ARCHIVED_DETAIL = "纠正：{corrective}；预防：{preventive}"
CMP_ARCHIVED_REASON = "投诉已归档"
CMP_HQ_FEEDBACK = ("【投诉处理结果反馈】{no} {customer}［{category}］\n受理：{received}\n内容：{content}\n"
                   "{result}\n反馈人：{who}")
CMP_HQ_RESULT_VALID = ("结论：有效投诉；责任人 {responsible}\n原因：{cause}\n处理措施：{measure}\n"
                       "客户意见：{opinion}\n纠正措施：{corrective}\n预防措施：{preventive}")
CMP_HQ_RESULT_INVALID = "结论：不属服务合同范围，已向客户解释：{note}"
CMP_VALID = "有效"
CMP_INVALID = "不属服务范围（不计入）"
CMP_SATISFIED = "满意"
CMP_DISSATISFIED = "不满意"
CMP_VIEW_HEAD = "{no}［{status}］{customer}（{tier}）"
CMP_VIEW_INTAKE = "来源：{source}；渠道：{channel}；类别：{category}；级别：{level}；受理：{received}，登记：{who}"
CMP_VIEW_CONTACT = "联系人：{contact} {phone}；关联工单：{ticket}"
CMP_VIEW_CONTENT = "内容：{content}"
CMP_VIEW_CONFIRM = "确认：{verdict}（{who}，{at}）；说明：{note}"
CMP_VIEW_HANDLING = "责任部门：{dept}；责任人：{responsible}；原因：{cause}；措施：{measure}"
CMP_VIEW_VERIFY = "核实：{result}（{who}，{at}）；客户意见：{opinion}；重新处理 {reopened} 次"
CMP_VIEW_ESCALATED = "升级总部：{at}，{note}"
CMP_VIEW_ARCHIVE = "归档：{at}；纠正：{corrective}；预防：{preventive}"
CMP_VIEW_HQ = "反馈总部：{at}"
CMP_VIEW_CLOCKS = "时限：{clocks}"
CMP_VIEW_HISTORY = "记录："
CMP_VIEW_EVENT = "· {at} {who} {kind}{detail}"
CMP_EVENT = {"registered": "登记", "confirmed": "确认有效", "invalid": "确认不属服务范围",
             "responded": "答复客户", "interim": "阶段回应", "verified": "核实满意",
             "reopened": "核实不满意，重新处理", "escalated": "升级总部", "archived": "归档",
             "hq_feedback": "结果反馈总部"}

FU_KIND_TICKET = "热线"
FU_KIND_VISIT = "上门"
FU_LIST_HEAD = "【回访提醒】{day}：上一个工作日（{since}）以来完成的服务 {n} 项，请今天回访："
FU_LIST_LINE = "· {v} {ref} {customer}［{kind}］{desc}（{engineer}，{at} 完成）"
FU_LIST_EARLIER = "此前尚未回访 {n} 项："
FU_LIST_USAGE = "记录：/回访 V编号 及时=1-5 技能=1-5 态度=1-5 [疑问=… 或 遗留=…] [意见]"
FU_NEED_SCORES = "请给出三项评分：及时=1-5 技能=1-5 态度=1-5。"
FU_BAD_SCORE = "{label}评分“{value}”不对，应为 1 到 5 的整数。"
FU_BAD_TARGET = "“{token}”不对，请写回访编号 V5，或工单 T12、派工 D3。"
FU_NOT_FOUND = "找不到回访 {no}。"
FU_NOT_COMPLETED = "{no} 还没有解决，不能回访。"
FU_DISPATCH_NOT_FOUND = "找不到派工 {no}。"
FU_NOT_WRITTEN_OFF = "{no} 还没有核销，不能回访。"
FU_ALREADY = "{no} 已于 {at} 回访过。"
FU_ONE_ISSUE = "疑问= 和 遗留= 只能写一个。"
FU_ISSUE_KIND = {"doubt": "客户疑问", "leftover": "遗留问题"}
FU_ISSUE_NOTICE = ("【回访问题待指派】{v}（{ref}）{customer} 的{kind}：{issue}\n回访：{who}；原服务工程师：{engineer}\n"
                   "请服务经理在 {due} 前指派处理：/回访分派 {v} 人员")
FU_NO_ISSUE = "{no} 没有待处理的问题。"
FU_ISSUE_CLOSED = "{no} 的问题此前已办结。"
FU_ASSIGNED_NOTICE = "【回访问题】{v}（{ref}）{customer} 的{kind}由你处理：{issue}\n指派：{who}。处理完请发送 /回访办结 {v} 结果"
FU_NOT_ASSIGNEE = "{no} 的问题由 {who} 处理，只有他或经理、监督员可以办结。"
FU_NOBODY = "（未指派）"
FU_NEED_RESULT = "请写明处理结果。"
FU_CLOSED_NOTICE = "【回访问题已办结】{v} {customer}：{result}（{who}）"

KPI_NONE = "—"
KPI_THIS_MONTH_WORDS = ("本月", "这个月", "当月")
KPI_LAST_MONTH_WORDS = ("上月", "上个月")
KPI_BAD_MONTH = "“{text}”不是月份，请写 2026-11、11月、本月或上月。"
KPI_FUTURE_MONTH = "{month} 还没开始。"
KPI_MONTH_CLOSED = "月末"
KPI_HEAD = "【指标】{month}（截至 {as_of}）"
KPI_SERVICES = "完成服务 {n} 次（热线工单解决 {tickets}，上门派工核销 {visits}）"
KPI_RATE = "投诉率：{num}/{den} = {pct}（目标 < {target}）{verdict}"
KPI_COMPLAINTS = "投诉受理 {received} 起：有效 {valid}，不属服务范围 {invalid}，待确认 {unconfirmed}"
KPI_SATISFACTION = "满意度：{num}/{den} = {pct}（三项平均 ≥ {score} 分为满意；目标 ≥ {target}）{verdict}"
KPI_MEANS = "回访平均分：响应及时 {timeliness}，服务技能 {skill}，服务态度 {attitude}"
KPI_COMPLIANCE = "时限达标率：{num}/{den} = {pct}"
KPI_CLOCK = "· {label}：{num}/{den} = {pct}（超时完成 {late}，超时未完成 {overdue}）"
KPI_PROJECTION = "预测：本月工作时间已过 {gone}，按此线性推算月底完成服务约 {services} 次、有效投诉约 {valid} 起；投诉率要达标，本月有效投诉最多 {allowed} 起（已有 {have} 起）。"
KPI_NO_DATA = "（暂无数据）"
KPI_OK = "达标"
KPI_MISS = "未达标"
KPI_WARN_RATE = ("【指标预警】{month} 投诉率 {num}/{den} = {pct}，高于目标 {target}。本月工作时间已过 {gone}，"
                 "线性推算月底完成服务约 {services} 次、有效投诉约 {valid} 起；要达标，本月有效投诉最多 {allowed} 起。")
KPI_WARN_SATISFACTION = "【指标预警】{month} 满意度 {num}/{den} = {pct}，低于目标 {target}（本月工作时间已过 {gone}）。"
KPI_WARN_COMPLIANCE = "【指标预警】{month} 时限达标率 {num}/{den} = {pct}，低于目标 {target}。最低：{worst}。"
FU_ISSUE_STATUS = {"open": "待指派", "assigned": "已指派", "closed": "已办结"}
FU_ISSUE_LINE = "· {v} {customer} 的{kind}：{issue}［{status}，{who}］"

# phrasebook (/话术)
PHRASE_NOT_FOUND = "没有“{query}”的话术。可查的场景：{scenes}"
PHRASE_TITLE = "【{scene}】"
PHRASE_SCENES = "可查的话术场景：{scenes}\n例如：/话术 回电"
