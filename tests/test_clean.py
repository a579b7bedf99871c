"""Cleaning: each kind of page chrome goes, body text stays, broken lines are rejoined."""

from __future__ import annotations

import pytest

from index.clean import clean, is_header_line, is_heading, strip_glosses

BODY_1 = "9月3日，县委召开乡村振兴工作推进会，研究部署秋冬季农业生产工作。"
BODY_2 = "会议强调，要抓紧抓实高标准农田建设，确保年底前全面完工。"
BODY_3 = "会议要求，各乡镇要压实属地责任，持续推进农村人居环境整治。"


def paragraphs(text: str) -> list[str]:
    return clean(text).paragraphs


def joined(text: str) -> str:
    return "\n".join(paragraphs(text))


# -- legal notices -------------------------------------------------------------


def test_disclaimer_block_at_end_is_removed() -> None:
    text = f"""{BODY_1}
{BODY_2}

【免责声明】本文转自网络，版权归原作者所有，如有侵权请联系删除。
本文仅供学习交流，转载请注明出处，不代表本平台观点。
"""
    assert paragraphs(text) == [BODY_1, BODY_2]


def test_traditional_disclaimer_header_and_numbered_lines_are_removed() -> None:
    text = """市政府召開防汛工作會議

會議要求，各地要加強值班值守，確保安全度汛。

某某新聞網版權與免責聲明：

①凡本網註明「來源：某某新聞網」的作品，版權均屬於某某新聞網，未經授權不得轉載。

②凡本網註明來源為其它媒體的作品，均轉載自其它媒體，並不代表本網贊同其觀點。

③如有疑問，請於工作日致電編輯部。
"""
    assert paragraphs(text) == ["市政府召開防汛工作會議", "會議要求，各地要加強值班值守，確保安全度汛。"]


def test_legal_block_ends_at_the_next_body_line() -> None:
    text = f"""{BODY_1}
免责声明：本站部分内容转载自网络，版权归原作者所有。
{BODY_2}
"""
    assert paragraphs(text) == [BODY_1, BODY_2]


# -- WeChat and web chrome -----------------------------------------------------


def test_wechat_account_block_is_removed() -> None:
    text = f"""
微信号
xianweiyan

功能介绍
发布政务信息，服务百姓生活。
{BODY_1}
{BODY_2}
"""
    result = paragraphs(text)
    assert result == [BODY_1, BODY_2]
    assert not any("xianweiyan" in p or "服务百姓生活" in p for p in result)


def test_scan_and_follow_line_is_removed() -> None:
    text = f"""{BODY_1}
微信扫一扫
关注该公众号
已发送发送中微信扫一扫关注该公众号
"""
    assert paragraphs(text) == [BODY_1]


def test_view_full_text_link_is_removed() -> None:
    text = f"{BODY_2}\n查看全文\nfalse\n"
    assert paragraphs(text) == [BODY_2]


def test_discover_and_friends_watching_line_is_removed() -> None:
    text = f"{BODY_3}\n\n前往“发现”-“看一看”浏览“朋友在看”\n\n"
    assert paragraphs(text) == [BODY_3]


def test_promotion_line_is_removed() -> None:
    text = f"""►学习资料这里找+每周分享会
同志们：
今天我们召开全县农村工作会议，主要任务是总结去年工作，部署今年任务。
"""
    assert paragraphs(text) == ["同志们：", "今天我们召开全县农村工作会议，主要任务是总结去年工作，部署今年任务。"]


LONG_BODY = [BODY_1, BODY_2, BODY_3, "会议指出，今年以来全县农业生产总体平稳。", "会议要求，各部门要密切配合。", "县领导出席会议。"]


def test_related_news_tail_is_cut() -> None:
    text = "\n".join(LONG_BODY) + "\n相关新闻\n县委召开另一次会议\n"
    assert paragraphs(text) == LONG_BODY


def test_related_news_label_early_in_text_does_not_cut_the_body() -> None:
    text = f"{BODY_1}\n相关新闻\n" + "\n".join(LONG_BODY[1:])
    assert paragraphs(text)[-1] == LONG_BODY[-1]


