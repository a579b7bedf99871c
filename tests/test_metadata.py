"""Metadata: title, meeting date (never invented), place or issuer, link."""

from __future__ import annotations

import pytest

from index.clean import clean
from index.metadata import DocumentMeta, describe, find_date, split_title
from index.read import SourceText


def describe_text(text: str, **given: str) -> tuple[DocumentMeta, list[str]]:
    source = SourceText(name="report.txt", text=text, format="txt", original=text.encode("utf-8"), **given)
    return describe(source, clean(text))


def test_title_is_the_first_line() -> None:
    meta, body = describe_text("县农业农村局召开秋粮收购工作推进会\n\n9月12日，县农业农村局召开秋粮收购工作推进会。\n")
    assert meta.title == "县农业农村局召开秋粮收购工作推进会"
    assert body == ["9月12日，县农业农村局召开秋粮收购工作推进会。"], "the title line is not part of the body"


def test_sentence_is_not_taken_as_title() -> None:
    title, body = split_title(["会议强调，要抓好秋粮收购。", "会议要求各乡镇抓好落实。"])
    assert title is None and len(body) == 2


def test_heading_is_not_taken_as_title() -> None:
    title, _ = split_title(["一、提高政治站位", "深刻认识整改工作的重要性。"])
    assert title is None


def test_title_is_derived_from_first_sentence_without_dateline() -> None:
    meta, body = describe_text("9月12日，县农业农村局召开秋粮收购工作推进会。局长张建国主持会议并讲话。\n会议要求做好准备。\n")
    assert meta.title == "县农业农村局召开秋粮收购工作推进会"
    assert body[0].startswith("9月12日"), "a derived title leaves the body whole"


def test_title_is_meeting_name_when_first_sentence_is_long() -> None:
    text = (
        "同志们：\n今天我们召开全县秋粮收购工作会议，主要任务是总结经验、部署工作，"
        "确保秋粮收购工作顺利开展、农民利益得到切实保护、粮食市场保持稳定运行。\n"
    )
    meta, _ = describe_text(text)
    assert meta.title == "全县秋粮收购工作会议"


def test_given_title_is_kept_and_repeated_first_line_dropped() -> None:
    text = "秋粮收购推进会\n9月12日，县农业农村局召开秋粮收购工作推进会。\n"
    meta, body = describe_text(text, title="秋粮收购推进会")
    assert meta.title == "秋粮收购推进会"
    assert body == ["9月12日，县农业农村局召开秋粮收购工作推进会。"]


def test_partial_date_takes_year_from_source_link() -> None:
    text = (
        "市农牧局召开党组会议\n6月4日，市农牧局召开党组会议。\n"
        "原文链接：http://nmt.example.gov.cn/xw/msdt/202306/t20230606_2326545.html\n"
    )
    meta, _ = describe_text(text)
    assert meta.date == "2023-06-04"


def test_partial_date_before_a_new_year_link_belongs_to_previous_year() -> None:
    text = "市农牧局召开党组会议\n12月28日，市农牧局召开党组会议。\n原文链接：http://x.example.cn/a/202401/t20240103_1.html\n"
    meta, _ = describe_text(text)
    assert meta.date == "2023-12-28"


def test_partial_date_without_any_year_stays_partial() -> None:
    meta, _ = describe_text("市农牧局召开党组会议\n6月4日，市农牧局召开党组会议。\n")
    assert meta.date == "--06-04"


def test_link_without_date_does_not_invent_a_year() -> None:
    text = "市农牧局召开党组会议\n6月4日，市农牧局召开党组会议。\n原文链接：http://x.example.cn/news/show.html?id=88\n"
    meta, _ = describe_text(text)
    assert meta.date == "--06-04"


@pytest.mark.parametrize("dateline", ["2024年3月5日", "2024年03月05日", "2024-3-5"])
def test_full_date(dateline: str) -> None:
    meta, _ = describe_text(f"市农牧局召开党组会议\n{dateline}，市农牧局召开党组会议。\n")
    assert meta.date == "2024-03-05"


def test_full_date_wins_over_link_year() -> None:
    text = "市农牧局召开党组会议\n2024年3月5日，市农牧局召开党组会议。\n原文链接：http://x.example.cn/a/202306/t1.html\n"
    meta, _ = describe_text(text)
    assert meta.date == "2024-03-05"


