"""Every Chinese text of the penalty ledger: rules, notices, appeals, summaries."""

PEN_RULE_LABELS = {
    "complaint": "有效投诉", "complaint_review": "半年内多次有效投诉",  # rules.VALID_COMPLAINT, COMPLAINT_REVIEW
    "forms_late": "服务单据未按时交回", "onsite_no_record": "上门服务未填写服务记录",
    "remote_no_record": "远程服务未按要求填写记录", "impl_form_late": "实施单未按时取回",
    "archive_late": "客户申请单未按时交行政部存档",
    "meeting_late": "会议迟到", "absent": "缺席（书面警告）", "unreachable": "工作时间联系不上",
}
PEN_RULE_ALIASES = {
    "meeting_late": ("迟到", "会议迟到"), "absent": ("缺席", "缺勤"),
    "unreachable": ("联系不上", "失联", "联系不畅"),
}
PEN_STATUS = {"issued": "生效", "appealed": "申诉中", "upheld": "维持", "cancelled": "撤销",
              "review": "待评审"}
PEN_YUAN = "{amount} 元"
PEN_RANGE = "{lo}-{hi} 元"
PEN_OR_WARNING = "警告（0）或 {base}"
PEN_REVIEW_WORD = "降级/辞退评审"
PEN_WARNING_WORD = "警告"
PEN_ABOUT = "（{ref}）"
PEN_BY_SYSTEM = "系统自动发现"
PEN_CONFIG_BAD = "处罚配置错误：{key}：{problem}"
PEN_CONFIG_WORDS = "应为文字列表"
PEN_CONFIG_RANGE = "max_amount 不能小于 min_amount"
PEN_CONFIG_COUNT = "次数至少为 2"
PEN_CONFIG_POSITIVE = "应大于 0"
PEN_REASON_FORMS = "{ref} 的服务单据未在 {due} 前交回"
PEN_REASON_ONSITE = "{ref} {arrived} 到场，{due} 前未填写服务记录（核销）"
PEN_REASON_REMOTE = "{ref} 为远程服务，解决记录只有 {n} 个字（要求至少 {min} 个字）"
PEN_REASON_IMPL = "{ref} 的实施单未在 {due} 前取回"
PEN_REASON_ARCHIVE = "{ref} 的客户书面申请单未在 {due} 前交行政部存档"
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
