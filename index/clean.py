"""Clean a decoded text into paragraphs: strip web and WeChat chrome, legal
boilerplate, promotions and pinyin glosses, and rejoin lines broken mid-sentence.

The rules look at a line's shape (length, punctuation, position) and at the
vocabulary sites use for chrome, never at particular documents' lines. Lines are
classified on their normalized form, so Traditional chrome (版權與免責聲明) goes too.
Labelled lines that are removed (信息来源, 原文链接, 记者 …) and the page's date lines
(2023-01-05 19:00 来源：…) are kept as fields for the metadata step.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from .normalize import compact, normalize, normalize_with_offsets

SENTENCE_END = "。！？!?；;…"
CLOSING_QUOTES = "”’」』\"'）)】》"
_CONTINUES = "，,、“‘「『（(《—-"
_DANGLING = "的地得和与及并或对在把将被向从为之"
"""Characters a title or caption never ends with: a short line ending in one is a broken sentence."""
_CJK = re.compile(r"[\u3400-\u9fff]")
URL = re.compile(r"https?://[^\s<>\"'，。）)】]+")

_TONE_MARKS = frozenset("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ")
_GLOSS = re.compile(r"(?<=[\u3400-\u9fff])(?:[^\S\n]*\n[^\S\n]*)?[（(]([a-zA-Züāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ]{1,7}[1-5]?)[)）]")
"""A parenthesized latin syllable right after a Chinese character, or first on the next line
(a line broken between 鄉 and (xiāng) would bring them together only once joined)."""

ENUMERATOR = re.compile(
    r"^(?:第[一二三四五六七八九十百]+(?:点意见|部分|章|节|条)?[，,、：:]?"
    r"|[一二三四五六七八九十]+[、.．]"
    r"|[（(][一二三四五六七八九十\d]+[)）]"
    r"|\d{1,2}[、.．](?!\d)"
    r"|[一二三四五六七八九十]+[是要])"
)

_CHROME_WORDS = re.compile(
    r"微信扫一扫|扫一扫|二维码|关注(?:该|本|我们的)?公众号|长按(?:识别|关注)|点击(?:上方|下方|蓝字|关注|阅读)"
    r"|阅读原文|查看全文|展开全文|朋友在看|看一看|分享到|分享至|打印本页|关闭窗口|返回顶部|上一篇|下一篇"
    r"|字号[:：]?[大中小]|在手机打开|收藏本页|全屏阅读"
)
_BUTTON_WORDS = re.compile(r"点赞|在看|分享|收藏|发送中|已发送|留言|转发")
"""Words of a share/like button bar; also common in sentences and headings (在看到成绩,
典型经验分享), so they mark chrome only on a line they make up most of."""
_ACCOUNT_LABEL = re.compile(r"^(?:微信号|功能介绍|公众号|账号主体)[:：]?$")
_FIELD_LABEL = re.compile(
    r"^[\[【]?(信息来源|来源|稿源|原文链接|原文地址|链接|出处|作者|记者|通讯员|责任编辑|编辑|责编|采编|校对|审核|审校|编审|"
    r"监制|摄影|摄像|图片|图/文|文/图|图文|出品|制作|统筹|策划|终审|初审|复审)[\]】]?\s*[:：|｜丨]\s*(.*)$"
)
_CREDIT_LINE = re.compile(r"(?:出品|制作|监制|编辑部)$")
_TAIL_CREDIT = re.compile(
    r"(?:采编|责任编辑|编辑|责编|监制|审核|校对|记者|通讯员|摄影|图/文|文/图|来源|作者)\s*[:：|｜丨]"
)
_LEGAL_HEAD = re.compile(r"免责声明|版权声明|版权所有|免责条款|法律声明|版权与免责")
_LEGAL_WORDS = re.compile(r"版权|转载|授权|著作权|免责|本网|本站|本公众号|侵权|联系删除|原作者|不代表本")
_NOTICE_WORDS = re.compile(r"转载|免责|本网|本站|本公众号|联系删除|原作者|不代表本")
"""Words only a site's own notice uses; copyright words alone may be a meeting's topic (知识产权保护)."""
_PROMO_START = re.compile(r"^[►▶▷➤☞👉👇⬇↓→■◆]")
_PROMO_WORDS = re.compile(
    r"这里找|分享会|免费领取|点击领取|领取|扫码|加微信|进群|加群|课程|训练营|广告|推荐阅读|往期回顾|往期推荐|相关阅读|延伸阅读|猜你喜欢|热门推荐"
)
_RELATED_TAIL = re.compile(r"^(?:推荐阅读|往期回顾|往期推荐|相关阅读|延伸阅读|猜你喜欢|热门推荐|相关新闻|相关链接|相关文章)[:：]?$")
_NOTICE_CLAUSE = re.compile(r"^(?:[①-⑳]|[（(]?\d{1,2}[)）、.．](?!\d))")
"""A numbered clause of a legal notice (①凡本网… / 2.如有…), matched on the line, not its key (NFKC makes ① a 1)."""
_MARKDOWN_PREFIX = re.compile(r"(?m)^(?:[^\S\n]*(?:#{1,6}[^\S\n]+|>[^\S\n]?|[-*+][^\S\n]+(?=\S)))+")
"""Heading, quote and list markers, nested ones (> > 引文, - - 要点) too; never across a line break."""
_STAMPED = re.compile(r"(?:\d{4}\s*[年\-/.]\s*\d{1,2}\s*[月\-/.]\s*\d{1,2}\s*日?|\d{1,2}:\d{2})$")
"""A line ending in a date or a time is a page's header (原创 章丘农业 2024年03月22日 18:05), not a broken sentence."""
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
_STAMP = re.compile(rf"(?<!\d)\d{{4}}\s*[年\-/.]\s*\d{{1,2}}\s*[月\-/.]\s*\d{{1,2}}\s*日?(?:\s*{_TIME})?(?![\d:])")
"""A page's date, with its time when it has one (2023-01-05 19:00, 2023年01月05日19:00:12), read on a normalized line."""
_WORD_STAMP = re.compile(rf"(?:^|\s)(?:{_STAMP.pattern}(?=\s|$)|(?<!\d){_TIME}$)")
"""A date standing as a word of its own, or a time ending a line: 原创 章丘农业 2024年03月22日 18:05 山东."""
_HEADER_LABEL = re.compile(
    r"(信息来源|来源|稿源|出处|作者|记者|通讯员|责任编辑|编辑|责编|(?:发布|更新|发稿|发表)?(?:日期|时间)"
    r"|浏览次数|点击数|阅读次数|访问量|浏览量|阅读量)\s*:"
)
"""Labels of a page's header fields, read on a normalized line (NFKC makes ： a colon)."""
_DATE_LABEL_ENDS = ("日期", "时间")
_DATE_LABEL = "日期"
"""The field an unlabelled page date (2023-01-05 19:00 来源：…) is kept as."""
_HEADER_SEPARATORS = " |/\\[]【】"
"""What stands between a header's fields (2023年01月05日 19:00 | 来源：人民网)."""
_SENTENCE_PUNCTUATION = re.compile(r"[，。；！？]")
_HEADER_CHARS = 100
_SHORT = 40
_OPENING_CHARS = 100
_NUMBERING_CHARS = 16
"""How much of a line's opening holds its outline number (第一百二十点意见 is the longest)."""
"""How much of a line the chrome rules read: chrome and notices show in their opening, and a
paragraph whose opening is complete needs no new check as more broken lines are joined to it."""


