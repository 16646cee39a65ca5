"""Every Chinese text of the hotline tickets: replies, notices, card buttons."""

# status and views
STATUS = {"new": "待接单", "claimed": "处理中", "resolved": "已解决", "closed": "已关闭",
          "cancelled": "已撤销"}
SYSTEM = "系统"
TICKET_NOT_FOUND = "找不到工单 {no}。"
TICKET_NEEDS_DESCRIPTION = "请写明故障现象，例如：/建单 客户=华东制造 打印凭证时报错。"
TICKET_NEEDS_SOLUTION = "请写明解决方法。"
TICKET_ALREADY_CLAIMED = "{no} 已由 {owner} 接单。"
TICKET_CLAIM_LOST = "{no} 刚刚已被别人接单。"
TICKET_NOT_OPEN = "{no} 当前状态为“{status}”，不能这样操作。"
TICKET_NOT_OWNER = "{no} 的负责人是 {owner}，只有负责人或服务经理可以这样操作。"
TICKET_ANNOUNCE_TITLE = "新工单 {no}"
# The hotline card, a line per field given (an empty contact, phone or product is left out).
ANNOUNCE_CUSTOMER = "客户：{customer}"
ANNOUNCE_CONTACT = "联系人：{contact}"
ANNOUNCE_PHONE = "电话：{phone}"
ANNOUNCE_PRODUCT = "产品：{product}"
ANNOUNCE_REST = "优先级：{priority}\n服务方式：{mode}\n现象：{desc}\n建单：{creator}"
BUTTON_CLAIM = "接单"
TICKET_CLAIMED_NOTICE = "你创建的工单 {no} 已由 {who} 接单。"
TICKET_HEADER = "{no}［{status}］{customer}"
TICKET_DESC = "现象：{desc}"
TICKET_CONTACT = "联系人：{contact}；电话：{phone}；产品：{product}"
TICKET_CONTACT_ARCHIVE = "联系人：{contact}（客户档案的主要联系人）；电话：{phone}；产品：{product}"
PHONE_READ = "工单 {no} 的电话（完整）"
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
    "forms": "交回服务单据", "note": "备注", "edited": "修改", "cancelled": "撤单",
}

# notes, edits, reopening, cancelling (changes.py)
TICKET_RESOLVED_CLAIM = "{no} 已由 {who} 于 {at} 解决，不能再接单；如问题没有解决，可用 /重开 {no} 原因 重新打开。"
NOTE_NEEDS_TEXT = "请写明备注内容，例如：/备注 T12 客户下午三点后方便接电话。"
EDIT_NOTHING = "请写明要修改的字段，例如：/改单 T12 联系人=李出纳 电话=13900002222。可改：客户、联系人、电话、产品、优先级、现象。"
EDIT_SAME = "{no} 的这些字段已经是这个值，没有修改。"
EDIT_LINE = "{field}：{old} → {new}"
# A clock re-timed by a new priority (or customer tier), counted from the same start.
EDIT_RETIMED = "{label}时限：截止 {old} → {new}（{status}）"
EDIT_CUSTOMER_VISIT = "{no} 有进行中的上门，不能更换客户：请先在派工单上 /完工 或 /未解决。"
EDIT_NOTICE = "你负责的 {no} 已由 {who} 修改：{changes}"
FIELD_NAMES = {"customer": "客户", "contact": "联系人", "phone": "电话", "product": "产品",
               "priority": "优先级", "description": "现象"}
PRIORITY_UNKNOWN = "没有“{priority}”这个优先级，可用：{allowed}。"
REOPEN_NOT_RESOLVED = "{no} 当前状态为“{status}”，只有已解决的工单可以重开。"
REOPEN_NEEDS_REASON = "请写明重开原因，例如：/重开 T12 客户反馈问题再次出现。"
REOPEN_NOTICE = "你负责的 {no} 已由 {who} 重开：{reason}。请在回电时限内联系客户。"
CANCEL_NEEDS_REASON = "请写明撤单原因，例如：/撤单 T12 误建，客户已自行解决。"
CANCEL_VISIT_RUNNING = "{no} 还有进行中的上门 {d}，不能撤单：请先在派工单上 /完工 或 /未解决。"
CANCEL_NOTICE = "你负责的 {no} 已由 {who} 撤单：{reason}"
CHANGED_MEANWHILE = "{no} 刚刚被别人修改了，请重新查看 /单 {no}。"

# offers, repeats, transfers, escalation, service modes
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

TRANSFER_NOT_ENGINEER = "只能转派给工程师或服务经理，{who} 不是。"
TRANSFER_TO_OWNER = "{who} 已经是 {no} 的负责人。"
TRANSFER_ALREADY_OFFERED = "{no} 已转派给 {who}，正在等待其接收。"
TRANSFER_OFFER_TITLE = "转派给你：{no}"
TRANSFER_OFFER = "客户：{customer}\n现象：{desc}\n{who} 把工单转派给你（说明：{note}）。\n接收前负责人仍是 {owner}；接收请点按钮或发送 /接收 {no}。"
BUTTON_ACCEPT_TRANSFER = "接收"
TRANSFER_OWNER_NOTICE = "{who} 把你负责的 {no} 转派给了 {target}（说明：{note}）；{target} 接收前你仍是负责人。"
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

MODE_UNKNOWN = "不认识的服务方式“{mode}”，可用：{modes}。"
MODE_NOT_OFFERED = "{customer} 不能选择“{mode}”：{why}"
MODES_EXPIRED = "服务期已于 {end} 到期，只提供：{modes}"
MODES_OUTSIDE = "不在服务期内，只提供：{modes}"
MODES_OFFERED = "客户级别“{tier}”可提供：{modes}"
TICKET_UNKNOWN_CUSTOMER = ("找不到客户“{name}”。新来电客户请加 新客户=是，先建临时档案并建单，"
                           "业务人员会补全档案：/建单 客户={name} 新客户=是 故障现象 联系人=… 电话=…")
TICKET_NEW_CUSTOMER_SIMILAR = "档案中已有相近的客户：{choices}。是同一单位请写全称，不要加 新客户=是。"
TICKET_PROVISIONAL = "“{customer}”不在档案中，已建临时档案，并通知业务人员补全。"

# finding tickets (search.py)
OPEN_WORDS = ("未完成", "未结", "进行中")
SEARCH_BAD_STATUS = "没有“{status}”这个状态，可用：{allowed}。"
SEARCH_SHORT_PHONE = "按电话查找至少要写 {n} 位数字（“{phone}”不够）。"
SEARCH_BAD_RANGE = "开始日期 {first} 晚于结束日期 {last}。"
SEARCH_NO_PAGE = "没有第 {page} 页，共 {pages} 页。"
