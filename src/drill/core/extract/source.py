"""Reading a speech as it was scraped: bytes → text, boilerplate, sentences.

The decoded text is kept exactly as it is (for display and provenance).
Finding works on a *folded* copy of the same length (simplified characters,
one spelling of punctuation) in which boilerplate is blanked out with
spaces, so every offset found there is an offset into the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from drill.core.errors import DrillError
from drill.core.text import fold, is_cjk

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
    """A file's bytes, refusing what is missing, a folder, not a regular file
    (a FIFO, /dev/zero) or larger than ``limit`` (default :data:`MAX_BYTES`):
    a large file is refused by its size without being opened, and no more
    than ``limit`` + 1 bytes are ever read."""
    p = Path(path)
    limit = MAX_BYTES if limit is None else limit

    def too_big(size: int | None) -> DrillError:
        most = f"drill reads at most {limit / 1048576:.3g} MB"
        if size is None:
            return DrillError(f"the file is larger than {limit:,} bytes; {most}", p)
        shown = f"{size / 1048576:.1f} MB"
        if float(shown.split()[0]) <= limit / 1048576:  # 8.0 MB against 8 MB says nothing
            shown = f"{size:,} bytes"
        return DrillError(f"the file is {shown}; {most}", p)

    try:
        if not p.exists():
            raise DrillError("no such file", p)
        if p.is_dir():
            raise DrillError(f"is a directory, not {what}", p)
        if not p.is_file():
            raise DrillError(f"is not a regular file, not {what}", p)
        size = p.stat().st_size
        if size > limit:
            raise too_big(size)
        with p.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise DrillError(f"cannot read the file: {exc.strerror or exc}", p) from None
    if len(data) > limit:  # it grew, or its size lied
        raise too_big(None)
    return data


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
# boilerplate

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
_URL = re.compile(r"https?://\S+|www\.[\w.-]+\S*|\b[\w-]+\.(?:com|cn|net|org|html?)\b\S*", re.I)
_HIDDEN = re.compile(r"-*\s*此处隐藏\s*\d*\s*字.{0,12}?(下载后查看|查看)?\s*-*")

# Long lines are speech, whatever words they contain: boilerplate is short.
_BOILERPLATE_MAX = 120


@dataclass
class Sentence:
    start: int
    end: int  # exclusive; the end punctuation (and a closing quote) is inside
    para: int  # index of the paragraph (line)


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

    def original(self, start: int, end: int) -> str:
        """The original text of a span, without blanked-out junk inside it."""
        raw = self.text[start:end]
        if " " not in self.folded[start:end]:
            return raw
        return "".join(
            ch for ch, f in zip(raw, self.folded[start:end]) if not (f == " " and ch not in " \t")
        )

    def unblanked(self, start: int, end: int) -> tuple[int, int]:
        """A span cut short where blanked-out junk begins inside it, so that
        its text is still an exact piece of the original."""
        for i in range(start, end):
            if self.folded[i] == " " and self.text[i] not in " \t":
                while i > start and self.folded[i - 1] in " \t":
                    i -= 1
                return start, i
        return start, end

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

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


def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


def clean(text: str, path: str = "<text>", encoding: str = "utf-8") -> Source:
    """Fold the text, blank out boilerplate, find the title, paragraphs and sentences."""
    folded = fold(text)
    chars = list(folded)
    dropped: list[tuple[int, str, str]] = []
    lines = folded.split("\n")
    offsets = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1

    in_related = False
    body_seen = False
    for number, (line, start) in enumerate(zip(lines, offsets), 1):
        stripped = line.strip()
        if not stripped:
            continue
        reason = None
        if in_related and (len(stripped) <= 60 and not stripped.endswith("。")):
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
        if reason is None and not any(is_cjk(c) for c in stripped):
            reason = "no Chinese text"
        if reason is not None:
            _blank(chars, start, start + len(line))
            dropped.append((number, reason, text[start:start + len(line)].strip()))
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
                dropped.append((number, name, text[start + m.start():start + m.end()].strip()))

    masked = "".join(chars)
    source = Source(path=path, text=text, encoding=encoding, folded=masked, dropped=dropped)
    source.paragraphs, source.sentences = _segment(masked)
    source.title = _find_title(source, lines, offsets)
    return source


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
_CRUMB_LAST = re.compile(r"(?:当前位置|您的位置|首页)[^\n]*[>»›]\s*([^>»›\n]+?)\s*$")
_TITLE_TRIM = re.compile(r"(?:\((?:全文完整|完整版|精选|通用|word版|最新)[^)]*\)|范例|范文|精选|模板|【[^】]*】)\s*$")
_MEETING = re.compile(r"召开(?:这场|这次|今天的|了)?([^的了过。!?,;\n][^。!?,;\n]{3,40}(?:会议|大会))")
_TITLE_LEAD = re.compile(r"^\s*([^。!?\n]{6,60}?(?:讲话稿|讲话|发言|报告|致辞|提纲|大纲))")


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
    m = _TITLE_LEAD.match(source.folded)
    if m:
        return _trim_title(text, m.start(1), m.end(1))
    # 4. the last component of a breadcrumb
    for line, start in zip(lines, offsets):
        m = _CRUMB_LAST.search(line)
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
