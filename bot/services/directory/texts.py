"""Every Chinese text of finding and importing staff and customers."""

# people and customers
PERSON_NOT_FOUND = "找不到员工“{who}”。"
PERSON_AMBIGUOUS = "“{who}”有多位同名员工，请用 ID 指定：{choices}"
PERSON_CHOICE = "{name}（ID {userid}，{team}）"
CUSTOMER_MISSING = "请写明客户，例如 客户=华东制造。"
CUSTOMER_NOT_FOUND = "找不到客户“{name}”。请检查名称，或请管理员导入客户档案。"
CUSTOMER_AMBIGUOUS = "“{name}”匹配到多个客户：{choices}。请写全称。"

# imports
IMPORT_SUMMARY = "新增 {created} 条，更新 {updated} 条，未变 {unchanged} 条，错误 {bad} 条。"
IMPORT_BAD_LINE = "第 {line} 行：{problem}"
IMPORT_BAD_ROLE = "未知角色“{role}”（可用：工程师、服务经理、服务监督员、业务人员、管理员）"
IMPORT_NO_ROLE = "没有填写角色"
IMPORT_BAD_ENCODING = "无法识别文件编码：请把文件另存为 UTF-8 或 GBK 编码的 CSV"
IMPORT_STAFF_MISSING = "缺少 userid 或姓名"
IMPORT_CUSTOMER_MISSING = "缺少客户单位名称"
IMPORT_BAD_DATE = "日期“{value}”应写成 2026-01-31"
IMPORT_BAD_PERIOD = "服务结束日期早于开始日期"
IMPORT_HALF_PERIOD = "服务开始和服务结束日期要同时填写"

# phone numbers
NOTHING = "-"
PHONE_INVALID = "电话“{phone}”不是有效的号码：请写手机号（11 位）、带区号的固话或 400/800 号码，例如 电话=13800001111 或 电话=021-62345678。"
