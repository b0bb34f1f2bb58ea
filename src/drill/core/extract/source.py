"""Reading a speech as it was scraped: bytes → text, boilerplate, sentences.

The decoded text is kept exactly as it is (for display and provenance).
Finding works on a *folded* copy of the same length (simplified characters,
one spelling of punctuation) in which boilerplate is blanked out with
spaces, so every offset found there is an offset into the original.
"""

from __future__ import annotations

import html.entities
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from drill.core import files
from drill.core.errors import DrillError
from drill.core.text import fold, fold_width, is_cjk

# A speech is tens of kilobytes; anything past this is not a speech.
MAX_BYTES = 8 * 1024 * 1024


# --------------------------------------------------------------------------
# decoding


def _common_share(text: str) -> float:
    """Share of CJK characters that are among the ~3,750 most common ones.

    Big5 bytes read as GB18030 (or the reverse) still decode, but into rare
    characters; the right reading is the one made of common characters.
    """
    cjk = [c for c in text if is_cjk(c)]
    if not cjk:
        return 0.0
    common = 0
    for ch in fold("".join(cjk)):
        try:
            encoded = ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        if 0xB0 <= encoded[0] <= 0xD7:  # GB2312 level 1: the common characters
            common += 1
    return common / len(cjk)


def decode(data: bytes, path: str | Path = "<bytes>") -> tuple[str, str]:
    """Decode a scraped file: UTF-8 (BOM or not), UTF-16 with BOM, GB18030/GBK or Big5.

    Returns ``(text, encoding)``; raises :class:`DrillError` for a file that is
    empty, binary, or in none of these encodings.
    """
    if not data.strip():
        raise DrillError("the file is empty", path)
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data, "utf-8-sig", path), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", path), "utf-16"
    if b"\x00" in data[:65536]:
        raise DrillError("this is a binary file, not a text file", path)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    readings: list[tuple[float, str, str]] = []
    for codec, name in (("gb18030", "gb18030"), ("cp950", "big5")):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        readings.append((_common_share(text), name, text))
    if not readings:
        # A few broken bytes in an otherwise Chinese file: read it anyway.
        for codec, name in (("gb18030", "gb18030"), ("cp950", "big5")):
            text = data.decode(codec, errors="replace")
            if text.count("\ufffd") <= max(2, len(text) // 200):
                readings.append((_common_share(text), name, text))
    if not readings:
        raise DrillError("cannot decode the file: it is not UTF-8, GB18030 or Big5 text", path)
    score, name, text = max(readings)
    if _control_share(text) > 0.01:
        raise DrillError("this is a binary file, not a text file", path)
    return text, name


def _strict(data: bytes, codec: str, path) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise DrillError(f"cannot decode the file as {codec}: {exc.reason} at byte {exc.start}",
                         path) from None


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for c in text if (ord(c) < 32 and c not in "\n\r\t\f") or c == "\ufffd")
    return bad / len(text)


def read_limited(path: str | Path, limit: int | None = None, what: str = "a text file") -> bytes:
    """A file's bytes, at most ``limit`` (default :data:`MAX_BYTES`): see
    :func:`drill.core.files.read_limited`."""
    return files.read_limited(path, MAX_BYTES if limit is None else limit, what)


def read_text(path: str | Path) -> tuple[str, str]:
    """Read and decode a speech file, with a one-line error for every bad case."""
    data = read_limited(path)
    text, encoding = decode(data, path)
    if _control_share(text) > 0.01:
        raise DrillError("this is a binary file, not a text file", path)
    # One newline convention; offsets refer to this text.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, encoding


# --------------------------------------------------------------------------
# HTML left in scraped text