FOLD_BELOW_MEAN_CHARS = 8
FOLD_FROM_LINES = 1_000
"""A text of more lines than this whose lines hold fewer characters than ``FOLD_BELOW_MEAN_CHARS`` on
average is cut into lines as no report is (3 million one-character lines): its short lines are
folded (``fold_short_lines``) before anything is done per line, so what a text costs grows with
its characters, however it is cut into lines."""
FOLD_CHARS = 100
"""What a folded line holds at least: as much as a short paragraph (``chunk.MIN_CHUNK_CHARS``)."""


@dataclass
class CleanText:
    """A document's body as paragraphs, plus the labelled lines removed from it."""

    paragraphs: list[str]
    fields: dict[str, str] = field(default_factory=dict)
    urls: list[str] = field(default_factory=list)

    @property
    def page_dates(self) -> list[str]:
        """The page's own dates (发布时间：…, a line 2023-01-05 19:00 of its own), the first line's first."""
        return [value for label, value in self.fields.items() if label.endswith(_DATE_LABEL_ENDS)]


def strip_glosses(text: str) -> str:
    """Remove pinyin glosses such as ``鄉(xiāng)``.

    A parenthesized latin word after a Chinese character is a gloss when it carries
    a tone mark; untoned ones (``麼(me)``) only in a text that has several toned ones.
    """
    toned = sum(1 for syllable in _GLOSS.findall(text) if _TONE_MARKS & set(syllable))
    if not toned:
        return text

    def replace(match: re.Match[str]) -> str:
        syllable = match.group(1)
        is_gloss = bool(_TONE_MARKS & set(syllable)) or (toned >= 3 and syllable.islower())
        return "" if is_gloss else match.group(0)

    previous = None
    while text != previous:  # a gloss after a gloss (鄉(xiāng)(xiāng)) follows the character once the first is gone
        previous, text = text, _GLOSS.sub(replace, text)
    return text