@pytest.mark.parametrize("label", ["推荐阅读", "往期回顾"])
def test_recommended_reading_tail_is_cut(label: str) -> None:
    text = "\n".join(LONG_BODY) + f"\n{label}\n县委召开另一次会议\n"
    assert paragraphs(text) == LONG_BODY


def test_html_markup_is_stripped() -> None:
    text = f"<section><p>{BODY_1}</p><p>{BODY_2}<br/></p></section>"
    assert paragraphs(text) == [BODY_1, BODY_2]


# -- credits and labelled lines --------------------------------------------------


def test_credit_lines_on_their_own_lines_are_removed_and_kept_as_fields() -> None:
    text = f"""{BODY_1}
采编：张三
编辑：李四
监制：王五
"""
    cleaned = clean(text)
    assert cleaned.paragraphs == [BODY_1]
    assert cleaned.fields["采编"] == "张三"
    assert cleaned.fields["编辑"] == "李四"
    assert cleaned.fields["监制"] == "王五"


def test_credits_glued_after_last_sentence_are_cut() -> None:
    text = f"{BODY_1}县领导出席会议并讲话。采编：张三 图/文后台编辑：李四监制：王五\n\n{BODY_2}\n"
    assert paragraphs(text) == [f"{BODY_1}县领导出席会议并讲话。", BODY_2]


def test_glued_credit_is_not_cut_from_the_middle_of_a_paragraph() -> None:
    body = "会议由县委副书记主持。编辑部主任作了发言，介绍了宣传工作情况。"
    assert paragraphs(body) == [body]


@pytest.mark.parametrize("line, name", [("记者|王贺", "王贺"), ("记者｜刘洋", "刘洋"), ("記者|王賀", "王賀")])
def test_reporter_line_is_removed_and_kept_as_field(line: str, name: str) -> None:
    cleaned = clean(f"{BODY_2}\n{line}\n编辑|李榕\n")
    assert cleaned.paragraphs == [BODY_2]
    assert cleaned.fields["记者"] == name
    assert cleaned.fields["编辑"] == "李榕"


def test_source_and_link_lines_are_captured_in_fields() -> None:
    link = "http://slj.example.gov.cn/xw/202306/t20230606_1.html"
    cleaned = clean(f"{BODY_3}\n信息来源：某某市水利局\n原文链接：{link}\n")
    assert cleaned.paragraphs == [BODY_3]
    assert cleaned.fields["信息来源"] == "某某市水利局"
    assert cleaned.fields["原文链接"] == link
    assert cleaned.urls == [link]


# -- the page's date lines ------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "2023-01-05", "2023/1/5", "2023.01.05", "2023年1月5日", "２０２３年１月５日",
        "2023-01-05 19:00", "2023-01-05 19:00:12", "2023年01月05日19:00",
        "发布时间：2023-01-05 19:00", "发布日期：2023年1月5日", "时间：2023-01-05", "日期：2023/1/5", "發佈時間：2023-01-05",
    ],
)
def test_a_date_line_is_the_pages_date_not_body(line: str) -> None:
    cleaned = clean(f"县政府召开常务会议\n{line}\n{BODY_2}\n")
    assert cleaned.paragraphs == ["县政府召开常务会议", BODY_2]
    assert cleaned.page_dates == [line.split("：")[-1]]


@pytest.mark.parametrize(
    ("line", "fields"),
    [
        ("2023年01月05日 19:00\u3000来源：县融媒体中心", {"日期": "2023年01月05日 19:00", "来源": "县融媒体中心"}),
        ("2023-01-05 19:00 | 来源：县融媒体中心 | 作者：张三", {"日期": "2023-01-05 19:00", "来源": "县融媒体中心", "作者": "张三"}),
        ("发布时间：2023-01-05 编辑：李四 浏览次数：", {"发布时间": "2023-01-05", "编辑": "李四", "浏览次数": ""}),
        ("来源：县融媒体中心 2023-01-05", {"来源": "县融媒体中心", "日期": "2023-01-05"}),
    ],
)
def test_a_date_line_with_source_and_credits_is_all_fields(line: str, fields: dict[str, str]) -> None:
    cleaned = clean(f"{BODY_1}\n{line}\n{BODY_2}\n")
    assert cleaned.paragraphs == [BODY_1, BODY_2]
    assert cleaned.fields == fields


