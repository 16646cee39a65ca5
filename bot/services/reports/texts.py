"""Every Chinese text of the reports: the daily digest, the monthly reports, charts, workbook."""

# shared words
NONE = "无"
NOBODY = "未指定"
SOURCE = {"customer": "客户", "hq": "总部转来"}
LEVEL = {"general": "一般", "major": "重大"}
STATUS = {"registered": "待确认", "handling": "处理中", "responded": "待核实",
          "verified": "待归档", "archived": "已归档"}
ISSUE_KIND = {"doubt": "疑问", "leftover": "遗留问题"}
ISSUE_STATUS = {"open": "待指派", "assigned": "已指派", "closed": "已办结"}

# daily digest (daily.py)
TODAY_WORDS = ("今天", "今日")
YESTERDAY_WORDS = ("昨天", "昨日")
BAD_DAY = "“{text}”不是日期，请写 2026-11-23、11-23、今天或昨天。"
FUTURE_DAY = "{day} 还没到，日报只能看今天或以前。"
NO_DUTY = "未排班"
DIGEST_HEAD = "【日报】{day}（截至 {as_of}）"
DIGEST_HEAD_CLOSED = "【日报】{day}（全天）"
DIGEST_REOPENED = "；重开 {n}"
DIGEST_CANCELLED = "；撤单 {n}（不计为服务）"
DIGEST_WORK = "工单：新建 {new}（另有重复 {dup}），解决 {solved}；上门核销 {written_off}；未结工单 {open}"
DIGEST_OVERDUE = "超时未完成的时限：{n} 项"
DIGEST_OVERDUE_LINE = "· {label}：{subject}（截止 {due}）"
DIGEST_MORE = "· 另有 {n} 项未列出"
DIGEST_COMPLAINTS = "投诉：新受理 {new}，确认有效 {valid}，未归档 {open}"
DIGEST_FOLLOWUPS = "回访：当日完成 {visits}，待回访 {due}，回访问题未办结 {issues}"
DIGEST_DUTY = "明日值班：\n{duty}"

# complaint analysis report (monthly.py)
CR_HEAD = "【客户投诉分析报告】{month}　{center}"
# The counts themselves are in the 指标 lines just above: here only what they do not say.
CR_INTAKE = "受理的投诉中：总部转来 {hq} 起（已反馈总部 {fed_back}），重大投诉 {major} 起；不属服务范围的不计入投诉率"
CR_CATEGORY = "{category} {received}（有效 {valid}）"
CR_BY_CATEGORY = "按类别：{items}"
CR_PERSON = "{name} {n}"
CR_BY_PERSON = "有效投诉责任人：{items}"
CR_HANDLING = "处理：有效投诉已归档 {archived}/{valid}；客户不满意重新处理 {reopened} 次；升级总部 {escalated} 起"
CR_CLOCK = "{label} {num}/{den}（{pct}）"
CR_CLOCKS = "投诉时限达标：{items}"
CR_DETAILS = "有效投诉明细："
CR_DETAIL = "· {no} {customer}［{category}］责任人 {responsible}；原因：{cause}；纠正：{corrective}；预防：{preventive}"
CR_PENDING = "待填"
CR_ATTACHMENTS = "附件：投诉分类图、时限达标图、登记表（Excel：指标、工单登记表、投诉登记表、回访记录、时限达标）。"

# follow-up report (monthly.py)
FR_HEAD = "【回访报表】{month}"
FR_TOTALS = ("回访 {visits} 次（本月完成服务 {services} 次）；满意（三项平均 ≥ {score} 分）{satisfied} 次，"
             "满意度 {pct}（目标 ≥ {target}）")
FR_MEANS = "平均分：响应及时 {timeliness}，服务技能 {skill}，服务态度 {attitude}"
FR_BY_ENGINEER = "按工程师："
FR_ENGINEER = "· {name}：回访 {visits} 次，满意 {satisfied}（{pct}），平均 {mean} 分"
FR_ISSUES = "回访发现的问题：{raised} 项，已指派 {assigned}，已办结 {closed}"
FR_LOW = "不满意的回访："
FR_LOW_LINE = "· {v} {customer}（{engineer}）及时 {t} 技能 {s} 态度 {a}；意见：{remarks}"

# charts (charts.py)
CHART_RECEIVED = "受理"
CHART_VALID = "有效"
CHART_COUNT = "起数"
CHART_PERCENT = "按时完成率（%）"
CHART_SCORE = "平均分（1-5）"
CHART_TIMELINESS = "响应及时"
CHART_SKILL = "服务技能"
CHART_ATTITUDE = "服务态度"
CHART_CATEGORY_TITLE = "{month} 投诉分类（投诉率 {rate}）"
CHART_COMPLIANCE_TITLE = "{month} 时限达标率（合计 {pct}）"
CHART_SATISFACTION_TITLE = "{month} 回访满意度 {pct}（{n} 次回访）"
CHART_EMPTY = "本月无数据"