# Tags that end a line or a block: they act as a line break.
_BLOCK_TAGS = (
    "br|p|div|tr|td|th|li|ul|ol|dl|dt|dd|table|tbody|thead|tfoot|caption|h[1-6]|hr|blockquote|"
    "pre|section|article|header|footer|nav|aside|main|center|form|figure|figcaption|address|"
    "html|head|body|title|meta|link|iframe|select|option|textarea|frameset|frame|noscript|"
    "script|style"
)
# What a script or a style holds is no text either, up to its closing tag.
_CLOSE_HIDDEN = re.compile(r"</(script|style)\s*>", re.I)
# Tags inside a line: they vanish.
_INLINE_TAGS = (
    "span|font|a|b|i|u|s|em|strong|strike|del|ins|mark|small|big|sup|sub|tt|code|kbd|var|"
    "abbr|acronym|cite|q|label|input|button|img|nobr|wbr|bdo|o:p|(?:st1|v|w|o):[a-z]+"
)
_TAG_NAME = rf"(?P<name>{_BLOCK_TAGS}|{_INLINE_TAGS})"
_MARKUP = re.compile(
    r"(?P<comment><!--.{0,2000}?-->|<![a-z][^<>]{0,400}>|<\?xml[^<>]{0,400}>)"
    rf"|(?P<tag></?\s*{_TAG_NAME}(?=[\s/>])[^<>]{{0,400}}>)"
    # a tag escaped once more (&lt;BR&gt;) is shown as a tag, and is one
    rf"|(?P<etag>&(?:amp;)?lt;/?\s*(?P<ename>{_BLOCK_TAGS}|{_INLINE_TAGS})(?=[\s/&])(?:[^<>\n&]|&(?:amp;)?quot;){{0,400}}&(?:amp;)?gt;)"
    r"|(?P<entity>&(?:amp;)?(?P<ref>#[0-9]{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31})(?P<semi>;?))",
    re.I | re.S,
)
_BLOCK_NAME = re.compile(rf"(?:{_BLOCK_TAGS})$", re.I)
# Entities written without their semicolon that are still read as entities.
_BARE_ENTITIES = {"nbsp", "amp", "lt", "gt", "quot"}
# Opening marks are folded at the entity's end, next to what they open
# (&ldquo;三抓三促&rdquo; folds to “三抓三促” with the quotes touching it).
_OPENING = set("“《(【[〔")


def _entity_char(ref: str, semi: str) -> str | None:
    """The character an entity stands for, or None if it is no entity."""
    if ref.startswith("#"):
        try:
            code = int(ref[2:], 16) if ref[1:2] in "xX" else int(ref[1:])
        except ValueError:
            return None
        if not 0 < code < 0x110000 or 0xD800 <= code < 0xE000:
            return None
        return chr(code)
    if semi:
        value = html.entities.html5.get(ref + ";") or html.entities.html5.get(ref.lower() + ";")
    else:
        value = html.entities.html5.get(ref.lower()) if ref.lower() in _BARE_ENTITIES else None
    return value if value is not None and len(value) == 1 else None


def _fold_markup(folded: str) -> tuple[list[str], list[tuple[int, int, str]]]:
    """The folded text with HTML tags and entities folded out, and where each was.

    A tag that ends a line or a block (<br>, <p>, </td>) folds to a line break
    followed by blanks, an inline one (<span>, <b>) to blanks. An entity folds
    to the character it stands for, in one of its places, the rest blanked;
    a space (&nbsp;) to blanks. Each piece is returned as (start, end, what it
    shows as): nothing for a tag, the character for an entity.
    """
    chars = list(folded)
    pieces: list[tuple[int, int, str]] = []
    if "<" not in folded and "&" not in folded:
        return chars, pieces
    closing: dict[str, list[int]] = {}  # where each </script> and </style> ends
    for m in _CLOSE_HIDDEN.finditer(folded):
        closing.setdefault(m.group(1).lower(), []).append(m.end())
    skip = 0
    for m in _MARKUP.finditer(folded):
        a, b = m.span()
        if a < skip:
            continue  # inside a script or style already folded out
        name = (m.group("name") or "").lower()
        if name in ("script", "style") and not m.group(0).startswith("</"):
            ends = closing.get(name, [])
            i = bisect_left(ends, b + 1)
            if i < len(ends):
                b = skip = ends[i]
        shown = ""
        if m.group("entity") is not None:
            ch = _entity_char(m.group("ref"), m.group("semi"))
            if ch is None:
                continue
            for i in range(a, b):
                chars[i] = " "
            if ch.isspace() or ch in "\u200b\ufeff":
                shown = " " if ch.isspace() else ""
            else:
                f = fold(ch) if is_cjk(ch) else fold_width(ch)  # OpenCC only for a character
                f = f if len(f) == 1 and f != "\n" else " "
                chars[b - 1 if f in _OPENING else a] = f
                shown = ch
        else:
            name = m.group("name") or m.group("ename") or ""
            for i in range(a, b):
                if chars[i] != "\n":
                    chars[i] = " "
            if (m.group("tag") or m.group("etag")) and _BLOCK_NAME.match(name):
                chars[a] = "\n"
        pieces.append((a, b, shown))
    return chars, pieces


# --------------------------------------------------------------------------
# boilerplate