@pytest.mark.parametrize(
    "sentence",
    [
        "2023年1月5日，县委召开常委会议，研究部署春耕生产。",
        "2023年1月5日县委召开常委会议",
        "2023-01-05 县委召开常委会议",
        "会议时间：2023年3月4日上午9:00",
        "时间：2023年3月4日上午9:00",
    ],
)
def test_a_line_that_only_begins_with_a_date_stays_body(sentence: str) -> None:
    cleaned = clean(f"{BODY_1}\n\n{sentence}\n\n{BODY_2}\n")
    assert sentence in cleaned.paragraphs
    assert cleaned.page_dates == []


def test_the_first_date_line_is_the_pages_date() -> None:
    cleaned = clean(f"发布时间：2023-01-05 19:00\n{BODY_1}\n县人民政府办公室\n2023年1月6日\n")
    assert cleaned.page_dates == ["2023-01-05 19:00", "2023年1月6日"]
    assert cleaned.paragraphs == [BODY_1, "县人民政府办公室"]


def test_a_date_line_is_not_joined_to_a_title_broken_over_two_lines() -> None:
    first = "县政府召开第十二次常务会议研究部署春耕生产农村人居环境整治高标准农田建设和安全生产工作"
    assert len(first) > 40  # a line this long is continued by the next
    cleaned = clean(f"{first}\n等事项\n发布时间：2023-01-05 19:00\n{BODY_2}\n")
    assert cleaned.paragraphs == [first + "等事项", BODY_2]


def test_a_line_with_the_pages_date_and_time_is_not_continued_by_the_next() -> None:
    """A time's colon is no sentence's: the sentence after a WeChat header starts a paragraph of its own."""
    stamp = "原创 县融媒 王明 2023-01-05 18:05 发表于山东"
    assert paragraphs(f"{stamp}\n1月4日，县政府召开常务会议。\n") == [stamp, "1月4日，县政府召开常务会议。"]


def test_lines_broken_inside_a_date_are_not_joined_into_a_date_line() -> None:
    """2024年 / 1月5日 joined would be a line of the page's date, dropped by a second cleaning."""
    once = paragraphs("会议纪要 2024年\n1月5日\n")
    assert once == ["会议纪要 2024年", "1月5日"]
    assert paragraphs("\n".join(once)) == once


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2023-01-05 19:00 来源：县融媒体中心", True), ("来源：县融媒体中心", True), ("原创 县融媒 2023年01月05日 18:05", True),
        ("原创 县融媒 2023-01-05 18:05 发表于山东", True),
        ("2023年1月5日", True), ("19:00", True), ("县政府召开常务会议", False), ("2023年全县农业农村工作会议", False),
        ("2023年1月5日，县委召开常委会议。", False), ("在2023年1月5日全县大会上的讲话", False),
    ],
)
def test_is_header_line(line: str, expected: bool) -> None:
    assert is_header_line(line) is expected


# -- pinyin glosses ----------------------------------------------------------------


def test_pinyin_glosses_are_stripped() -> None:
    assert strip_glosses("德州召開鄉(xiāng)村振興會議，落實黨中央決策部(bù)署") == "德州召開鄉村振興會議，落實黨中央決策部署"
    assert paragraphs("德州召開鄉(xiāng)村振興專題會議。") == ["德州召開鄉村振興專題會議。"]


def test_non_gloss_parentheses_are_kept() -> None:
    text = "重點抓好鄉(xiāng)村工作(上)的部署，經濟總量(GDP)增長5%。"
    assert strip_glosses(text) == "重點抓好鄉村工作(上)的部署，經濟總量(GDP)增長5%。"