# workbook (workbook.py)
WORKBOOK_NAME = "registers-{month}-{run}.xlsx"
SHEET_TARGETS = "指标"
SHEET_TICKETS = "工单登记表"
SHEET_COMPLAINTS = "投诉登记表"
SHEET_VISITS = "回访记录"
SHEET_CLOCKS = "时限达标"
XL_TARGET_HEADER = ("指标", "分子", "分母", "数值", "目标", "说明")
XL_SERVICES = "完成服务"
XL_SERVICES_NOTE = "热线工单解决 {tickets} + 上门派工核销 {visits}"
XL_RATE = "投诉率"
XL_RATE_NOTE = "当月受理且确认有效（计入）的投诉起数除以当月完成服务次数。目标：低于 {target}。"
XL_SATISFACTION = "满意度"
XL_SATISFACTION_NOTE = "当月回访中三项平均分不低于 {score} 分的次数除以当月回访次数。目标：不低于 {target}。"
XL_COMPLIANCE = "时限达标率（合计）"
XL_COMPLIANCE_NOTE = "当月到期且已了结（已完成或超时仍未完成）的时限中，按时完成的比例。"
XL_COMPLIANCE_TARGET = "目标：不低于 {target}。"
XL_COMPLIANCE_NO_TARGET = "未设目标。"
XL_COMPLAINT_HEADER = (
    "编号", "受理时间", "来源", "渠道", "投诉单位", "客户级别", "联系人", "联系电话", "关联工单",
    "投诉类别", "级别", "投诉内容", "登记人", "确认结果", "确认人", "确认时间", "确认说明",
    "责任部门", "责任人", "投诉原因", "处理措施", "首次回应时间", "处理结果时间", "核实人", "核实时间",
    "客户是否满意", "客户意见", "重新处理次数", "升级总部时间", "升级说明", "纠正措施", "预防措施",
    "归档人", "归档时间", "反馈总部时间", "状态")
XL_TICKET_HEADER = (
    "编号", "客户", "联系人", "电话", "产品", "优先级", "状态", "负责人", "创建时间", "接单时间",
    "解决时间", "是否超时", "重开次数", "撤单")
XL_VISIT_HEADER = (
    "编号", "服务", "客户", "工程师", "服务完成时间", "回访人", "回访时间", "响应及时", "服务技能",
    "服务态度", "平均分", "满意", "意见", "问题类型", "问题", "问题状态", "指派给")
XL_CLOCK_HEADER = ("时限", "代码", "按时完成", "超时完成", "超时未完成", "合计", "达标率")
XL_UNCONFIRMED = "待确认"
XL_VALID = "有效"
XL_INVALID = "不属服务范围（不计入）"
XL_YES = "是"
XL_NO = "否"
XL_TOTAL = "合计"
XL_TOTAL_COMPLAINTS = "合计 {n} 起"
XL_TOTAL_TICKETS = "合计 {n} 张"
XL_TOTAL_LATE = "超时 {n} 张"
XL_TOTAL_CANCELLED = "撤单 {n} 张"
XL_TOTAL_VERDICTS = "有效 {valid}，不计入 {invalid}，待确认 {pending}"
XL_TOTAL_VISITS = "合计 {n} 次"
XL_TOTAL_SATISFIED = "满意 {n} 次"
XL_TOTAL_ISSUES = "问题 {n} 项"

# captions of the files (publish.py)
CAPTION_CATEGORY = "{month} 投诉分类图"
CAPTION_COMPLIANCE = "{month} 时限达标图"
CAPTION_SATISFACTION = "{month} 回访满意度图"
CAPTION_WORKBOOK = "{month} 登记表（工单、投诉、回访、时限达标）"

KPI_NONE = "—"
KPI_THIS_MONTH_WORDS = ("本月", "这个月", "当月")
KPI_LAST_MONTH_WORDS = ("上月", "上个月")
KPI_BAD_MONTH = "“{text}”不是月份，请写 2026-11、11月、本月或上月。"
KPI_FUTURE_MONTH = "{month} 还没开始。"
KPI_HEAD = "【指标】{month}（截至 {as_of}）"
KPI_HEAD_CLOSED = "【指标】{month}（全月）"
KPI_SERVICES = "完成服务 {n} 次（热线工单解决 {tickets}，上门派工核销 {visits}）"
KPI_RATE = "投诉率：{num}/{den} = {pct}（目标 < {target}）{verdict}"
KPI_COMPLAINTS = "投诉受理 {received} 起：有效 {valid}，不属服务范围 {invalid}，待确认 {unconfirmed}"
KPI_SATISFACTION = "满意度：{num}/{den} = {pct}（三项平均 ≥ {score} 分为满意；目标 ≥ {target}）{verdict}"
KPI_MEANS = "回访平均分：响应及时 {timeliness}，服务技能 {skill}，服务态度 {attitude}"
KPI_COMPLIANCE = "时限达标率：{num}/{den} = {pct}"
KPI_CLOCK = "· {label}：{num}/{den} = {pct}（超时完成 {late}，超时未完成 {overdue}）"
KPI_PROJECTION = "预测：本月工作时间已过 {gone}，按此线性推算月底完成服务约 {services} 次、有效投诉约 {valid} 起；投诉率要达标，本月有效投诉最多 {allowed} 起（已有 {have} 起）。"
KPI_PROJECTION_EARLY = "预测：本月工作时间才过 {gone}（不足 {least}），数据太少，暂不推算月底的服务和投诉。"
KPI_WARN_RATE_EARLY = "【指标预警】{month} 投诉率 {num}/{den} = {pct}，高于目标 {target}（本月工作时间才过 {gone}，暂不推算月底）。"
KPI_NO_DATA = "（暂无数据）"
KPI_OK = "达标"
KPI_MISS = "未达标"
KPI_WARN_RATE = ("【指标预警】{month} 投诉率 {num}/{den} = {pct}，高于目标 {target}。本月工作时间已过 {gone}，"
                 "线性推算月底完成服务约 {services} 次、有效投诉约 {valid} 起；要达标，本月有效投诉最多 {allowed} 起。")
KPI_WARN_SATISFACTION = "【指标预警】{month} 满意度 {num}/{den} = {pct}，低于目标 {target}（本月工作时间已过 {gone}）。"
KPI_WARN_COMPLIANCE = "【指标预警】{month} 时限达标率 {num}/{den} = {pct}，低于目标 {target}。最低：{worst}。"
