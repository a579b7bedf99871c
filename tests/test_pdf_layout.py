"""index/pdf_layout.py: paragraphs from line geometry, page furniture, spaces of a text layer."""

from __future__ import annotations

from index.pdf_layout import Line, drop_spaces, is_page_number, paragraphs, strip_furniture

LEFT, RIGHT, SIZE, PITCH = 90.0, 522.0, 16.0, 26.0


def _line(text: str, row: int, indent: bool = False, end: float = RIGHT, size: float = SIZE, left: float | None = None,
          gap: float = 0.0) -> Line:
    """A line on ``row`` of a page laid out like an office's: 16 pt, 26 pt apart, two-character indent."""
    x0 = left if left is not None else LEFT + (2 * SIZE if indent else 0)
    top = 60 + row * PITCH + gap
    return Line(text, x0, end, top, top + size, size)


def _texts(pages: list[list[Line]]) -> list[str]:
    return [block.text for block in paragraphs(pages)]


def test_a_wrapped_line_starting_with_a_point_word_continues_its_paragraph() -> None:
    page = [
        _line("会议强调，要把农田水利建设作为重中之重来抓。", 0, indent=True),
        _line("一是抓紧推进高标准农田建设，确保明年春耕前完", 1),
        _line("工验收。", 2, end=LEFT + 4 * SIZE),
        _line("二是加快灌区续建配套。", 3, indent=True, end=LEFT + 13 * SIZE),
    ]
    assert _texts([page]) == [
        "会议强调，要把农田水利建设作为重中之重来抓。一是抓紧推进高标准农田建设，确保明年春耕前完工验收。",
        "二是加快灌区续建配套。",
    ]


def test_a_paragraph_starts_after_a_short_line_without_any_indent() -> None:
    """A plain text imported by an office suite: no indents, a paragraph ends where its line stops short."""
    page = [
        _line("第一，要加快施工进度，剩余3个小区10月底前全部", 0),
        _line("开工。", 1, end=LEFT + 3 * SIZE),
        _line("第二，要加强施工现场管理，合理安排作业时间，夜", 2),
        _line("间不得施工。", 3, end=LEFT + 6 * SIZE),
    ]
    assert _texts([page]) == ["第一，要加快施工进度，剩余3个小区10月底前全部开工。", "第二，要加强施工现场管理，合理安排作业时间，夜间不得施工。"]


def test_a_line_short_by_a_latin_word_that_did_not_fit_is_wrapped() -> None:
    page = [
        _line("要突出人居环境整治，持续推进农", 0, end=RIGHT - 4 * SIZE),
        _line("(nóng)村生活污水治理，完善村庄道路。", 1, end=LEFT + 18 * SIZE),
        _line("会议要求各部门压实责任。", 2, end=LEFT + 12 * SIZE),
    ]
    assert _texts([page]) == ["要突出人居环境整治，持续推进农(nóng)村生活污水治理，完善村庄道路。", "会议要求各部门压实责任。"]


def test_a_gap_wider_than_the_line_pitch_starts_a_paragraph() -> None:
    page = [_line("会议听取了各乡镇工作汇报并就下一步工作作了安", row) for row in range(3)]
    page.append(_line("会议要求各部门压实责任确保各项任务按期完成到", 3, gap=PITCH))
    assert [block.set_apart for block in paragraphs([page])] == [True, True]


def test_a_title_over_two_lines_is_one_paragraph_and_the_body_is_another() -> None:
    title = 22.0
    page = [
        _line("城南街道召开", 0, size=title, left=240, end=372),
        Line("2025年老旧小区改造推进会", 92, 520, 60 + 1.7 * PITCH, 60 + 1.7 * PITCH + title, title),
        _line("9月3日上午，城南街道召开老旧小区改造推进会。", 3, indent=True, end=LEFT + 20 * SIZE),
    ]
    assert _texts([page]) == ["城南街道召开2025年老旧小区改造推进会", "9月3日上午，城南街道召开老旧小区改造推进会。"]
    assert paragraphs([page])[1].set_apart, "a change of font size sets the body apart from the title"


def test_a_paragraph_runs_on_across_a_page_break_and_starts_on_its_first_page() -> None:
    first = [_line("会议要求，各社区要发挥居民议事会作用，对改造方", 0, indent=True)]
    second = [_line("案逐户上门征求意见。", 0, end=LEFT + 10 * SIZE), _line("会议还就物业服务作了部署。", 1, indent=True)]
    assert [(block.page, block.text) for block in paragraphs([first, second])] == [
        (0, "会议要求，各社区要发挥居民议事会作用，对改造方案逐户上门征求意见。"), (1, "会议还就物业服务作了部署。")
    ]


def test_page_numbers_and_running_headers_are_dropped_and_body_lines_kept() -> None:
    bodies = [("会议通报了今年老旧小区改造的进展情况，截至目前", "已开工14个。"),
              ("会议要求各社区发挥居民议事会作用，逐户上门征求", "意见。"), ("会议还就物业服务质量提升作了部署，要开展星级", "评定。")]
    pages = [
        [
            _line(f"城南街道办事处 {number}", 0, left=250, end=362),
            _line(first, 1, indent=True),
            _line(last, 2, end=LEFT + 7 * SIZE),
            _line(f"第{number}页 共3页", 24, left=250, end=362),
        ]
        for number, (first, last) in enumerate(bodies, start=1)
    ]
    assert _texts(strip_furniture(pages)) == ["".join(body) for body in bodies]


def test_page_number_shapes() -> None:
    for text in ("— 3 —", "- 12 -", "3", "第3页", "共12页", "第 3 页 共 12 页", "3/12", "Page 3"):
        assert is_page_number(text), text
    for text in ("第三，要加强管理。", "2025年9月3日", "共建共享", "3个小区"):
        assert not is_page_number(text), text


def test_spaces_a_text_layer_puts_between_chinese_and_digits_are_dropped() -> None:
    assert drop_spaces("2025 年 全县 粮食 播种 面积 162.23 万亩") == "2025年全县粮食播种面积162.23万亩"
    assert drop_spaces("PP-OCR v4 模型") == "PP-OCR v4模型"
