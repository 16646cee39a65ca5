"""Every Chinese text of the problem library and the phrasebook."""

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

# phrasebook (/话术)
PHRASE_NOT_FOUND = "没有“{query}”的话术。可查的场景：{scenes}"
PHRASE_TITLE = "【{scene}】"
PHRASE_SCENES = "可查的话术场景：{scenes}\n例如：/话术 回电"