@pytest.mark.parametrize(
    "header",
    ["发布时间：2024-03-22 09:15", "来源：章丘区农业农村局 发布日期：2024年03月22日", "原创 章丘农业 2024年03月22日 18:05"],
)
def test_a_pages_publication_date_gives_way_to_its_dateline(header: str) -> None:
    text = f"章丘区召开高标准农田建设推进会\n{header}\n3月21日上午，章丘区农业农村局召开高标准农田建设推进会。\n"
    meta, _ = describe_text(text)
    assert meta.date == "2024-03-21"


def test_a_dateline_in_december_under_a_january_header_is_the_year_before() -> None:
    meta, _ = describe_text("市应急局召开安全生产会议\n发布时间：2025-01-03\n12月30日，市应急局召开安全生产会议。\n")
    assert meta.date == "2024-12-30"


@pytest.mark.parametrize(
    "sentence",
    [
        "会议要求，各县区3月25日，完成摸底。", "会议要求各县区6月1日前完成摸底。", "2月20日，市里召开了动员会。",
        "3月18日，市里召开了动员会。", "会议指出，3月18日，市里召开了动员会。", "会议传达3月18日，全省会议精神。",
    ],
)
def test_a_full_meeting_date_keeps_later_days_and_earlier_months_out(sentence: str) -> None:
    """A deadline after the meeting, or a day weeks before it, is not the day the report is about."""
    meta, _ = describe_text(f"市农牧局召开党组会议\n2024年3月21日，市农牧局召开党组会议。{sentence}\n")
    assert meta.date == "2024-03-21"


def test_given_date_is_normalized() -> None:
    meta, _ = describe_text("6月4日，市农牧局召开党组会议。\n", date="2023年6月4日")
    assert meta.date == "2023-06-04"


def test_date_mentioned_late_in_the_text_is_not_taken() -> None:
    filler = "会议强调，要切实抓好各项工作落实，确保完成全年目标任务。" * 12
    text = (
        "市农牧局召开党组会议\n会议传达学习了上级文件精神，研究部署了近期重点工作。\n"
        f"{filler}\n会议要求各地在10月30日前完成整改，2024年12月31日前全面验收。\n"
    )
    assert len(filler) > 300
    meta, _ = describe_text(text)
    assert meta.date is None


def test_no_date_at_all() -> None:
    meta, _ = describe_text("市农牧局召开党组会议\n会议研究部署了近期重点工作。\n")
    assert meta.date is None


def test_impossible_month_is_not_a_date() -> None:
    assert find_date("13月4日，召开会议。", [], None) is None


def test_deadline_does_not_replace_dateline() -> None:
    text = (
        "市农牧局召开党组会议\n6月4日，市农牧局召开党组会议，要求各旗县于2023年12月31日前完成整改任务。\n"
        "原文链接：http://x.example.cn/a/202306/t20230606_1.html\n"
    )
    meta, _ = describe_text(text)
    assert meta.date == "2023-06-04"


def test_place_from_source_line() -> None:
    text = "市农牧局召开党组会议\n6月4日，市农牧局召开党组会议。\n信息来源：乌兰察布市农牧局\n"
    meta, _ = describe_text(text)
    assert meta.place == "乌兰察布市农牧局"


def test_place_from_subject_of_meeting_verb_in_title() -> None:
    meta, _ = describe_text("德州召开乡村振兴五大专班专题会议\n4月17日，我市召开乡村振兴五大专班专题会议。\n")
    assert meta.place == "德州"


def test_place_from_traditional_title_keeps_original_characters() -> None:
    meta, _ = describe_text("德州召開鄉(xiāng)村振興專題會議\n4月17日，我市召開鄉村振興專題會議。\n")
    assert meta.title == "德州召開鄉村振興專題會議"
    assert meta.place == "德州"


def test_generic_subject_is_not_a_place() -> None:
    meta, _ = describe_text("会议纪要\n4月17日，我市召开乡村振兴专题会议。\n")
    assert meta.place is None


def test_place_from_dateline() -> None:
    meta, _ = describe_text("会议纪要\n集贤讯3月24日，县委召开常委会议，研究部署春耕生产。\n")
    assert meta.place == "集贤"


def test_link_from_original_link_line() -> None:
    link = "http://nmt.example.gov.cn/xw/202306/t20230606_1.html"
    text = f"市农牧局召开党组会议\n6月4日，市农牧局召开党组会议，详见http://other.example.cn/page.html。\n原文链接：{link}\n"
    meta, _ = describe_text(text)
    assert meta.source_url == link, "a labelled link wins over a URL mentioned in the body"


def test_given_source_url_wins() -> None:
    meta, _ = describe_text("6月4日，市农牧局召开党组会议。\n", source="http://given.example.cn/202306/a.html")
    assert meta.source_url == "http://given.example.cn/202306/a.html"
    assert meta.date == "2023-06-04"