def strip_markup(text: str) -> str:
    """Turn HTML or Markdown into plain lines (documents are sometimes saved as either).

    Repeated until nothing changes, as markup can hide markup: an escaped tag
    (&lt;p&gt;) is a tag once unescaped, bold inside bold (****要点****) is bold once stripped.
    """
    previous = None
    while text != previous:  # each change shortens the text, so this ends
        previous, text = text, _strip_markup_once(text)
    return text


def _strip_markup_once(text: str) -> str:
    if len(re.findall(r"</?(?:p|br|div|span|section|h\d|li|strong|b|em|a)\b[^>]*>", text, re.I)) >= 2:
        text = re.sub(r"(?i)<br\s*/?>|</(?:p|div|section|h\d|li)>", "\n", text)
        text = re.sub(r"(?s)<(script|style)\b.*?</\1>", "", text, flags=re.I)
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
    text = _MARKDOWN_PREFIX.sub("", text)
    # Emphasis may span a line break that cleaning later joins.
    text = re.sub(r"(?s)\*\*(.+?)\*\*|__(.+?)__", lambda m: m.group(1) or m.group(2), text)
    return re.sub(r"\[([^\]]+)\]\s*\((https?://[^)]+)\)", r"\1 \2", text)


def _numbered(line: str) -> bool:
    """Whether ``line`` opens with an outline number, read on its normalized opening (第二點意見 too)."""
    return bool(ENUMERATOR.match(normalize(line[:_NUMBERING_CHARS])))


def is_heading(line: str) -> bool:
    """A numbered outline line (一、… / 第二点意见 / （三）…) that stands as its own paragraph."""
    text = line.strip()
    return _numbered(text) and len(text) <= 80 and not text.endswith(tuple(_CONTINUES))


def ends_sentence(line: str) -> bool:
    stripped = line.rstrip(CLOSING_QUOTES)
    return line.endswith(tuple(SENTENCE_END + "：:")) or (stripped != line and stripped.endswith(tuple(SENTENCE_END)))


def _should_join(previous: str, line: str) -> bool:
    """True when ``line`` continues the sentence ``previous`` broke off."""
    if ends_sentence(previous) or is_heading(previous) or _numbered(line):
        return False
    # Only the end of ``previous`` is looked at (a paragraph joined from many lines is looked at
    # once per line): a stamp it ends in is short, and a short line is all of it.
    if _STAMPED.search(previous[-_SHORT:]) or _is_dated_line(previous):
        return False
    if previous.endswith(tuple(_CONTINUES)):
        return True
    # A short line without punctuation is a title or caption, not a broken sentence.
    return len(previous) > _SHORT or normalize(previous[-1:]) in _DANGLING or bool(re.search(r"[，,、；;：:。！？“”]", previous))


_SENTENCE_BOUNDARY = re.compile(f"[{SENTENCE_END}][{re.escape(CLOSING_QUOTES)}]*")


def _cut_tail_credit(paragraph: str) -> str:
    """Drop credits glued after a paragraph's last sentence (…发言。采编：张三 编辑：李四)."""
    boundaries = list(_SENTENCE_BOUNDARY.finditer(paragraph))
    if not boundaries:
        return paragraph
    body_end = boundaries[-1].end()
    tail = compact(paragraph[body_end:])
    return paragraph[:body_end] if tail and _TAIL_CREDIT.match(tail) else paragraph


def _is_button_bar(key: str) -> bool:
    """A short line made up mostly of button words (分享 收藏 点赞 在看)."""
    words = sum(len(match) for match in _BUTTON_WORDS.findall(key))
    letters = sum(1 for char in key if char.isalnum())
    return words > 0 and words * 2 >= letters


def _has_text(line: str) -> bool:
    """Whether ``line`` holds Chinese, looked for beyond its opening only when need be."""
    opening = line[:_OPENING_CHARS]
    return bool(_CJK.search(compact(opening)) or (len(line) > len(opening) and _CJK.search(compact(line))))


def _field(key: str, opening: str) -> re.Match[str] | None:
    """The label and value of a labelled line (信息来源：…, 记者|…), given its ``opening`` and that
    opening's compact ``key``: a short line, or one with a link."""
    labelled = _FIELD_LABEL.match(key)
    return labelled if labelled and (len(key) <= 60 or URL.search(opening)) else None


