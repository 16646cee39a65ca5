"""Every Chinese text of customer management: the archive, contacts, contracts and renewals."""

BAD_PHONE = "电话“{phone}”不是有效号码：手机 11 位（1 开头），固话带区号（如 021-55550001）。"
BAD_DATE = "日期“{value}”不对，请写成 2026-01-31。"
BAD_CARE_DATE = "生日或纪念日“{value}”不对，请写成 05-12 或 1980-05-12。"
BAD_TIER = "级别“{tier}”不对，可选：{tiers}。"
BAD_FIELD = "不能修改“{key}”。可改的字段：{fields}。"
NO_CHANGES = "请写明要修改的字段，例如 /改客户 华东制造 地址=上海市浦东新区张江路1号。"
NEED_NAME = "请写明客户单位名称，例如 /建客户 西部电子有限公司 联系人=赵工 电话=028-66660001。"
EXISTS = "客户“{name}”已在档案中，请用 /改客户 修改。"
SALES_NOT_SALES = "{who} 不是业务人员或服务经理，不能负责客户档案。"
CONTACT_NEED_NAME = "请写明联系人姓名，例如 /联系人 华东制造 王会计 手机=13900000001。"
CONTACT_NEED_PHONE = "新联系人至少要有电话或手机。"
BAD_PRIMARY = "“主要={value}”请写 主要=是（设为主要联系人）。"
YES = "是"
PERIOD_BAD = "服务结束日期 {end} 早于开始日期 {start}。"
INSTALL_BEFORE_SIGN = "安装日期 {installed} 早于合同日期 {signed}。"
CONTRACT_HALF = "合同要同时写 合同= 开始日期和 至= 结束日期。"

# what the archive shows
CARD_HEAD = "【客户】{name}{provisional}（{tier}）"
CARD_PROVISIONAL = "［临时档案，待业务完善］"
CARD_CODES = "服务码：{code}　加密锁号：{dongle}"
CARD_ADDRESS = "地址：{address}（{region}）"
CARD_PRODUCTS = "产品：{products}"
CARD_SALES = "业务：{sales}"
CARD_CONTACTS = "联系人："
# A contact line names only what is known: no "电话 -" left dangling.
CARD_CONTACT = "· {name}{role}{details}{primary}"
CARD_PRIMARY = "　［主要联系人］"
CARD_CONTACT_ROLE = "（{role}）"
CARD_CONTACT_DETAILS = {"phone": "　电话 {}", "mobile": "　手机 {}", "birthday": "　生日 {}",
                        "anniversary": "　纪念日 {}"}
CARD_CONTACT_NO_NUMBER = "　（未留电话）"
CARD_NO_CONTACTS = "联系人：无"
CARD_CONTRACT = "服务合同：{start} 至 {end}，{tier}，{state}"
CARD_NO_CONTRACT = "服务合同：无"
CARD_CONTRACTS_BEFORE = "（历史合同 {n} 份）"
CARD_OPEN = "未完成工单 {n} 张："
CARD_TICKET = "· {no} {status} {desc}"
CARD_SERVICES = "最近服务："
CARD_SERVICE = "· {no} {at} {desc}"
CARD_COMPLAINTS = "投诉 {n} 次：{items}"
CARD_SCORES = "回访 {n} 次，平均：及时 {t:.1f}，技能 {s:.1f}，态度 {a:.1f}"
CARD_MASKED = "（群内电话已隐藏，私聊查看完整号码）"
EMPTY = "-"
STATE = {"active": "在服务期", "expiring": "即将到期（还有 {days} 天）", "expired": "已过期",
         "pending": "尚未开始"}

# replies
CREATED = "已建客户档案：{name}（{tier}）。"
CREATED_CONTRACT = "服务合同 {start} 至 {end}。"
EDITED = "已修改 {name}：{changes}。"
PROVISIONAL_FILLED = "已补充临时档案：{name}（{tier}）。"
COMPLETED = "临时档案已完善，完善档案时限已完成。"
CONTACT_ADDED = "已为 {customer} 添加联系人 {name}。"
CONTACT_CHANGED = "已修改 {customer} 的联系人 {name}：{changes}。"
RENEWED = "{customer} 已续约：服务期 {start} 至 {end}，{tier}，可提供：{modes}。"
RENEW_NEED_DATE = "请写明续约到哪天，例如 /续约 华东制造 至=2027-12-31。"
RENEW_NOT_LATER = "续约结束日期 {until} 应晚于当前合同结束日期 {end}。"
EXPIRING_NONE = "{days} 天内没有到期的服务合同。"
EXPIRING_HEAD = "{days} 天内到期的服务合同 {n} 份："
EXPIRING_LINE = "· {customer}（{tier}）{end} 到期，还有 {left} 天，业务：{sales}"

# pushes
PROVISIONAL_NOTICE = ("【完善客户档案】{name} 是新来电客户，已由 {who} 建临时档案并建单 {ticket}。"
                      "请在 {due} 前补全地址、联系人电话和服务合同：/改客户 {name} 地址=… "
                      "/联系人 {name} 姓名 电话=… /续约 {name} 至=日期")
RENEWAL_REMINDER = ("【续约提醒】{customer}（{tier}）的服务合同 {end} 到期，还有 {left} 天。"
                    "业务：{sales}。续约后请登记：/续约 {customer} 至=日期")
FIELD_LABELS = {"name": "名称", "address": "地址", "region": "地区", "products": "产品",
                "service_code": "服务码", "dongle": "加密锁号", "tier": "级别", "sales": "业务",
                "role": "职务", "phone": "电话", "mobile": "手机", "birthday": "生日",
                "anniversary": "纪念日", "primary": "主要"}
CARE_HEAD = "【客户关怀】下一个工作日前的关怀日期："
CARE_LINE = "· {day} {customer} {name} {kind}"
CARE_KINDS = {"birthday": "生日", "anniversary": "纪念日"}
CARE_HOLIDAY = "· {day} {name}：请向你负责的 {n} 家客户致以节日问候"