def test_given_non_url_source_is_the_place() -> None:
    meta, _ = describe_text("6月4日，我局召开党组会议。\n", source="乌兰察布市农牧局")
    assert meta.source_url is None
    assert meta.place == "乌兰察布市农牧局"


@pytest.mark.parametrize(
    ("header", "place"),
    [
        ("发布日期：2024-03-22 10:36　信息来源：章丘区农业农村局　浏览次数：", "章丘区农业农村局"),
        ("發佈時間：2023-06-09　來源：集賢縣應急管理局", "集賢縣應急管理局"),
        ("来源：章丘区农业农村局 发布日期：2024年03月22日", "章丘区农业农村局"),
    ],
)
def test_a_header_line_of_several_fields_gives_the_issuer_and_the_year(header: str, place: str) -> None:
    meta, body = describe_text(f"召开高标准农田建设推进会\n{header}\n3月21日，召开高标准农田建设推进会。\n")
    assert meta.place == place
    assert meta.date is not None and meta.date.endswith("-03-21") and meta.date[:4] in {"2023", "2024"}
    assert all("来源" not in paragraph and "來源" not in paragraph for paragraph in body)


def test_a_source_that_names_no_one_is_no_place() -> None:
    meta, _ = describe_text("在全镇管护工作会议上的讲话\n来源：网络整理\n同志们：今天我们召开管护工作会议。\n")
    assert meta.place is None


# -- the page's date ---------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "2023-01-05", "2023/1/5", "2023.01.05", "2023年1月5日", "2023-01-05 19:00", "2023-01-05 19:00:12",
        "发布时间：2023-01-05 19:00", "发布日期：2023年01月05日", "时间：2023-01-05", "日期：2023年1月5日",
        "2023年01月05日 19:00　来源：县融媒体中心", "2023-01-05 来源：县融媒体中心 作者：张三 编辑：李四 浏览次数：",
    ],
)
def test_a_date_line_is_the_documents_date_when_the_opening_gives_none(line: str) -> None:
    meta, body = describe_text(f"县政府召开常务会议\n{line}\n会议研究部署了春耕生产等近期重点工作。\n")
    assert meta.title == "县政府召开常务会议"
    assert meta.date == "2023-01-05"
    assert body == ["会议研究部署了春耕生产等近期重点工作。"], "the date line is no passage"


@pytest.mark.parametrize(
    "opening",
    [
        "1月4日，县政府召开常务会议，研究部署春耕生产。",
        "1月4日上午，县政府召开常务会议，研究部署春耕生产。",
        "县长王明1月4日主持召开县政府常务会议，研究部署春耕生产。",
        "县政府常务会议于1月4日在县行政中心举行。",
        "县委书记李华1月4日出席全县春耕生产动员会。",
        "本报讯（记者 张三）1月4日，县政府召开常务会议。",
        "新华社北京1月4日电（记者 张三）县政府召开常务会议。",
        "县融媒1月4日，县长王明主持召开县政府常务会议。",
        "（1月4日）\n同志们：今天我们召开县政府常务会议。",
    ],
)
def test_a_month_and_day_takes_its_year_from_the_date_line(opening: str) -> None:
    meta, _ = describe_text(f"县政府召开常务会议\n2023-01-05\n{opening}\n会议要求，各乡镇抓好落实。\n")
    assert meta.date == "2023-01-04"


def test_a_month_later_than_the_date_lines_is_the_year_before() -> None:
    meta, _ = describe_text("县政府召开常务会议\n2023年01月05日 19:00　来源：县融媒体中心\n12月30日，县政府召开常务会议。\n")
    assert meta.date == "2022-12-30"


def test_a_given_date_is_the_pages_and_its_lead_states_the_meetings() -> None:
    """A .jsonl row's date is when the page came out: a lead stating the meeting's day within a quarter before it is
    the meeting's (a report broadcast weeks later); a day stated further back, or after the lead, is not."""
    meta, _ = describe_text("县政府召开常务会议\n2023-01-05\n1月4日，县政府召开常务会议。\n", date="2023-01-06")
    assert meta.date == "2023-01-04"
    meta, _ = describe_text("县委召开座谈会\n县委8月31日召开座谈会，听取意见。\n", date="2022-10-13")
    assert meta.date == "2022-08-31"
    meta, _ = describe_text("县委召开座谈会\n县委3月1日召开座谈会，听取意见。\n", date="2022-10-13")
    assert meta.date == "2022-10-13"
    meta, _ = describe_text("县政府工作报告\n——在县人代会上\n11月6日，县长出席运动会开幕式。\n", date="2023-01-06")
    assert meta.date == "2023-01-06"