def test_text_without_toned_gloss_is_untouched() -> None:
    text = "会议研究了工作(上)的安排和经济总量(GDP)目标，以及麼(me)字用法。"
    assert strip_glosses(text) == text


# -- rejoining broken lines -----------------------------------------------------------


def test_line_ending_with_comma_is_rejoined() -> None:
    assert paragraphs("会议强调，各乡镇要切实做好秋粮收购，\n确保颗粒归仓。") == ["会议强调，各乡镇要切实做好秋粮收购，确保颗粒归仓。"]


def test_line_ending_with_de_is_rejoined() -> None:
    text = "会议强调，全县上下要深刻认识做好秋粮收购工作的\n重要意义，切实增强责任感和紧迫感。"
    assert paragraphs(text) == ["会议强调，全县上下要深刻认识做好秋粮收购工作的重要意义，切实增强责任感和紧迫感。"]


def test_short_line_ending_with_de_is_rejoined() -> None:
    text = "全县上下要深刻认识做好秋粮收购工作的\n重要意义，切实增强责任感。"
    assert paragraphs(text) == ["全县上下要深刻认识做好秋粮收购工作的重要意义，切实增强责任感。"]


def test_line_ending_with_opening_quote_is_rejoined() -> None:
    text = "会议传达学习了习近平总书记关于“\n三农”工作的重要论述。"
    assert paragraphs(text) == ["会议传达学习了习近平总书记关于“三农”工作的重要论述。"]


def test_headings_and_title_stay_separate_paragraphs() -> None:
    text = """县委召开整改工作推进会
一、提高政治站位
深刻认识抓好整改工作的重要性，切实增强
责任感和紧迫感。
二、聚焦核心问题
以钉钉子精神抓好整改。
"""
    assert paragraphs(text) == [
        "县委召开整改工作推进会",
        "一、提高政治站位",
        "深刻认识抓好整改工作的重要性，切实增强责任感和紧迫感。",
        "二、聚焦核心问题",
        "以钉钉子精神抓好整改。",
    ]


def test_line_after_a_sentence_end_starts_a_new_paragraph() -> None:
    assert paragraphs(f"{BODY_1}\n{BODY_2}\n\n{BODY_3}") == [BODY_1, BODY_2, BODY_3]


def test_long_line_without_end_punctuation_is_continued() -> None:
    first = "会议强调，要进一步压实各级党组织主体责任，切实把乡村振兴各项任务落到实处并确保取得实效"
    assert len(first) > 40
    assert paragraphs(f"{first}\n推动农业农村高质量发展。") == [first + "推动农业农村高质量发展。"]


@pytest.mark.parametrize(
    "line, expected",
    [("一、提高政治站位", True), ("（三）强化组织领导", True), ("第二点意见", True), ("一是要压实责任", True),
     ("一、提高政治站位，", False), ("会议要求加快建设", False)],
)
def test_is_heading(line: str, expected: bool) -> None:
    assert is_heading(line) is expected


# -- whole documents: nothing of the body is lost, cleaning is stable ------------------

BODY_SENTENCES = [
    "县委召开农业农村重点工作推进会",
    "3月24日，县委书记主持召开农业农村重点工作推进会。",
    "会议指出，今年以来全县农业生产总体平稳，粮食播种面积稳中有增。",
    "会议强调，要抓紧抓实高标准农田建设，确保年底前全面完工；",
    "要持续推进农村人居环境整治，",
    "扎实开展村庄清洁行动。",
    "一、压实工作责任",
    "各乡镇党委书记是第一责任人，要亲自部署、亲自督办。",
    "二、强化要素保障",
    "财政部门要及时拨付项目资金，确保资金足额到位。",
]