# A line that is only a page number: 12, - 12 -, 第12页, 第2页 共10页, 2/10.
_PAGE_NUMBER = re.compile(
    r"^[-_~\s]*(?:\d{1,4}|第\s*\d{1,4}\s*页(?:\s*[,/]?\s*共\s*\d{1,4}\s*页)?|"
    r"共\s*\d{1,4}\s*页\s*[,/]?\s*第\s*\d{1,4}\s*页|\d{1,4}\s*/\s*\d{1,4}|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)"
    r"[-_~\s]*$", re.I)
# A line that is only a list number (1、 ⑴ ①): the item follows on the next
# line, unless it is a page number that broke a sentence.
_BARE_MARKER = re.compile(r"^(?:\d{1,2}\s*[、.]|\(\s*\d{1,2}\s*\)|[①-⑳])$")
# Characters that show nothing (a page break scraped as a zero-width space).
_INVISIBLE = set("\u200b\u200c\u200d\u2060\ufeff\u00ad")
# A page number set apart by spaces in the middle of a word (加强组 12 织领导).
_INLINE_PAGE = re.compile(r"(?<=[\u4e00-\u9fff])[ \t]+\d{1,4}[ \t]+(?=[\u4e00-\u9fff])")
# Running text is longer than a heading or a title.
_RUNNING_MIN = 40
_END_MARKS = set("。!?:;”)》…")
_CONTINUES = set(",、;:。!?”)》")
_OPENS_ITEM = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、是要]|\(|第[一二三四五六七八九十]|\d{1,2}[、.]|"
                         r"首先|其次|最后|[①-⑳]|-)")
# Site chrome: navigation and account links standing alone on their line.
_CHROME = re.compile(
    r"^(?:[\s|/·>»\[\]【】,、-]*(?:网站首页|返回首页|首页|我的文档|我的文库|我的收藏|我的下载|我的主页|"
    r"个人中心|会员中心|用户中心|帮助中心|用户登录|会员登录|登录|登陆|免费注册|注册|退出|上传文档|"
    r"文档分类|全部分类|高级搜索|搜索|设为首页|加入收藏|收藏本页|收藏|打印本页|打印本文|打印|关闭窗口|"
    r"关闭本页|关闭|返回顶部|返回|举报|分享|下载|手机版|移动版|电脑版|网站地图|网站导航|联系我们|"
    r"关于我们|意见反馈|在线投稿|投稿|上一页|下一页|尾页|更多|发表评论|我要评论|评论|会员|"
    r"vip|qq|微博|微信))+[\s|/·>»\[\]【】,、-]*$", re.I)
# A line that is only a site's name: 三七文档, 某某文库, 某某范文网.
_SITE_NAME = re.compile(r"^[\u4e00-\u9fffa-z0-9]{1,8}(?:文档|文库|范文网|资料网|文秘网|公文网|写作网)$", re.I)

_WHOLE_LINE = [
    ("welcome", re.compile(r"^(您好|你好)?[,]?\s*欢迎(访问|光临|来到)")),
    ("location", re.compile(r"当前位置|您的位置|你的位置|所在位置|现在的位置")),
    ("breadcrumb", re.compile(r"^\s*首页\s*[>»›/]|[>»›]\s*\S+\s*[>»›]")),
    ("byline", re.compile(
        r"^\s*(来源|文章来源|信息来源|稿件来源|作者|发布时间|发表时间|发布日期|更新时间|上传时间|"
        r"日期|时间|浏览次数|浏览|阅读量|阅读|点击数|点击|字号|编辑|责任编辑|审核|录入|网友发表时间|"
        r"网友发表|分类|栏目|标签)\s*[:]")),
    ("byline", re.compile(r"^\s*(网友发表时间|发布时间|发表时间|发布于|字号\s*[大中小])")),
    ("copyright", re.compile(
        r"版权所有|版权声明|copyright|©|all rights reserved|icp备|icp证|备案号|公网安备|"
        r"未经授权|未经许可|禁止复制|严禁转载|转载请注明|免责声明|powered by|技术支持[:]", re.I)),
    ("download", re.compile(
        r"此处隐藏|下载后查看|下载文档|立即下载|点击下载|下载本文|免费下载|全文阅读|展开全文|阅读全文|"
        r"查看全文|剩余\d+字|收藏本文|分享到|扫一扫|微信扫码|关注公众号|本文标题[:]|链接地址[:]|"
        r"原文链接|本文链接|文章链接|本文地址|网址[:]")),
    ("site chrome", _CHROME),
    ("site chrome", _SITE_NAME),
    ("promo", re.compile(
        r"小编(为大家|整理|给大家)|供大家参考|希望对(您|你|大家)有所帮助|喜欢就复制|欢迎下载|"
        r"【参考材料】|以下(精品)?资料|本站|文章由.{0,10}(整理|分享)|阿拉范文|范文网|文档网|秘书网|"
        r"写作网|资料网|文库")),
]