@pytest.mark.parametrize(
    "sentence",
    [
        "会议要求，各乡镇6月底前完成整改。",
        "会议审议通过《县农村人居环境整治办法》，自2023年6月1日起施行。",
        "会议通报了3月21日发生的一起道路交通事故，部署安全生产工作。",
        "3月21日发生的道路交通事故造成二人受伤，会议部署了安全生产工作。",
        "经研究，定于3月4日召开全县安全生产工作会议。",
        "会议建议明年3月4日召开第二次全体会议。",
        "会议传达了3月4日召开的全市安全生产工作会议精神。",
        "会议要求各乡镇3月10日前召开专题会议。",
        "会议决定，县第二次党代会3月4日在县会议中心举行。",
        "县第二次党代会3月4日将在县会议中心举行。",
        "受天气影响，县运动会推迟至3月4日举行。",
        "截至3月21日，全县已完成春耕备耕任务的六成。",
    ],
)
@pytest.mark.parametrize(
    ("header", "footer"),
    [("发布日期：2023-03-25", ""), ("", "原文链接：http://x.example.cn/xw/202303/t20230325_1.html")],
)
def test_a_date_the_meeting_was_not_held_on_is_not_its_date(sentence: str, header: str, footer: str) -> None:
    """A deadline, a start, an accident's day, a session announced or referred to: the page's date stands."""
    meta, _ = describe_text(f"县政府召开常务会议\n{header}\n{sentence}\n{footer}\n")
    assert meta.date == "2023-03-25"


def test_a_dateline_after_another_day_is_the_meetings() -> None:
    text = "县应急局召开安全生产会议\n日期：2023年3月25日\n会议通报了3月21日发生的一起事故。3月23日，县应急局召开安全生产会议。\n"
    meta, _ = describe_text(text)
    assert meta.date == "2023-03-23"


def test_a_speechs_date_under_its_title_is_the_meetings() -> None:
    text = "在全县春耕生产工作会议上的讲话\n发布日期：2023-03-01\n（2023年2月20日）\n县长 王明\n同志们：\n今天召开全县春耕生产工作会议。\n"
    meta, _ = describe_text(text)
    assert meta.title == "在全县春耕生产工作会议上的讲话"
    assert meta.date == "2023-02-20"


def test_a_date_named_without_a_meeting_and_no_page_date_is_no_date() -> None:
    meta, _ = describe_text("县政府召开常务会议\n会议审议通过《办法》，自2023年6月1日起施行。\n")
    assert meta.date is None


def test_a_link_with_a_day_is_the_pages_date() -> None:
    text = "县政府召开常务会议\n会议研究部署了春耕生产。\n原文链接：http://x.example.cn/xw/202301/t20230105_1.html\n"
    meta, _ = describe_text(text)
    assert meta.date == "2023-01-05"


# -- date, source and time lines are never a title ------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "2023-01-05 19:00 来源：县融媒体中心", "原创 县融媒 2023年01月05日 18:05", "原创 县融媒 2023-01-05 18:05 发表于山东",
        "来源：县融媒体中心", "2023年1月5日", "19:00",
    ],
)
def test_a_date_source_or_time_line_is_passed_over_for_the_title(line: str) -> None:
    title, body = split_title([line, "县政府召开常务会议", "1月4日，县政府召开常务会议。"])
    assert title == "县政府召开常务会议"
    assert body == [line, "1月4日，县政府召开常务会议。"]


@pytest.mark.parametrize("stamp", ["原创 县融媒 2023年01月05日 18:05", "原创 县融媒 王明 2023-01-05 18:05 发表于山东"])
def test_a_stamp_line_the_cleaning_keeps_is_no_title_and_gives_the_year(stamp: str) -> None:
    meta, _ = describe_text(f"{stamp}\n1月4日，县政府召开常务会议。\n会议要求，各乡镇抓好落实。\n")
    assert meta.title == "县政府召开常务会议", "the title is derived from the first sentence, not the stamp line"
    assert meta.date == "2023-01-04"


def test_a_two_line_title_stays_title_without_its_date_line() -> None:
    first = "县政府召开第十二次常务会议研究部署春耕生产农村人居环境整治高标准农田建设和安全生产工作"
    text = f"{first}\n等事项\n发布时间：2023-01-05 19:00\n1月4日，县政府召开常务会议。\n"
    meta, body = describe_text(text)
    assert meta.title == first + "等事项"
    assert body == ["1月4日，县政府召开常务会议。"]
    assert meta.date == "2023-01-04"