MESSY_DOCUMENT = f"""►学习资料这里找+每周分享会

微信号
xianweiyan

功能介绍
发布政务信息，服务百姓生活。
{BODY_SENTENCES[0]}

{BODY_SENTENCES[1]}
{BODY_SENTENCES[2]}
{BODY_SENTENCES[3]}
{BODY_SENTENCES[4]}
{BODY_SENTENCES[5]}
{BODY_SENTENCES[6]}
{BODY_SENTENCES[7]}
{BODY_SENTENCES[8]}
{BODY_SENTENCES[9]}采编：张三 编辑：李四监制：王五
记者|周九
信息来源：某县融媒体中心
原文链接：http://www.example.gov.cn/xw/202403/t20240325_1.html
查看全文
前往“发现”-“看一看”浏览“朋友在看”
已发送发送中微信扫一扫关注该公众号

【免责声明】本文转自网络，版权归原作者所有，如有侵权请联系删除。
"""


def test_every_body_sentence_survives_and_no_chrome_remains() -> None:
    cleaned = clean(MESSY_DOCUMENT)
    text = "\n".join(cleaned.paragraphs)
    for sentence in BODY_SENTENCES:
        assert sentence in text, f"lost body text: {sentence}"
    for chrome in ["学习资料", "xianweiyan", "功能介绍", "服务百姓生活", "采编", "周九", "信息来源", "原文链接",
                   "查看全文", "朋友在看", "扫一扫", "免责声明", "侵权", "http"]:
        assert chrome not in text, f"chrome left: {chrome}"
    assert cleaned.fields["信息来源"] == "某县融媒体中心"
    assert cleaned.fields["记者"] == "周九"


def test_broken_lines_of_messy_document_are_joined() -> None:
    result = paragraphs(MESSY_DOCUMENT)
    assert "要持续推进农村人居环境整治，扎实开展村庄清洁行动。" in "".join(result)
    assert "一、压实工作责任" in result and "二、强化要素保障" in result
    assert result[0] == BODY_SENTENCES[0]


def test_cleaning_is_idempotent_on_its_output() -> None:
    once = paragraphs(MESSY_DOCUMENT)
    assert paragraphs("\n\n".join(once)) == once
    assert paragraphs("\n".join(once)) == once


def test_cleaning_is_idempotent_on_traditional_document() -> None:
    text = "德州召開鄉(xiāng)村振興專題會議\n\n4月17日，我市召開鄉(xiāng)村振興專題會議，\n研究部署重點工作。\n記者|王賀\n"
    once = paragraphs(text)
    assert once == ["德州召開鄉村振興專題會議", "4月17日，我市召開鄉村振興專題會議，研究部署重點工作。"]
    assert paragraphs("\n".join(once)) == once


def test_crlf_and_lf_give_same_paragraphs() -> None:
    assert paragraphs(MESSY_DOCUMENT.replace("\n", "\r\n")) == paragraphs(MESSY_DOCUMENT)


# -- known bugs: body lines mistaken for chrome -----------------------------------------


@pytest.mark.parametrize(
    "sentence",
    ["我们在看到成绩的同时，也要清醒认识到差距。", "群众纷纷为驻村工作队点赞。"],
)
def test_short_body_sentence_with_chrome_substring_is_kept(sentence: str) -> None:
    assert sentence in joined(f"{sentence}\n{BODY_2}")


@pytest.mark.parametrize(
    "heading", ["三、规范户外广告设置管理", "（三）加强农民培训课程建设", "二、群众留言办理情况", "典型经验分享", "关于转发省政府文件的通知"]
)
def test_heading_mentioning_promo_words_is_kept(heading: str) -> None:
    assert heading in paragraphs(f"{heading}\n{BODY_3}")


def test_body_sentence_about_copyright_protection_is_kept() -> None:
    sentence = "会议要求，加强知识产权保护，严厉打击侵权盗版行为，规范版权授权交易。"
    assert sentence in paragraphs(f"{BODY_1}\n\n{sentence}\n\n{BODY_2}")


@pytest.mark.parametrize("bar", ["分享 收藏 点赞 在看", "点赞 | 在看", "留言 转发"])
def test_button_bar_is_removed(bar: str) -> None:
    assert paragraphs(f"{BODY_2}\n\n{bar}") == paragraphs(BODY_2)