def _header_fields(line: str) -> list[tuple[str, str]]:
    """The fields of a page's header line, or [] for any other line.

    A header is made of the page's date (2023-01-05 19:00, kept as 日期 unless labelled 发布时间：…)
    and labelled values (来源：… 作者：… 浏览次数：) and nothing else: it holds a date or at least two
    fields (a line of one labelled value is ``_field``'s). So a sentence that opens with a date
    (2023年1月5日，县委召开…) is no header, nor is a notice's 会议时间：2023年3月4日上午9:00.
    """
    if len(line) > _HEADER_CHARS or _SENTENCE_PUNCTUATION.search(line):
        return []
    key, offsets = normalize_with_offsets(line)
    marks = sorted(
        [(m.start(), m.end(), m[1]) for m in _HEADER_LABEL.finditer(key)]
        + [(m.start(), m.end(), "") for m in _STAMP.finditer(key)]
    )
    spans: list[tuple[str, int, int]] = []  # each field's label and where its value is in ``key``
    labelled = False  # whether the text since the last mark is a label's value
    position = 0
    for start, end, label in marks:
        between = key[position:start].strip(_HEADER_SEPARATORS)
        if between and not labelled:
            return []
        if labelled and not label and not between and spans[-1][0].endswith(_DATE_LABEL_ENDS):
            spans[-1] = (spans[-1][0], start, end)  # 发布时间：2023-01-05
            labelled = False
        else:
            if labelled:
                spans[-1] = (spans[-1][0], spans[-1][1], start)
            spans.append((label, end, len(key)) if label else (_DATE_LABEL, start, end))
            labelled = bool(label)
        position = end
    if not labelled and key[position:].strip(_HEADER_SEPARATORS):
        return []
    if len(spans) < 2 and all(label for _, _, label in marks):  # no date
        return []
    return [(label, _original(line, offsets, start, end)) for label, start, end in spans]


def _original(line: str, offsets: list[int], start: int, end: int) -> str:
    """The text of ``line`` that its normalized key's ``start``:``end`` came from, without separators."""
    return line[offsets[start] : offsets[end - 1] + 1].strip(_HEADER_SEPARATORS) if end > start else ""


def is_header_line(line: str) -> bool:
    """Whether ``line`` is a page's date, source or credit line, never a title or a sentence: a
    header (2023-01-05 19:00 来源：央视网), a labelled line (来源：央视网), or a short line with the
    page's date as a word of its own (原创 章丘农业 2024年03月22日 18:05 发表于山东).

    Cleaning keeps the last as body, since a line of words and a date may be one (乡村振兴 2024年3月5日)."""
    opening = line[:_OPENING_CHARS]
    return bool(_header_fields(line) or _field(compact(opening), opening)) or _is_dated_line(line)


def _is_dated_line(line: str) -> bool:
    """A short line, no sentence, with a date as a word of its own or ending in a time
    (原创 章丘农业 2024年03月22日 18:05 发表于山东): the next line never continues it."""
    short = len(line) <= _SHORT and not _SENTENCE_PUNCTUATION.search(line)
    return short and bool(_WORD_STAMP.search(normalize(line)))


def _reads_as_body(text: str) -> bool:
    """Whether the line rules keep ``text`` (which holds Chinese) as body, whatever precedes it.

    A paragraph joined from broken lines, or cut back to before its credits, must pass them as
    its lines did, or cleaning the cleaned text would drop it: 规范版权转载， / 加强授权管理。
    hold three notice words only once joined, 查看全文。采编：… is chrome once cut, 2024年 / 1月5日
    is a page's date once joined.
    """
    opening = text[:_OPENING_CHARS]
    key = compact(opening)
    return (
        not _field(key, opening) and not _RELATED_TAIL.match(key) and _classify(key) is None and not _header_fields(text)
    )


def _classify(key: str) -> str | None:
    """Why a line holding Chinese (given as its opening's compact key) is chrome, or None for body text."""
    if _LEGAL_HEAD.search(key[:16]) or (len(set(_LEGAL_WORDS.findall(key))) >= 3 and _NOTICE_WORDS.search(key)):
        return "legal"
    if _ACCOUNT_LABEL.match(key):
        return "account"
    short = len(key) <= _SHORT and not ends_sentence(key)
    if _PROMO_START.match(key) and len(key) <= _SHORT:
        return "promo"
    if len(key) <= _SHORT and _CHROME_WORDS.search(key):
        return "chrome"
    if short and _is_button_bar(key):
        return "chrome"
    if short and not is_heading(key) and (_PROMO_WORDS.search(key) or _CREDIT_LINE.search(key)):
        return "promo"
    return None


