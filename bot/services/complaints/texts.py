"""Every Chinese text of complaints: intake, confirmation, handling, the complaint sheet."""

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
CMP_VALID_NEEDS_RESPONSIBLE = "有效投诉请写明 责任人=，例如 /投诉确认 {no} 有效 责任人=张伟。"
CMP_CONFIRMED_DETAIL = "有效；责任人 {who}；责任部门 {dept}；级别 {level}；说明：{note}"
CMP_NEW_NOTICE = ("【新投诉 {no}】{customer}（{tier}）\n来源：{source}；类别：{category}；级别：{level}\n"
                  "内容：{content}\n受理：{received}，登记：{who}\n"
                  "请监督员在 {due} 前确认：/投诉确认 {no} 有效 责任人=… 或 /投诉确认 {no} 无效 说明")
CMP_ASSIGNED_NOTICE = ("【投诉处理】{no} 由你负责：{customer}（{tier}）［{category}］\n内容：{content}\n"
                       "联系人：{contact}\n确认：{confirmer}，说明：{note}\n"
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
# The measure still missing is named, and the line to send again keeps what was typed.
CMP_ARCHIVE_NEEDS_MEASURES = "{no} 归档还缺{missing}：请发送 /投诉归档 {no} 纠正={corrective} 预防={preventive}"
CMP_MEASURE_NAMES = {"corrective": "纠正措施", "preventive": "预防措施"}
CMP_MEASURE_BLANK = "…"
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
CMP_VIEW_CONTACT = "联系人：{contact}；关联工单：{ticket}"
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