_RELATED_HEADER = re.compile(
    r"^\s*(相关推荐|相关文章|相关阅读|相关文档|相关范文|相关资料|相关热搜|热门文档|热门标签|热门推荐|"
    r"热门文章|推荐访问|推荐阅读|推荐文章|延伸阅读|猜你喜欢|上一篇|下一篇|最新文章|精选文章|"
    r"大家都在看|更多相关|热搜|相关搜索)")

# Forum anti-copy junk: runs of short ASCII tokens ("4 d0 L2 Z& v4 N3 }&").
_ASCII_JUNK = re.compile(r"(?:[!-~]{1,3}[ \t]){3,}[!-~]{0,3}")
# A host name's label is at most 63 characters: bounded, so that a long run
# of letters and hyphens is not scanned again from each of its places.
_URL = re.compile(r"https?://\S+|www\.[\w.-]+\S*|\b[\w-]{1,63}\.(?:com|cn|net|org|html?)\b\S*", re.I)
# From the start of the dashes and blanks before it, never from inside them.
_HIDDEN = re.compile(r"(?<![-\s])[-\s]*此处隐藏\s*\d*\s*字.{0,12}?(下载后查看|查看)?\s*-*")

# A licence notice after the text (本作品是…的法律、法规…属于公有领域): it
# starts a line with 本作品, names a licence or copyright within its first
# few hundred characters, and runs over short lines to the end of its
# sentence or the next blank line.
# Near the end of the text it is the page's footer: every short line after
# it goes too (注：…社群认为…不总是具有立法、行政、司法性质的文件).
_LICENCE_START = re.compile(r"^本作品(?:是|在|采用|以|依|根据|属于|由|遵循|使用|适用|不)")
_LICENCE_WORDS = re.compile(r"著作权|版权|公有领域|许可协议|知识共享|public domain|creative commons", re.I)
_LICENCE_REACH = 400
_FOOTER_REACH = 2000

# Long lines are speech, whatever words they contain: boilerplate is short.
_BOILERPLATE_MAX = 120


@dataclass
class Sentence:
    start: int
    end: int  # exclusive; the end punctuation (and a closing quote) is inside
    para: int  # index of the paragraph (line)


_BLANKS = re.compile(r" +")
# Spans this long have their original text remembered.
_REMEMBER_FROM = 200


# A quote runs from the sentence of a framework's first item to that of its
# last; across paragraphs, only when the run is at most this long (a list of
# paragraph heads is quoted by its first).
QUOTE_RUN_MAX = 200


@dataclass(frozen=True)
class Reading:
    """A speech as it reads, and where each of its characters comes from:
    ``text[i]`` stands for ``source.text[starts[i]:ends[i]]``."""

    text: str
    starts: list[int]
    ends: list[int]

    def at(self, offset: int) -> int:
        """The index in the reading of the first character at or after
        ``offset`` of the speech's text."""
        return bisect_left(self.starts, offset)

    def span(self, a: int, b: int) -> tuple[int, int]:
        """The text's span that the reading's ``a:b`` stands for."""
        if b <= a:
            at = self.starts[a] if a < len(self.starts) else (self.ends[-1] if self.ends else 0)
            return at, at
        return self.starts[a], self.ends[b - 1]

    def find(self, words: str, near: int = 0) -> tuple[int, int] | None:
        """Where ``words`` stand in the speech's text: the first place at or
        after ``near`` (an offset of the text), else the last one before it.
        The words may run across a page break or a tag."""
        if not words:
            return None
        i = self.at(near)
        at = self.text.find(words, i)
        if at < 0:
            at = self.text.rfind(words, 0, i + len(words) - 1)
        if at < 0:
            return None
        return self.span(at, at + len(words))

    def occurrences(self, words: str) -> list[tuple[int, int]]:
        """Every place ``words`` stand in the speech's text."""
        out, at = [], self.text.find(words) if words else -1
        while at >= 0:
            out.append(self.span(at, at + len(words)))
            at = self.text.find(words, at + 1)
        return out