def fold_short_lines(lines: list[str]) -> list[str]:
    """Lines (stripped) with each run of lines shorter than ``FOLD_CHARS`` joined by spaces into lines of at
    least that length, blank lines inside a run dropped: no two short lines follow each other, so there
    are at most two lines per ``FOLD_CHARS`` characters."""
    folded: list[str] = []
    blank = False
    for line in lines:
        if not line:
            blank = True
            continue
        if folded and folded[-1] and len(folded[-1]) < FOLD_CHARS and len(line) < FOLD_CHARS:
            folded[-1] += " " + line
        else:
            if blank and folded:
                folded.append("")
            folded.append(line)
        blank = False
    return folded


def _cut_into_tiny_lines(text: str, lines: int) -> bool:
    return lines > FOLD_FROM_LINES and len(text) - (lines - 1) < lines * FOLD_BELOW_MEAN_CHARS


def clean(text: str) -> CleanText:
    """Clean a decoded document text into body paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _cut_into_tiny_lines(text, text.count("\n") + 1):
        text = "\n".join(fold_short_lines([line.strip() for line in text.split("\n")]))
    text = strip_glosses(strip_markup(text))
    lines = [re.sub(r"[ \t\u3000\u00a0]+", " ", line).strip() for line in text.split("\n")]
    result = CleanText(paragraphs=[])
    kept: list[str | None] = []  # None marks a paragraph break
    skip_next = False
    in_legal = False
    tails: list[tuple[int, int, dict[str, str]]] = []
    for line in lines:
        if not line:
            kept.append(None)
            continue
        opening = line[:_OPENING_CHARS]
        key = compact(opening)
        result.urls.extend(URL.findall(line))
        header = _header_fields(line)
        if header:
            for label, value in header:
                result.fields.setdefault(label, value)
            kept.append(None)
            continue
        labelled = _field(key, opening)
        if labelled:
            label, value = labelled.groups()
            original_value = re.split(r"[:：|｜丨]", line, maxsplit=1)[-1].strip()
            result.fields.setdefault(label, original_value or value)
            kept.append(None)
            continue
        if _RELATED_TAIL.match(key):
            tails.append((len(kept), len(result.urls), dict(result.fields)))
            kept.append(None)
            continue
        reason = _classify(key) if _has_text(line) else "no-text"
        if in_legal and (reason or _LEGAL_WORDS.search(key) or _NOTICE_CLAUSE.match(line)):
            continue
        in_legal = reason == "legal"
        if skip_next and len(key) <= _SHORT:
            skip_next = False
            continue
        skip_next = reason == "account"
        if reason:
            kept.append(None)
            continue
        kept.append(line)
    _cut_related_tail(kept, result, tails)
    result.paragraphs = _join_lines(kept)
    return result


def _cut_related_tail(kept: list[str | None], result: CleanText, tails: list[tuple[int, int, dict[str, str]]]) -> None:
    """Cut ``kept`` (and the links and fields found since) at the first related-reading label
    (相关新闻) after which only headlines were kept: the article ended there. A label that body
    sentences follow stood in a sidebar. ``tails`` holds, for each label, how many lines, links
    and which fields there were before it.

    Deciding by what is kept after the label, rather than by where the label stands, makes
    the same cut when the cleaned text is cleaned again (its chrome gone, the label would stand elsewhere).
    """
    last_sentence = max((index for index, line in enumerate(kept) if line and ends_sentence(line)), default=-1)
    for lines, links, fields in tails:
        if lines > last_sentence:
            del kept[lines:]
            del result.urls[links:]
            result.fields = fields
            return


def _join_lines(lines: list[str | None]) -> list[str]:
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        if line is None:
            if current:
                paragraphs.append(current)
            current = ""
        elif current and _should_join(current, line) and (
            len(current) >= _OPENING_CHARS or _reads_as_body(current + line)  # else the opening is the same
        ):
            current += line
        else:
            if current:
                paragraphs.append(current)
            current = line
    if current:
        paragraphs.append(current)
    # A paragraph cut back to what precedes its credits may have no text left (&amp;编辑：李四).
    cuts = ((paragraph, _cut_tail_credit(paragraph)) for paragraph in paragraphs)
    return [cut for paragraph, cut in cuts if cut == paragraph or (_has_text(cut) and _reads_as_body(cut))]