@dataclass
class Source:
    path: str
    text: str  # exactly as decoded (newlines normalised)
    encoding: str
    folded: str  # same length: simplified, punctuation folded, boilerplate blanked
    title: str = ""
    dropped: list[tuple[int, str, str]] = field(default_factory=list)  # (line, reason, text)
    sentences: list[Sentence] = field(default_factory=list)
    paragraphs: list[tuple[int, int]] = field(default_factory=list)
    # HTML folded out of the text: (start, end, what it shows as), in order
    markup: list[tuple[int, int, str]] = field(default_factory=list)
    _index: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def _starts(self, what: str) -> list[int]:
        """Sorted starts of the sentences, paragraphs, markup or lines, built once."""
        found = self._index.get(what)
        if found is None or (what == "sentences" and len(found) != len(self.sentences)) \
                or (what == "paragraphs" and len(found) != len(self.paragraphs)):
            if what == "sentences":
                found = [s.start for s in self.sentences]
            elif what == "paragraphs":
                found = [a for a, _ in self.paragraphs]
            elif what == "markup":
                found = [a for a, _, _ in self.markup]
            else:
                found = [0] + [i + 1 for i, ch in enumerate(self.text) if ch == "\n"]
            self._index[what] = found
        return found

    def _markup_in(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """The markup pieces that overlap (start, end)."""
        if not self.markup:
            return []
        starts = self._starts("markup")
        i = max(0, bisect_right(starts, start) - 1)
        out = []
        while i < len(self.markup) and self.markup[i][0] < end:
            if self.markup[i][1] > start:
                out.append(self.markup[i])
            i += 1
        return out

    def _plain(self, start: int, end: int) -> str:
        """The text of a span without what was blanked out in it (blanks of
        the text itself stay). Walks the runs of blanks, not every character."""
        if " " not in self.folded[start:end]:
            return self.text[start:end]
        out, pos = [], start
        for m in _BLANKS.finditer(self.folded, start, end):
            a, b = m.span()
            out.append(self.text[pos:a])
            out.append("".join(ch for ch in self.text[a:b] if ch in " \t"))
            pos = b
        out.append(self.text[pos:end])
        return "".join(out)

    def original(self, start: int, end: int) -> str:
        """The original text of a span, without blanked-out junk inside it;
        HTML in it shows as what it stands for (&#12289; as 、, a tag as nothing).

        A long span is read once: every framework in one long sentence quotes it."""
        if end - start < _REMEMBER_FROM:
            return self._original(start, end)
        seen = self._index.setdefault("original", {})
        if (start, end) not in seen:
            seen[(start, end)] = self._original(start, end)
        return seen[(start, end)]

    def _original(self, start: int, end: int) -> str:
        pieces = self._markup_in(start, end)
        if not pieces:
            return self._plain(start, end)
        out = []
        pos = start
        for a, b, shown in pieces:
            if a > pos:
                out.append(self._plain(pos, a))
            if a >= start and b <= end:
                out.append(shown)
            pos = max(pos, b)
        if pos < end:
            out.append(self._plain(pos, end))
        return "".join(out)

    def without_markup(self, start: int, end: int) -> str:
        """The original text of a span with the markup in it taken out."""
        pieces = self._markup_in(start, end)
        if not pieces:
            return self.text[start:end]
        out, pos = [], start
        for a, b, _ in pieces:
            out.append(self.text[pos:max(pos, a)])
            pos = max(pos, b)
        out.append(self.text[pos:end])
        return "".join(out)

    def unblanked(self, start: int, end: int) -> tuple[int, int]:
        """A span cut short where blanked-out junk or markup begins inside it,
        so that its text is still an exact piece of the original."""
        stop = end
        pieces = self._markup_in(start, end)
        if pieces:
            stop = max(start, pieces[0][0])
        for i in range(start, stop):
            if self.folded[i] == " " and self.text[i] not in " \t":
                stop = i
                break
        if stop == end:
            return start, end
        i = stop
        while i > start and self.folded[i - 1] in " \t":
            i -= 1
        return start, i

    def reading(self) -> Reading:
        """The whole speech as it reads (what :meth:`original` gives for all of
        it: page breaks joined, junk and markup taken out), with where each of
        its characters stands in the text. Built once."""
        found = self._index.get("reading")
        if found is None:
            found = self._index["reading"] = self._build_reading()
        return found

    def _build_reading(self) -> Reading:
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        text, folded = self.text, self.folded

        def plain(a: int, b: int) -> None:
            for i in range(a, b):
                if folded[i] == " " and text[i] not in " \t":
                    continue
                chars.append(text[i])
                starts.append(i)
                ends.append(i + 1)

        pos = 0
        for a, b, shown in self.markup:
            if a > pos:
                plain(pos, a)
            if a >= pos:
                for ch in shown:
                    chars.append(ch)
                    starts.append(a)
                    ends.append(b)
            pos = max(pos, b)
        plain(pos, len(text))
        return Reading("".join(chars), starts, ends)

    def quote_at(self, start: int, end: int | None = None) -> str:
        """The sentence that holds ``start`` (through the one that holds
        ``end - 1``, unless that run is longer than QUOTE_RUN_MAX across
        paragraphs), as it reads: the quote of a framework found there.
        Empty where no sentence is."""
        first = self.sentence_at(start)
        if first is None:
            return ""
        last = first
        if end is not None and end - 1 > start:
            other = self.sentence_at(end - 1)
            if other is not None and other.end > first.end and (
                    other.para == first.para or other.end - first.start <= QUOTE_RUN_MAX):
                last = other
        from drill.core.extract.common import trim  # it reads this module's Source

        a, b = trim(self.folded, first.start, last.end)
        # keep the end mark: a quote is a sentence
        while b < last.end and self.folded[b] in "。!?”":
            b += 1
        return self.original(a, b).strip()

    def line_of(self, offset: int) -> int:
        return bisect_right(self._starts("lines"), offset)

    def sentence_index(self, offset: int) -> int:
        """The index of the first sentence that starts at or after ``offset``."""
        return bisect_left(self._starts("sentences"), offset)

    def sentence_at(self, offset: int) -> Sentence | None:
        lo, hi = 0, len(self.sentences)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.sentences[mid].end <= offset:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(self.sentences) and self.sentences[lo].start <= offset:
            return self.sentences[lo]
        return None

    def paragraph_at(self, offset: int) -> tuple[int, int] | None:
        """The paragraph (start, end) that holds ``offset``, if any."""
        i = bisect_right(self._starts("paragraphs"), offset) - 1
        if i >= 0 and self.paragraphs[i][0] <= offset < self.paragraphs[i][1]:
            return self.paragraphs[i]
        return None


def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


def clean(text: str, path: str = "<text>", encoding: str = "utf-8") -> Source:
    """Fold the text, blank out boilerplate, find the title, paragraphs and sentences."""
    chars, markup = _fold_markup(fold(text))
    folded = "".join(chars)
    dropped: list[tuple[int, str, str]] = []
    lines = folded.split("\n")
    offsets = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1

    in_related = False
    in_licence = False
    in_footer = False
    body_seen = False
    number = 1  # the line of the original text (a <br> is no line there)
    prev_start = 0
    for line, start in zip(lines, offsets):
        number += text.count("\n", prev_start, start)
        prev_start = start
        stripped = line.strip()
        if not stripped:
            in_licence = in_footer
            continue
        reason = None
        if not in_licence and _LICENCE_START.match(stripped) and \
                _LICENCE_WORDS.search(folded, start, start + _LICENCE_REACH):
            in_licence = True
            in_footer = len(folded) - start <= _FOOTER_REACH
        if in_licence and len(stripped) <= _BOILERPLATE_MAX:
            reason = "licence"
            # the notice's sentence, broken over lines by its links, ends here
            in_licence = in_footer or not stripped.endswith(("。", "！", "!"))
        elif in_licence:
            in_licence = in_footer = False
        if reason is None and in_related and (len(stripped) <= 60 and not stripped.endswith("。")):
            reason = "related links"
        else:
            in_related = False
        if reason is None and _RELATED_HEADER.match(stripped) and len(stripped) <= 60:
            reason = "related links"
            in_related = body_seen
        if reason is None and len(stripped) <= _BOILERPLATE_MAX:
            for name, pattern in _WHOLE_LINE:
                if pattern.search(stripped):
                    reason = name
                    break
        if reason is None and _PAGE_NUMBER.match(stripped):
            reason = "page number"
        if reason is None and not any(is_cjk(c) for c in stripped) and not _BARE_MARKER.match(stripped):
            reason = "no Chinese text"
        if reason is not None:
            _blank(chars, start, start + len(line))
            dropped.append((number, reason, _shown(text, start, start + len(line), markup)))
            continue
        if len(stripped) > 60:
            body_seen = True
        # Junk inside a line of speech.
        for pattern, name in ((_HIDDEN, "hidden text"), (_URL, "link"), (_ASCII_JUNK, "junk")):
            for m in pattern.finditer("".join(chars[start:start + len(line)])):
                chunk = m.group()
                if name == "junk" and sum(1 for c in chunk if not c.isalnum() and not c.isspace()) < 2:
                    continue
                _blank(chars, start + m.start(), start + m.end())
                dropped.append((number, name, _shown(text, start + m.start(), start + m.end(), markup)))
        for m in _INLINE_PAGE.finditer(line):
            a, b = start + m.start(), start + m.end()
            if _splits_word(chars, a, b):
                _blank(chars, a, b)
                dropped.append((number, "page number", text[a:b].strip()))
                markup.append((a, b, ""))  # shows as nothing: the word is whole again
    _join_page_breaks(chars, dropped, text, folded, markup)
    markup.sort()

    masked = "".join(chars)
    source = Source(path=path, text=text, encoding=encoding, folded=masked, dropped=dropped,
                    markup=markup)
    source.paragraphs, source.sentences = _segment(masked)
    source.title = _find_title(source, lines, offsets)
    return source


def _splits_word(chars: list[str], a: int, b: int) -> bool:
    """True if a common word runs across the piece (a, b) once it is taken out:
    组 | 织 in 加强组 12 织领导."""
    from drill.core.extract.common import dictionary  # it reads this module's Source

    words = dictionary()[0]
    left = "".join(c for c in chars[max(0, a - 3):a] if c not in " \t\n")
    right = "".join(c for c in chars[b:b + 3] if c not in " \t\n")
    joined, cut = left + right, len(left)
    for size in (2, 3, 4):
        for i in range(max(0, cut - size + 1), cut):
            if i + size <= len(joined) and joined[i:i + size] in words:
                return True
    return False


def _join_page_breaks(chars: list[str], dropped: list[tuple[int, str, str]], text: str,
                      unmasked: str, pieces: list[tuple[int, int, str]]) -> None:
    """Join the two halves of a sentence that a page number broke apart.

    Between a line of running text that stops in mid-sentence and a line
    that carries on, the lines in between being only page numbers (12,
    - 12 -, 第12页), invisible characters, or a bare 2、 where a word runs
    across the break (加强组 / 2、 / 织领导): the line breaks are folded to
    blanks and the number is blanked, so the sentence reads as one.
    ``unmasked`` is the folded text before boilerplate was blanked (markup
    already folded out).
    """
    masked = "".join(chars)
    pos = 0
    last_text: tuple[int, int] | None = None  # the last line with text: (start, end)
    gap: list[tuple[int, int, str]] = []  # lines since then: (start, end, what)
    number = 0
    prev = 0
    for line in masked.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        stripped = line.strip()
        raw = unmasked[start:end].strip()  # the line before boilerplate was blanked
        if not stripped:
            if raw and (_PAGE_NUMBER.match(raw) or all(c in _INVISIBLE or c.isspace() for c in raw)):
                gap.append((start, end, "page"))
            elif raw:
                gap.append((start, end, "other"))
            continue
        if _BARE_MARKER.match(stripped):
            gap.append((start, end, "marker"))
            continue
        joined = False
        if last_text is not None and gap and all(kind != "other" for _, _, kind in gap):
            a, b = last_text
            lead = masked[a:b].rstrip()
            body = masked[start:end].lstrip()
            x, y = lead[-1], body[0]
            running = len(lead.strip()) > _RUNNING_MIN and (is_cjk(x) or x in ",、") and x not in _END_MARKS
            goes_on = (is_cjk(y) or y in _CONTINUES) and not _OPENS_ITEM.match(body)
            markers = [g for g in gap if g[2] == "marker"]
            if running and goes_on and (not markers or _splits_word(chars, b, start)):
                for g_start, g_end, kind in markers:
                    number = text.count("\n", prev, g_start) + number
                    prev = g_start
                    dropped.append((number + 1, "page number", text[g_start:g_end].strip()))
                    _blank(chars, g_start, g_end)
                _join(chars, b, start)
                pieces.append((b, start, ""))  # the break shows as nothing: 加强组织领导
                joined = True
        if not joined and gap and gap[-1][2] == "marker" and not _OPENS_ITEM.match(stripped):
            # 1、 alone on its line: its item is the next line
            _join(chars, gap[-1][1], start)
        last_text = (start, end)
        gap = []
    dropped.sort(key=lambda d: d[0])


def _join(chars: list[str], start: int, end: int) -> None:
    """Fold the line breaks between two pieces of one sentence to blanks."""
    for i in range(start, end):
        if chars[i] == "\n":
            chars[i] = " "


def _shown(text: str, start: int, end: int, markup: list[tuple[int, int, str]]) -> str:
    """A dropped piece as it reads, without the markup in it."""
    raw = text[start:end]
    if markup and ("<" in raw or "&" in raw):
        raw = _MARKUP.sub(lambda m: " " if m.group("tag") or m.group("etag") else
                          (_entity_char(m.group("ref"), m.group("semi")) or m.group())
                          if m.group("entity") else "", raw)
    return raw.strip()


_SENT_END = re.compile(r"[。!?]+[”」』)]?|\.{6}|…{2}(?=[”」』]?\s*$)")


def _segment(masked: str) -> tuple[list[tuple[int, int]], list[Sentence]]:
    paragraphs: list[tuple[int, int]] = []
    sentences: list[Sentence] = []
    pos = 0
    for line in masked.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        # trim blanks
        while start < end and masked[start] in " \t":
            start += 1
        while end > start and masked[end - 1] in " \t":
            end -= 1
        if start >= end:
            continue
        para = len(paragraphs)
        paragraphs.append((start, end))
        s = start
        for m in _SENT_END.finditer(masked, start, end):
            e = m.end()
            if masked[s:e].strip():
                sentences.append(Sentence(s, e, para))
            s = e
            while s < end and masked[s] in " \t":
                s += 1
        if s < end and masked[s:end].strip():
            sentences.append(Sentence(s, end, para))
    return paragraphs, sentences


_TITLE_LABEL = re.compile(r"(?:本文标题|标题|题目)[:]\s*(.+)")
_CRUMB_MAX = 300  # a breadcrumb is a short line
_CRUMB_LAST = re.compile(r"(?:当前位置|您的位置|首页)[^\n]*[>»›]\s*([^>»›\n]+?)\s*$")
_TITLE_TRIM = re.compile(r"(?:\((?:全文完整|完整版|精选|通用|word版|最新)[^)]*\)|范例|范文|精选|模板|【[^】]*】|"
                         r"\s*[_|-]+\s*[^_|\-\n]{1,12}?(?:文档|文库|网|范文网|资料网))\s*$", re.I)
_MEETING = re.compile(r"召开(?:这场|这次|今天的|了)?([^的了过。!?,;\n][^。!?,;\n]{3,40}(?:会议|大会))")
_TITLE_LEAD = re.compile(r"\s*([^。!?\n]{6,60}?(?:讲话稿|讲话|发言|报告|致辞|提纲|大纲))")


def _find_title(source: Source, lines: list[str], offsets: list[int]) -> str:
    text = source.text
    # 1. a label the site put there
    for line, start in zip(lines, offsets):
        m = _TITLE_LABEL.search(line)
        if m and len(m.group(1).strip()) >= 4:
            return _trim_title(text, start + m.start(1), start + m.start(1) + len(m.group(1).rstrip()))
    # 2. the first short line of text that is not a salutation
    for line, start in zip(lines, offsets):
        masked_line = source.folded[start:start + len(line)]
        stripped = masked_line.strip()
        if not stripped:
            continue
        if len(stripped) <= 50 and "。" not in stripped and not stripped.endswith(":") \
                and not re.match(r"^(同志们|各位|尊敬的)", stripped):
            lead = start + (len(masked_line) - len(masked_line.lstrip()))
            return _trim_title(text, lead, lead + len(stripped))
        break
    # 3. a run-together first line that opens with its title (在…会上的讲话 同志们:…)
    folded = source.folded
    first = len(folded) - len(folded.lstrip())
    # the title can begin no further back than its longest length (not
    # from the start of a long run of blanks)
    m = _TITLE_LEAD.match(folded, max(folded.rfind("\n", 0, first) + 1, first - 60))
    if m:
        return _trim_title(text, m.start(1), m.end(1))
    # 4. the last component of a breadcrumb
    for line, start in zip(lines, offsets):
        m = _CRUMB_LAST.search(line) if len(line) <= _CRUMB_MAX else None
        if m and len(m.group(1)) >= 6:
            return _trim_title(text, start + m.start(1), start + m.end(1))
    # 5. the meeting the speech opens
    m = _MEETING.search(source.folded[:600])
    if m:
        return text[m.start(1):m.end(1)]
    return Path(source.path).stem


def _trim_title(text: str, start: int, end: int) -> str:
    title = text[start:end].strip()
    folded = fold(title)
    while True:
        m = _TITLE_TRIM.search(folded)
        if not m or m.start() < 4:
            break
        folded = folded[:m.start()]
        title = title[:m.start()]
    return title.strip()


def load(path: str | Path) -> Source:
    text, encoding = read_text(path)
    return clean(text, str(path), encoding)
