"""Install commands in POSIX shell text: which ones fetch third-party code without pinning it.

The text is a Dockerfile ``RUN``, a workflow ``run:`` step or a shell script. Nothing is ever
executed: a small tokenizer (quotes, escapes, continuations, comments, operators, heredocs,
``$( … )``, backticks, process substitution) turns the text into simple commands that keep
their line numbers, and each command is judged as the installer it runs would behave:

- HY112 unpinned-install: pip/uv/pipx, npm/npx/yarn/pnpm/bun, go, gem and cargo installs that
  are not pinned by the strongest means the tool offers;
- HY113 download-exec: a download piped into an interpreter, or saved and later run, unless
  the URL is immutable (a full commit id in its path) or the file is verified first;
- HY114 unpinned-os-package: apt/apk/dnf/yum/zypper/pacman installs without versions.

Commands nested in ``$( … )``, backticks, ``<( … )``, ``eval "…"``, ``sh -c "…"`` and heredocs
fed to a shell are analysed too. The analysis never recurses on the input (deeply nested text
cannot exhaust the stack), and work on re-parsed strings is capped, so any input finishes
quickly and returns a list.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["CommandFinding", "analyze"]


@dataclass(frozen=True)
class CommandFinding:
    rule: str  # "HY112" | "HY113" | "HY114"
    message: str  # one sentence naming the command and what is unpinned
    line: int  # absolute line of the command's first line
    end_line: int  # absolute line of the command's last line (continuations)
    package: str | None = None  # the unpinned package / URL when there is one


def analyze(
    text: str,
    *,
    first_line: int = 1,
    requirements_hashed: Callable[[str, str | None], bool | None] = lambda path, cwd: None,
) -> list[CommandFinding]:
    """The commands in ``text`` that install third-party code without pinning it.

    ``first_line`` is the line number of the text's first line in its file.
    ``requirements_hashed(path, cwd)`` answers for ``pip install -r PATH``: True when pip
    installs that file in hash-checking mode, False when it is known and not hashed, None when
    it is unknown; ``cwd`` is the directory the script ``cd``-ed into (None if it did not).
    Findings are sorted by (line, rule) and deduplicated."""
    if not isinstance(text, str):
        return []
    if len(text) > _MAX_TEXT:  # best effort on absurdly large input: analyse the start
        text = text[:_MAX_TEXT]
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")  # CRLF files: `\` + CRLF continues the line too
    analyzer = _Analyzer(text, first_line, requirements_hashed)
    analyzer.run()
    # Deduplicated; sorted by (line, rule), ties in the order the shell would run them.
    return sorted(dict.fromkeys(analyzer.findings), key=lambda f: (f.line, f.rule))


# Work caps: text beyond _MAX_TEXT is ignored; strings re-parsed as shell (`sh -c`, `eval`,
# backticks, heredocs fed to a shell) are nested at most _MAX_DEPTH deep and, in total, at most
# _BUDGET_FACTOR times the text (plus a constant) is tokenized.
_MAX_TEXT = 8_000_000
_MAX_DEPTH = 12
_BUDGET_FACTOR = 3
_BUDGET_EXTRA = 200_000
_MSG_MAX = 120
_SUB = "$(…)"  # what a command substitution reads as inside a word's text

# ---------------------------------------------------------------------------------------------
# Tokenizer
# ---------------------------------------------------------------------------------------------


class _Word:
    """A shell word: its value with quotes removed (parameter expansions kept as written,
    substitutions as ``$(…)``), where it is, and what it contains."""

    __slots__ = ("assign", "end", "end_line", "line", "quoted", "start", "subs", "text", "unknown")

    def __init__(self, text, start, end, line, end_line, quoted, subs, unknown, assign):
        self.text = text
        self.start = start
        self.end = end
        self.line = line
        self.end_line = end_line
        self.quoted = quoted  # some part was quoted or escaped
        self.subs = subs  # substitutions inside the word, in order
        self.unknown = unknown  # nothing but expansions: its value cannot be known statically
        self.assign = assign  # NAME=… written unquoted: an assignment before a command

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"_Word({self.text!r}@{self.line})"


class _Redir:
    __slots__ = ("body", "body_line", "end", "fd", "line", "op", "start", "target")

    def __init__(self, op, fd, line, start, end):
        self.op = op
        self.fd = fd
        self.target = None  # the word after the operator (for heredocs: the delimiter)
        self.line = line
        self.start = start
        self.end = end
        self.body = None  # heredoc body
        self.body_line = 0


class _Sub:
    """A command substitution or process substitution: either tokenized in place (``$( … )``,
    ``<( … )``) or kept as text to tokenize when analysed (backticks)."""

    __slots__ = ("ctx", "downloads", "first_line", "kind", "text")

    def __init__(self, kind, ctx=None, text=None, first_line=0):
        self.kind = kind
        self.ctx = ctx
        self.text = text
        self.first_line = first_line
        self.downloads = []  # downloads whose content this substitution's output carries


class _Ctx:
    __slots__ = ("case_depth", "cmd_start", "kind", "parens", "source", "tokens")

    def __init__(self, kind, source):
        self.kind = kind
        self.tokens = []
        self.parens = 0
        self.case_depth = 0
        self.cmd_start = True
        self.source = source


class _WordBuilder:
    __slots__ = ("exp", "line", "lit", "parts", "quoted", "start", "subs")

    def __init__(self, start, line):
        self.parts = []
        self.start = start
        self.line = line
        self.quoted = False
        self.subs = []
        self.lit = 0
        self.exp = False


class _Frame:
    __slots__ = ("ctx", "dq", "fd", "redir", "word")

    def __init__(self, ctx):
        self.ctx = ctx
        self.word = None
        self.dq = False
        self.redir = None  # a redirection waiting for its target word
        self.fd = None  # an fd number written just before a redirection operator


_WORD_CONTINUES = frozenset("'\"\\$`")
_SPECIAL_START = frozenset(" \t\n\r\f\v#'\"\\$`;&|()<>")
_PLAIN = re.compile(r"[^ \t\n\r\f\v'\"\\$`;&|()<>]+")
_DQ_PLAIN = re.compile(r'[^"\\$`\n]+')
_BLANK = re.compile(r"[ \t\r\f\v]+")
_REDIR_OP = re.compile(r"<<<|<<-|<<|<>|<&|<|>>|>&|>\||>")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=")
_BACKTICK_BODY = re.compile(r"(?:\\.|[^`\\])*", re.DOTALL)
_ANSI_BODY = re.compile(r"(?:\\.|[^'\\])*", re.DOTALL)
_ANSI_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "a": "\a", "e": "\x1b"}
# Reserved words after which a command still starts.
_KEEP_START = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "time"})


def _tokenize(src: str, first_line: int) -> _Ctx:
    """Tokens of ``src`` in a tree of contexts (the text, each ``$( … )``/``<( … )``), built
    with an explicit stack so nesting depth is unlimited. Unbalanced input is read best-effort."""
    n = len(src)
    top = _Ctx("top", src)
    stack = [_Frame(top)]
    heredocs: list[tuple[_Redir, str, bool]] = []
    i = 0
    line = first_line

    def finish(fr: _Frame, end: int) -> None:
        b = fr.word
        fr.word = None
        text = "".join(b.parts)
        unquoted_start = src[b.start : b.start + 1] not in ("'", '"', "\\")
        w = _Word(
            text,
            b.start,
            end,
            b.line,
            line,
            b.quoted,
            b.subs,
            b.exp and b.lit == 0,
            bool(unquoted_start and _ASSIGN.match(src, b.start)),
        )
        place(fr, w, end, not b.quoted and not b.exp)

    def place(fr: _Frame, w: _Word, end: int, plain: bool) -> None:
        text = w.text
        if plain and text.isdigit() and src[end : end + 1] in ("<", ">"):
            fr.fd = int(text[:6])  # `2>&1`: the digits name the redirected descriptor
            return
        if fr.redir is not None:
            r = fr.redir
            fr.redir = None
            r.target = w
            r.end = end
            if r.op in ("<<", "<<-"):
                heredocs.append((r, text, r.op == "<<-"))
            return
        ctx = fr.ctx
        ctx.tokens.append(("w", w))
        if ctx.cmd_start and not w.quoted:
            if text == "case":
                ctx.case_depth += 1
            elif text == "esac" and ctx.case_depth:
                ctx.case_depth -= 1
        ctx.cmd_start = not w.quoted and text in _KEEP_START

    def op(fr: _Frame, value: str, start: int, end: int) -> None:
        fr.redir = None
        fr.fd = None
        fr.ctx.tokens.append(("o", value, line, start, end))
        fr.ctx.cmd_start = True

    def read_heredocs(pos: int, ln: int) -> tuple[int, int]:
        for redir, delim, strip in heredocs:
            body_line = ln
            lines = []
            while pos < n:
                j = src.find("\n", pos)
                if j < 0:
                    j = n
                raw = src[pos:j]
                pos = j + 1 if j < n else n
                if j < n:
                    ln += 1
                cmp = raw.rstrip("\r")
                if strip:
                    cmp = cmp.lstrip("\t")
                if cmp == delim:
                    break
                lines.append(raw)
            redir.body = "\n".join(lines)
            redir.body_line = body_line
        heredocs.clear()
        return pos, ln

    def skip_balanced(pos: int, open_c: str, close_c: str) -> int:
        """From ``pos`` (an opening character) to just after its match, or the end."""
        depth = 0
        k = pos
        while k < n:
            c = src[k]
            if c == "\\":
                k += 2
                continue
            if c == open_c:
                depth += 1
            elif c == close_c:
                depth -= 1
                if depth == 0:
                    return k + 1
            k += 1
        return n

    while i < n:
        fr = stack[-1]
        c = src[i]
        b = fr.word
        if fr.dq:
            m = _DQ_PLAIN.match(src, i)
            if m:
                b.parts.append(m.group())
                b.lit += 1
                i = m.end()
                continue
            if c == '"':
                fr.dq = False
                i += 1
                continue
            if c == "\n":
                b.parts.append(c)
                b.lit += 1
                line += 1
                i += 1
                continue
            if c == "\\":
                nx = src[i + 1 : i + 2]
                if nx == "\n":
                    i += 2
                    line += 1
                elif nx and nx in '$`"\\':
                    b.parts.append(nx)
                    b.lit += 1
                    i += 2
                else:
                    b.parts.append("\\")
                    b.lit += 1
                    i += 1
                continue
            # `$` or a backtick inside double quotes
        elif b is None:
            if c not in _SPECIAL_START:
                m = _PLAIN.match(src, i)
                j = m.end()
                if j >= n or (src[j] not in _WORD_CONTINUES and not (src[j] == "(" and m.group()[-1] == "=")):
                    # Fast path: a word of plain characters only (most words).
                    text = m.group()
                    if fr.redir is None and not (text.isdigit() and src[j : j + 1] in ("<", ">")):
                        ctx = fr.ctx
                        assign = "=" in text and _ASSIGN.match(text) is not None
                        ctx.tokens.append(("w", _Word(text, i, j, line, line, False, (), False, assign)))
                        if ctx.cmd_start:
                            if text == "case":
                                ctx.case_depth += 1
                            elif text == "esac" and ctx.case_depth:
                                ctx.case_depth -= 1
                            ctx.cmd_start = text in _KEEP_START
                    else:
                        place(fr, _Word(text, i, j, line, line, False, (), False, False), j, True)
                    i = j
                    continue
                # a word with quotes or expansions: built below
            elif c == "\n":
                op(fr, "\n", i, i + 1)
                line += 1
                i += 1
                if heredocs:
                    i, line = read_heredocs(i, line)
                continue
            if c in " \t\r\f\v":
                i = _BLANK.match(src, i).end()
                continue
            if c == "#":
                j = src.find("\n", i)
                i = n if j < 0 else j
                continue
            if c == "\\" and src[i + 1 : i + 2] == "\n":
                i += 2
                line += 1
                continue
            if c == ";":
                for o in (";;&", ";;", ";&", ";"):
                    if src.startswith(o, i):
                        op(fr, o, i, i + len(o))
                        i += len(o)
                        break
                continue
            if c == "&":
                if src.startswith("&&", i):
                    op(fr, "&&", i, i + 2)
                    i += 2
                elif src.startswith("&>", i):
                    o = "&>>" if src.startswith("&>>", i) else "&>"
                    r = _Redir(o, None, line, i, i + len(o))
                    fr.ctx.tokens.append(("r", r))
                    fr.redir = r
                    i += len(o)
                else:
                    op(fr, "&", i, i + 1)
                    i += 1
                continue
            if c == "|":
                o = "||" if src.startswith("||", i) else "|&" if src.startswith("|&", i) else "|"
                op(fr, o, i, i + len(o))
                i += len(o)
                continue
            if c == "(":
                fr.ctx.parens += 1
                op(fr, "(", i, i + 1)
                i += 1
                continue
            if c == ")":
                ctx = fr.ctx
                if ctx.kind != "top" and ctx.parens == 0 and ctx.case_depth == 0 and len(stack) > 1:
                    stack.pop()  # the end of a `$( … )` or `<( … )`: back in the enclosing word
                    i += 1
                    continue
                if ctx.parens > 0:
                    ctx.parens -= 1
                op(fr, ")", i, i + 1)
                i += 1
                continue
            if c in "<>":
                if src.startswith("(", i + 1):  # process substitution `<( … )` / `>( … )`
                    b = fr.word = _WordBuilder(i, line)
                    sub_ctx = _Ctx(c + "(", src)
                    b.subs.append(_Sub(c + "(", ctx=sub_ctx))
                    b.parts.append(c + "(…)")
                    b.exp = True
                    stack.append(_Frame(sub_ctx))
                    i += 2
                    continue
                m = _REDIR_OP.match(src, i)
                o = m.group()
                r = _Redir(o, fr.fd, line, i, m.end())
                fr.fd = None
                fr.ctx.tokens.append(("r", r))
                fr.redir = r
                i = m.end()
                continue
            b = fr.word = _WordBuilder(i, line)
            # fall through into the word
        # In a word (or in double quotes, at `$` or a backtick).
        if not fr.dq:
            m = _PLAIN.match(src, i)
            if m:
                b.parts.append(m.group())
                b.lit += 1
                i = m.end()
                continue
            if c == "'":
                j = src.find("'", i + 1)
                if j < 0:
                    j = n
                part = src[i + 1 : j]
                b.parts.append(part)
                b.quoted = True
                b.lit += 1
                line += part.count("\n")
                i = j + 1
                continue
            if c == '"':
                fr.dq = True
                b.quoted = True
                i += 1
                continue
            if c == "\\":
                nx = src[i + 1 : i + 2]
                if nx == "\n":
                    i += 2
                    line += 1
                elif nx:
                    b.parts.append(nx)
                    b.quoted = True
                    b.lit += 1
                    i += 2
                else:
                    b.parts.append("\\")
                    b.lit += 1
                    i += 1
                continue
            if c == "(" and b.parts and b.parts[-1].endswith("=") and _ASSIGN.match(src, b.start):
                # An array assignment `NAME=(a b c)`: the list belongs to the word.
                j = skip_balanced(i, "(", ")")
                part = src[i:j]
                b.parts.append(part)
                b.lit += 1
                line += part.count("\n")
                i = j
                continue
            if c not in "$`":
                finish(fr, i)  # blank, newline or operator: the word ends here
                continue
        if c == "`":
            m = _BACKTICK_BODY.match(src, i + 1)
            body = m.group()
            j = m.end()
            inner = re.sub(r'\\([$`\\"])' if fr.dq else r"\\([$`\\])", r"\1", body)
            b.subs.append(_Sub("`", text=inner, first_line=line))
            b.parts.append(_SUB)
            b.exp = True
            line += body.count("\n")
            i = j + 1 if j < n else n
            continue
        # c == "$"
        nx = src[i + 1 : i + 2]
        if nx == "(":
            if src.startswith("((", i + 1):  # arithmetic `$(( … ))`: not a command
                j = skip_balanced(i + 1, "(", ")")
                part = src[i:j]
                b.parts.append(part)
                b.exp = True
                line += part.count("\n")
                i = j
                continue
            sub_ctx = _Ctx("$(", src)
            b.subs.append(_Sub("$(", ctx=sub_ctx))
            b.parts.append(_SUB)
            b.exp = True
            stack.append(_Frame(sub_ctx))
            i += 2
            continue
        if nx == "{":
            j = skip_balanced(i + 1, "{", "}")
            part = src[i:j]
            b.parts.append(part)
            b.exp = True
            line += part.count("\n")
            i = j
            continue
        if nx == "'" and not fr.dq:  # ANSI-C quoting $'…'
            m = _ANSI_BODY.match(src, i + 2)
            body = m.group()
            b.parts.append(
                re.sub(r"\\(.)", lambda e: _ANSI_ESCAPES.get(e.group(1), e.group(1)), body, flags=re.DOTALL)
            )
            b.quoted = True
            b.lit += 1
            line += body.count("\n")
            i = min(m.end() + 1, n)
            continue
        if nx == '"' and not fr.dq:  # $"…" (locale translation) reads as "…"
            i += 1
            continue
        m = _NAME.match(src, i + 1)
        if m:
            b.parts.append(src[i : m.end()])
            b.exp = True
            i = m.end()
            continue
        if nx and nx in "0123456789@*#?$!-":
            b.parts.append(src[i : i + 2])
            b.exp = True
            i += 2
            continue
        b.parts.append("$")
        b.lit += 1
        i += 1

    # End of text: close whatever is still open, innermost first.
    while stack:
        fr = stack.pop()
        if fr.word is not None:
            fr.dq = False
            finish(fr, n)
    if heredocs:
        read_heredocs(n, line)
    return top


# ---------------------------------------------------------------------------------------------
# Parser: tokens to simple commands
# ---------------------------------------------------------------------------------------------


class _Cmd:
    __slots__ = (
        "end", "end_line", "flow", "line", "pipe_next", "pipe_prev", "redirs", "script", "start", "words"
    )

    def __init__(self):
        self.words = []
        self.redirs = []
        self.line = 0
        self.end_line = 0
        self.start = -1
        self.end = -1
        self.pipe_prev = None
        self.pipe_next = None
        self.flow = None  # the download whose content this command writes to stdout
        self.script = None  # (text, first line or 0) of shell text it writes: `cat <<EOF`, `echo`

    def add(self, start, end, line, end_line):
        # Tokens arrive in order: the last one ends the command.
        if self.start < 0:
            self.start, self.line = start, line
        self.end = end
        self.end_line = max(self.end_line, end_line)

    def subs(self):
        out = []
        for w in self.words:
            out.extend(w.subs)
        for r in self.redirs:
            if r.target is not None:
                out.extend(r.target.subs)
        return out


# Reserved words: separators for this analysis (the commands between them are what runs).
_SEPARATOR_WORDS = frozenset(
    {"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "{", "}", "!", "esac", "in"}
)


def _parse(ctx: _Ctx) -> list:
    """The context's simple commands in order, with "(" and ")" marking subshells."""
    items: list = []
    cur = None
    pipe_from = None
    skip = None  # "for": skip to `do` or a separator; "case": skip to `in`; "function": one word
    depth = 0
    case_depths: list[int] = []
    tokens = ctx.tokens
    k = 0
    ntok = len(tokens)

    def end_cmd():
        nonlocal cur
        if cur is not None and (cur.words or cur.redirs):
            items.append(cur)
        done = cur
        cur = None
        return done

    while k < ntok:
        tok = tokens[k]
        k += 1
        kind = tok[0]
        if kind == "w":
            w = tok[1]
            t = w.text
            if skip == "for":
                if not w.quoted and t == "do":
                    skip = None
                continue
            if skip == "case":
                if not w.quoted and t == "in":
                    skip = None
                continue
            if skip == "function":
                skip = None
                continue
            if (cur is None or not cur.words) and not w.quoted:
                # A reserved word where a command starts.
                if t in _SEPARATOR_WORDS:
                    if t == "esac" and case_depths:
                        case_depths.pop()
                    continue
                if t in ("for", "select"):
                    skip = "for"
                    continue
                if t == "case":
                    skip = "case"
                    case_depths.append(depth)
                    continue
                if t == "function":
                    skip = "function"
                    continue
            if cur is None:
                cur = _Cmd()
                if pipe_from is not None:
                    cur.pipe_prev = pipe_from
                    pipe_from.pipe_next = cur
                    pipe_from = None
            cur.words.append(w)
            cur.add(w.start, w.end, w.line, w.end_line)
        elif kind == "r":
            r = tok[1]
            if skip is not None:
                continue
            if cur is None:
                cur = _Cmd()
                if pipe_from is not None:
                    cur.pipe_prev = pipe_from
                    pipe_from.pipe_next = cur
                    pipe_from = None
            cur.redirs.append(r)
            t = r.target
            cur.add(r.start, r.end, r.line, t.end_line if t is not None else r.line)
        else:
            o = tok[1]
            if skip == "for" and o in (";", "\n"):
                skip = None
                continue
            if skip == "case" and o == "\n":
                continue
            if o in ("|", "|&"):
                done = end_cmd()
                pipe_from = done if done is not None and done.words else None
                continue
            pipe_from = None
            if o == "(":
                if (
                    cur is not None
                    and len(cur.words) == 1
                    and k < ntok
                    and tokens[k][0] == "o"
                    and tokens[k][1] == ")"
                ):
                    cur = None  # `name() { … }`: a function definition, its body follows
                    k += 1
                    continue
                end_cmd()
                items.append("(")
                depth += 1
                continue
            if o == ")":
                if case_depths and case_depths[-1] == depth:
                    cur = None  # the end of a case pattern: the words were the pattern
                    continue
                end_cmd()
                if depth > 0:
                    items.append(")")
                    depth -= 1
                continue
            end_cmd()
    end_cmd()
    return items


# ---------------------------------------------------------------------------------------------
# Option scanning
# ---------------------------------------------------------------------------------------------


def _scan(words, start=0, value_short="", value_long=(), rest_short="", stop_at_positional=False):
    """Split ``words[start:]`` into options and positionals, the way getopt-style tools read
    them: ``--name=value``, ``--name value`` for options in ``value_long``, clustered short
    flags (``-qU``) where a letter in ``value_short`` takes the rest of the word or the next
    word, ``--`` ends options. Returns (options as (name, value, word), positionals, index of
    the first positional when ``stop_at_positional``)."""
    opts = []
    pos = []
    i = start
    n = len(words)
    while i < n:
        w = words[i]
        t = w.text
        if t == "--" and not w.quoted:
            pos.extend(words[i + 1 :])
            return opts, pos, i + 1
        if t.startswith("--") and len(t) > 2:
            name, eq, value = t.partition("=")
            if eq:
                opts.append((name, value, w))
            elif name in value_long and i + 1 < n:
                opts.append((name, words[i + 1].text, words[i + 1]))
                i += 1
            else:
                opts.append((name, None, w))
            i += 1
            continue
        if t.startswith("-") and len(t) > 1:
            letters = t[1:]
            j = 0
            while j < len(letters):
                ch = letters[j]
                if ch in value_short:
                    rest = letters[j + 1 :]
                    if rest:
                        opts.append(("-" + ch, rest.removeprefix("="), w))
                    elif i + 1 < n:
                        opts.append(("-" + ch, words[i + 1].text, words[i + 1]))
                        i += 1
                    else:
                        opts.append(("-" + ch, None, w))
                    break
                if ch in rest_short:
                    opts.append(("-" + ch, letters[j + 1 :] or None, w))
                    break
                opts.append(("-" + ch, None, w))
                j += 1
            i += 1
            continue
        if stop_at_positional:
            return opts, words[i:], i
        pos.append(w)
        i += 1
    return opts, pos, n


def _words(text: str) -> frozenset:
    """An option table written as whitespace-separated names."""
    return frozenset(text.split())


def _names(opts) -> set:
    return {o[0] for o in opts}


def _basename(t: str) -> str:
    if "/" not in t and "." not in t:
        return t
    b = t.rsplit("/", 1)[-1]
    return b[:-4] if b.lower().endswith(".exe") else b


_TRUE = {"1", "true", "yes", "on", "y"}


# ---------------------------------------------------------------------------------------------
# Analysis
# ---------------------------------------------------------------------------------------------


class _State:
    """What a shell carries from command to command: directory, exported variables, and the
    variables that hold downloaded content. Copied for subshells."""

    __slots__ = ("cwd", "dirs", "dl_vars", "env", "oldpwd")

    def __init__(self):
        self.cwd = None
        self.oldpwd = None
        self.dirs = []
        self.env = {}
        self.dl_vars = {}

    def copy(self) -> _State:
        s = _State()
        s.cwd = self.cwd
        s.oldpwd = self.oldpwd
        s.dirs = list(self.dirs)
        s.env = dict(self.env)
        s.dl_vars = dict(self.dl_vars)
        return s


class _Walker:
    __slots__ = ("depth", "fixed", "idx", "items", "phase", "source", "states", "sub")

    def __init__(self, items, state, fixed, source, sub, depth):
        self.items = items
        self.idx = 0
        self.phase = 0
        self.states = [state]
        self.fixed = fixed  # (line, end_line) every finding inside takes (an `sh -c` string)
        self.source = source
        self.sub = sub  # the substitution whose output this walker produces
        self.depth = depth


class _Download:
    __slots__ = ("end_line", "line", "origin", "reported", "url", "verified", "where")

    def __init__(self, url, line, end_line, where, origin=None):
        self.url = url
        self.line = line
        self.end_line = end_line
        self.where = where  # (source, start, end) of the downloading command
        self.verified = False  # a checksum or signature was checked after the download
        self.reported = False
        self.origin = origin  # the command that wrote it to stdout

    @property
    def text(self) -> str:
        return _snippet(*self.where)


class _Analyzer:
    def __init__(self, text, first_line, callback):
        self.text = text
        self.first_line = first_line
        self.callback = callback
        self.findings: list[CommandFinding] = []
        # Saved downloads: by normalised path, by file name, by name when saved in a `bin`
        # directory (run as a command), and those not verified yet.
        self.files: dict[str, _Download] = {}
        self.by_base: dict[str, _Download] = {}
        self.bin_names: dict[str, _Download] = {}
        self.pending: dict[_Download, None] = {}
        self.budget = _BUDGET_FACTOR * len(text) + _BUDGET_EXTRA
        self.stack: list[_Walker] = []

    # -- driving ------------------------------------------------------------------------------

    def run(self) -> None:
        top = _tokenize(self.text, self.first_line)
        self.stack.append(_Walker(_parse(top), _State(), None, self.text, None, 0))
        stack = self.stack
        while stack:
            wk = stack[-1]
            if wk.idx >= len(wk.items):
                stack.pop()
                continue
            item = wk.items[wk.idx]
            if item == "(":
                wk.states.append(wk.states[-1].copy())
                wk.idx += 1
                continue
            if item == ")":
                if len(wk.states) > 1:
                    wk.states.pop()
                wk.idx += 1
                continue
            if wk.phase == 0:
                # A command's substitutions run before it: analyse them first.
                wk.phase = 1
                subs = item.subs()
                for sub in reversed(subs):
                    self._push_sub(wk, sub)
                continue
            wk.phase = 0
            wk.idx += 1
            self._command(wk, item)

    def _push_sub(self, wk: _Walker, sub: _Sub) -> None:
        if sub.ctx is not None:
            ctx = sub.ctx
        else:
            if wk.depth >= _MAX_DEPTH or not self._spend(len(sub.text)):
                return
            ctx = _tokenize(sub.text, sub.first_line)
        depth = wk.depth + (sub.ctx is None)
        self.stack.append(_Walker(_parse(ctx), wk.states[-1].copy(), wk.fixed, ctx.source, sub, depth))

    def _push_text(self, wk, text, first_line, fixed, state) -> None:
        """Analyse ``text`` as shell (an `sh -c` string, `eval`, a heredoc fed to a shell)."""
        if wk.depth >= _MAX_DEPTH or not text.strip() or not self._spend(len(text)):
            return
        ctx = _tokenize(text, first_line)
        self.stack.append(_Walker(_parse(ctx), state, fixed, text, None, wk.depth + 1))

    def _spend(self, size: int) -> bool:
        if size > self.budget:
            return False
        self.budget -= size
        return True

    # -- helpers ------------------------------------------------------------------------------

    def _lines(self, wk, first, last=None):
        if wk.fixed is not None:
            return wk.fixed
        last = last or first
        return first.line, max(first.end_line, last.end_line)

    def _text(self, wk, first, last=None) -> str:
        last = last or first
        return _snippet(wk.source, first.start, last.end)

    def _add(self, rule, message, lines, package=None) -> None:
        self.findings.append(CommandFinding(rule, message, lines[0], max(lines[0], lines[1]), package))

    def _hashed(self, path: str, cwd) -> bool | None:
        if "://" in path:
            return None  # a remote requirements file is not in the repository: not checked
        result = self.callback(path, cwd)
        return result if result is True or result is False else None

    # -- one command --------------------------------------------------------------------------

    def _command(self, wk: _Walker, cmd: _Cmd) -> None:
        state = wk.states[-1]
        prev = cmd.pipe_prev
        # Content flows through a pipeline stage unless the stage is known to consume it.
        cmd.flow = prev.flow if prev is not None else None
        unwrapped = _unwrap(cmd.words)
        if unwrapped is None:
            return
        words, assigns, split = unwrapped
        if split is not None:  # `env -S "…"`: the string is the command line
            self._push_text(wk, split, 0, self._lines(wk, cmd), state)
            return
        if not words:
            self._assignments(cmd, state, wk)
            return
        env = dict(state.env)
        env.update(assigns)
        head = words[0]
        name = _basename(head.text) if not head.unknown else ""
        args = words[1:]

        # The command word itself built from downloaded content: `$(curl -fsSL URL)`.
        dl = self._word_download(state, head)
        if dl is not None:
            self._report_run(wk, cmd, dl)
            return

        if name in ("cd", "pushd", "popd"):
            self._chdir(state, name, args)
            return
        if name in ("export", "declare", "typeset", "readonly", "local"):
            for w in args:
                if "=" in w.text and not w.text.startswith("-"):
                    k, _, v = w.text.partition("=")
                    state.env[k] = v
                    self._remember_dl_var(state, k, w)
            return
        if name == "eval":
            for w in args:
                dl = self._word_download(state, w)
                if dl is not None:
                    self._report_run(wk, cmd, dl)
                    return
            self._push_text(wk, " ".join(w.text for w in args), 0, self._lines(wk, cmd), state)
            return
        if name in (".", "source"):
            if args:
                self._run_file(wk, cmd, state, args[0])
            return
        if name in _DOWNLOADERS:
            self._download(wk, cmd, state, name, args)
            return
        if name in _CHECKSUMS or name in ("openssl", "shasum", "cksum"):
            self._checksum(wk, cmd, state, name, args)
            return
        if name in _SIGNATURES or name in (
            "gpg",
            "gpg2",
            "cosign",
            "ssh-keygen",
            "gh",
            "sigstore",
            "slsa-verifier",
        ):
            self._signature(wk, cmd, state, name, args)
            return
        if name in ("mv", "cp", "install", "ln"):
            self._copy(state, name, args)
            self._stdout_redirect(wk, cmd, state)
            return
        if name == "tee":
            self._tee(wk, cmd, state, args)
            return
        if name in ("echo", "printf", "cat"):
            self._emit(wk, cmd, state, name, args)
            self._stdout_redirect(wk, cmd, state)
            return

        interp = _interpreter(name, args)
        if interp is not None:
            kind, arg, rest = interp
            if kind == "module":
                self._python_module(wk, cmd, state, env, arg, rest)
                return
            self._interpreter(wk, cmd, state, name, kind, arg)
            return

        if name in _SU:
            code = _su_code(args)
            if code is not None:
                self._code_string(wk, cmd, state, code, shell=True)
            return

        # Running a file by path: `./install.sh`, `/tmp/tool`, or a download put in a bin dir.
        if "/" in head.text or name in self.bin_names:
            self._run_file(wk, cmd, state, head, by_name="/" not in head.text)

        handler = _INSTALLERS.get(name)
        if handler is not None:
            handler(self, wk, cmd, state, env, name, args)
        elif _PIP_NAME.match(name):
            self._pip(wk, cmd, state, env, args, uv=False)
        self._stdout_redirect(wk, cmd, state)

    # -- state --------------------------------------------------------------------------------

    def _assignments(self, cmd, state, wk) -> None:
        for w in cmd.words:
            if w.assign:
                k, _, _v = w.text.partition("=")
                self._remember_dl_var(state, k.rstrip("+"), w)

    def _remember_dl_var(self, state, name, word) -> None:
        dl = self._word_download(state, word)
        if dl is not None:
            state.dl_vars[name] = dl
        else:
            state.dl_vars.pop(name, None)

    def _chdir(self, state: _State, name: str, args) -> None:
        # `cd DIR` / `pushd DIR` / `popd`: later `pip install -r FILE` resolve FILE from there.
        _opts, pos, _ = _scan(args, value_short="")
        if name == "popd":
            if state.dirs:
                state.oldpwd, state.cwd = state.cwd, state.dirs.pop()
            return
        target = pos[0].text if pos else "~"
        if name == "pushd":
            state.dirs.append(state.cwd)
        if target == "-":
            state.cwd, state.oldpwd = state.oldpwd, state.cwd
            return
        state.oldpwd = state.cwd
        state.cwd = _join(state.cwd, target)

    def _path(self, state: _State, p: str) -> str:
        return _join(state.cwd, p)

    def _save(self, state: _State, path: str, dl: _Download) -> None:
        """``dl`` is now in the file ``path`` (relative to the current directory)."""
        if path == "/dev/null":
            return
        key = self._path(state, path)
        self.files[key] = dl
        base = posixpath.basename(key)
        self.by_base[base] = dl
        if posixpath.basename(posixpath.dirname(key)) == "bin":
            self.bin_names[base] = dl
        if not dl.verified:
            self.pending[dl] = None

    def _verified(self, dl: _Download) -> None:
        dl.verified = True
        self.pending.pop(dl, None)

    # -- downloads ----------------------------------------------------------------------------

    def _word_download(self, state, word) -> _Download | None:
        for sub in word.subs:
            if sub.downloads:
                return sub.downloads[0]
        if "$" in word.text and state.dl_vars:
            for m in _VAR_REF.finditer(word.text):
                dl = state.dl_vars.get(m.group(1))
                if dl is not None:
                    return dl
        return None

    def _download(self, wk, cmd, state, name, args) -> None:
        targets = _download_targets(name, args)
        lines = self._lines(wk, cmd)
        where = (wk.source, cmd.start, cmd.end)
        out_redirect = _stdout_target(cmd) if cmd.redirs else None
        for url, dest in targets:
            dl = _Download(url, lines[0], lines[1], where, cmd)
            if dest is None and out_redirect is not None:
                dest = out_redirect  # `curl URL > file`
            if dest is None:
                cmd.flow = dl  # to stdout: a pipe or the enclosing substitution gets the code
                if cmd.pipe_next is None and wk.sub is not None:
                    wk.sub.downloads.append(dl)
            else:
                self._save(state, dest, dl)

    def _stdout_redirect(self, wk, cmd, state) -> None:
        """Downloaded content written to a file by a redirection (`curl … | gunzip > tool`), or
        handed on as the output of the enclosing substitution."""
        if cmd.flow is None:
            return
        dest = _stdout_target(cmd)
        if dest is not None:
            self._save(state, dest, cmd.flow)
            cmd.flow = None
        elif cmd.pipe_next is None and wk.sub is not None:
            wk.sub.downloads.append(cmd.flow)

    def _tee(self, wk, cmd, state, args) -> None:
        _opts, pos, _ = _scan(args)
        if cmd.flow is not None:
            for w in pos:
                self._save(state, w.text, cmd.flow)
        self._stdout_redirect(wk, cmd, state)

    def _emit(self, wk, cmd, state, name, args) -> None:
        """`echo "$script"` / `printf …` / `cat FILE`: output carries downloaded content, or
        text that a shell down the pipe would run (`cat <<EOF | sh`, `echo '…' | bash`)."""
        if name == "cat" and not args:
            for r in cmd.redirs:
                if r.body is not None and r.fd in (None, 0):
                    cmd.script = (r.body, r.body_line)
                elif r.op == "<<<" and r.target is not None:
                    cmd.script = (r.target.text, 0)
        elif name in ("echo", "printf"):
            texts = [w.text for w in args if not (w.text.startswith("-") and len(w.text) <= 3)]
            cmd.script = (" ".join(texts), 0)
        for w in args:
            dl = self._word_download(state, w)
            if dl is None and name == "cat" and not w.text.startswith("-"):
                dl = self.files.get(self._path(state, w.text))
            if dl is not None:
                cmd.flow = dl
                return
        if name == "cat":
            stdin = _stdin_target(cmd)
            if stdin is not None:
                dl = self.files.get(self._path(state, stdin))
                if dl is not None:
                    cmd.flow = dl
                    return
            if args or _has_stdin_redirect(cmd):
                cmd.flow = None
        else:
            cmd.flow = None

    def _copy(self, state, name, args) -> None:
        """`mv f /usr/local/bin/f`, `install -m 755 f …`: the copy is the same download."""
        value_short = {"install": "mogtSC", "cp": "tS", "mv": "tS", "ln": "tS"}[name]
        opts, pos, _ = _scan(args, value_short=value_short, value_long=_COPY_VALUES)
        target_dir = next((v for o, v, _w in opts if o in ("-t", "--target-directory") and v), None)
        if target_dir is not None:
            sources, dest = pos, target_dir
        elif len(pos) >= 2:
            sources, dest = pos[:-1], pos[-1].text
        else:
            return
        for src in sources:
            dl = self.files.get(self._path(state, src.text))
            if dl is None:
                continue
            self._save(state, dest, dl)
            self._save(state, posixpath.join(dest, posixpath.basename(src.text)), dl)

    def _run_file(self, wk, cmd, state, word, by_name=False) -> None:
        """A command runs the file ``word`` names (or reads it as a script)."""
        dl = self._word_download(state, word)
        if dl is not None:
            self._report_run(wk, cmd, dl)  # `bash <(curl …)`, `. <(curl …)`
            return
        if by_name:
            dl = self.bin_names.get(word.text)
            if dl is not None:
                self._report_run(wk, cmd, dl)
            return
        dl = self.files.get(self._path(state, word.text))
        if dl is not None:
            self._report_run(wk, cmd, dl)

    def _report_run(self, wk, cmd, dl: _Download) -> None:
        """``cmd`` runs the downloaded content ``dl``: HY113, at the lines from the download to
        the run."""
        # Not reported: an immutable URL (a full commit id in its path), or a file whose
        # checksum or signature was verified between the download and this command.
        if dl.verified or dl.reported or _immutable(dl.url):
            return
        first = cmd
        while first.pipe_prev is not None:
            first = first.pipe_prev
        lines = self._lines(wk, first, cmd)
        here = self._text(wk, first, cmd)
        start, end = min(lines[0], dl.line), max(lines[1], dl.end_line)
        source, dl_start, dl_end = dl.where
        if source is wk.source and first.start <= dl_start and dl_end <= cmd.end:
            # Downloaded and run by the same command: `curl … | sh`, `bash <(curl …)`.
            msg = (
                f"`{here}` runs code downloaded from `{_short(dl.url)}` without verifying it: "
                "download it to a file and check its SHA-256 (or pin the URL to a commit) before running it"
            )
        else:
            dl.reported = True  # one finding per download, at its first run
            msg = (
                f"`{dl.text}` downloads `{_short(dl.url)}` and `{here}` runs it without verifying a "
                "checksum or signature: pin the URL to a commit or check the file's SHA-256 before running it"
            )
        self._add("HY113", msg, (start, end), dl.url)

    # -- verification -------------------------------------------------------------------------

    def _mark(self, state, evidence_words, evidence_text="") -> None:
        """Mark verified the downloads the evidence names, or all pending ones when it names
        none (a checksum or signature file lists the files itself)."""
        if not self.pending:
            return
        named = {}
        tokens = {w.text.lstrip("*") for w in evidence_words}
        tokens.update(t.lstrip("*") for t in evidence_text.split())
        for t in tokens:
            if not t:
                continue
            dl = self.files.get(self._path(state, t))
            if dl is None and "/" not in t:
                dl = self.by_base.get(t)  # `echo "HEX  install.sh"` names the file by name
            if dl is not None and not dl.verified:
                named[dl] = None
        for dl in list(named or self.pending):
            self._verified(dl)

    def _evidence(self, cmd):
        """Text fed to a checker: earlier pipeline stages (`echo "HEX  f" | sha256sum -c`),
        here-strings and heredocs."""
        words = []
        text = []
        prev = cmd.pipe_prev
        while prev is not None:
            words.extend(prev.words)
            prev = prev.pipe_prev
        for r in cmd.redirs:
            if r.op == "<<<" and r.target is not None:
                text.append(r.target.text)
            elif r.body is not None:
                text.append(r.body)
        return words, " ".join(text)

    def _checksum(self, wk, cmd, state, name, args) -> None:
        # Strong digests only: md5sum, sha1sum and `shasum` without `-a 256/384/512` do not
        # count as verification (HY115 treats md5 and sha1 as weak too).
        if name == "openssl":
            opts, pos, _ = _scan(args, value_short="", value_long=_OPENSSL_VALUES)
            if not pos or pos[0].text not in ("dgst", "sha256", "sha384", "sha512", "sha3-256", "sha3-512"):
                return
            flat = [w.text for w in args]
            if "-verify" in flat or "-prverify" in flat:
                self._mark(state, args)  # a signature check of the file
                return
            if pos[0].text == "dgst" and not any(
                t in flat for t in ("-sha256", "-sha384", "-sha512", "-sha3-256", "-sha3-512")
            ):
                return
            files = pos[1:]
            check = False
        else:
            opts, files, _ = _scan(
                args, value_short="a" if name in ("shasum", "cksum") else "", value_long={"--algorithm"}
            )
            flags = _names(opts)
            if name in ("shasum", "cksum"):
                algo = next(
                    (v for o, v, _w in opts if o in ("-a", "--algorithm") and v),
                    "1" if name == "shasum" else "crc",
                )
                if algo.lower().lstrip("sha") not in (
                    "256",
                    "384",
                    "512",
                    "224",
                    "512224",
                    "512256",
                    "3-256",
                    "3-512",
                ) and algo.lower() not in ("blake2b", "sm3"):
                    return
            check = bool(flags & {"-c", "--check"})
        if check:
            words, text = self._evidence(cmd)
            self._mark(state, words + files, text)
            return
        # Computing a digest counts when it is compared: piped on (`| grep -q HEX`, `| cut`)
        # or captured by a substitution (`[ "$(sha256sum f | cut -d' ' -f1)" = "$SUM" ]`).
        # Printing it to the log verifies nothing.
        if cmd.pipe_next is not None or wk.sub is not None:
            for w in files:
                dl = self.files.get(self._path(state, w.text))
                if dl is not None:
                    self._verified(dl)

    def _signature(self, wk, cmd, state, name, args) -> None:
        flat = [w.text for w in args]
        ok = (
            (name in ("gpg", "gpg2") and any(t in ("--verify", "--verify-files") for t in flat))
            or name == "gpgv"
            or (name == "cosign" and flat[:1] and flat[0] in ("verify-blob", "verify-blob-attestation"))
            or (
                name == "minisign"
                and any(t.startswith("-") and not t.startswith("--") and "V" in t for t in flat)
            )
            or (
                name in ("signify", "signify-openbsd") and any(t.startswith("-") and "V" in t for t in flat)
            )
            or (name == "ssh-keygen" and "-Y" in flat and "verify" in flat)
            or (name == "gh" and flat[:2] == ["attestation", "verify"])
            or (name == "sigstore" and flat[:1] == ["verify"])
            or (name == "slsa-verifier" and flat[:1] and flat[0].startswith("verify"))
        )
        if ok:
            words, text = self._evidence(cmd)
            self._mark(state, list(args) + words, text)

    # -- interpreters -------------------------------------------------------------------------

    def _interpreter(self, wk, cmd, state, name, kind, arg) -> None:
        shell = name in _SHELLS
        if kind == "code":
            if arg is not None:
                self._code_string(wk, cmd, state, arg, shell=shell)
            cmd.flow = None
            return
        if kind == "file":
            self._run_file(wk, cmd, state, arg)
            cmd.flow = None
            self._stdout_redirect(wk, cmd, state)
            return
        # The program comes from stdin: a pipe, `< file`, `<<< "…"`, or a heredoc.
        stdin = [r for r in cmd.redirs if r.op in ("<", "<<", "<<-", "<<<", "<>") and r.fd in (None, 0)]
        if stdin:
            r = stdin[-1]
            if r.op in ("<<", "<<-"):
                # A heredoc is data unless a shell reads it: then its body is the script.
                if shell and r.body:
                    fixed = wk.fixed
                    self._push_text(wk, r.body, r.body_line, fixed, state.copy())
            elif r.target is not None:
                if r.op == "<<<":
                    dl = self._word_download(state, r.target)
                    if dl is not None:
                        self._report_run(wk, cmd, dl)
                    elif shell:
                        self._push_text(wk, r.target.text, 0, self._lines(wk, cmd), state.copy())
                else:
                    self._run_file(wk, cmd, state, r.target)
            cmd.flow = None
            return
        if cmd.flow is not None:
            dl = cmd.flow
            cmd.flow = None
            # Downloaded in this very pipeline (`curl … | sh`), or earlier (`cat f | sh`).
            self._report_run(wk, cmd, dl)
        elif shell and cmd.pipe_prev is not None and cmd.pipe_prev.script is not None:
            text, first_line = cmd.pipe_prev.script
            fixed = wk.fixed if first_line else self._lines(wk, cmd.pipe_prev, cmd)
            self._push_text(wk, text, first_line, fixed, state.copy())

    def _code_string(self, wk, cmd, state, word, shell: bool) -> None:
        """`sh -c "…"`, `su -c "…"`, `python -c "…"`: downloaded code, or shell to analyse."""
        dl = self._word_download(state, word)
        if dl is not None:
            self._report_run(wk, cmd, dl)
            return
        if shell:
            self._push_text(wk, word.text, 0, self._lines(wk, cmd), state.copy())

    def _python_module(self, wk, cmd, state, env, module, rest) -> None:
        if module == "pip":
            self._pip(wk, cmd, state, env, rest, uv=False)
        elif module == "pipx":
            self._pipx(wk, cmd, state, env, "pipx", rest)
        elif module == "uv":
            self._uv(wk, cmd, state, env, "uv", rest)
        elif module in ("ensurepip", "venv", "virtualenv"):
            pass  # bundled wheels / a new environment: nothing fetched by name

    # -- HY112: Python ------------------------------------------------------------------------

    def _pip(self, wk, cmd, state, env, args, uv: bool) -> None:
        # General options may come before the subcommand (`pip --disable-pip-version-check
        # install …`), install options after it.
        opts, pos, sub_index = _scan(
            args, value_short=_PIP_SHORT_VALUES, value_long=_PIP_LONG_VALUES, stop_at_positional=True
        )
        if not pos:
            return
        sub = pos[0].text
        if sub not in ("install", "sync") or (sub == "sync" and not uv):
            return  # download, uninstall, freeze, list, show, wheel …: nothing installed
        opts2, reqs, _ = _scan(
            args, sub_index + 1, value_short=_PIP_SHORT_VALUES, value_long=_PIP_LONG_VALUES
        )
        opts = opts + opts2
        flags = _names(opts)
        if flags & {"-h", "--help", "--dry-run", "-V", "--version"}:
            return  # help, or a dry run that installs nothing
        var = "UV_REQUIRE_HASHES" if uv else "PIP_REQUIRE_HASHES"
        if "--require-hashes" in flags or env.get(var, "").lower() in _TRUE:
            # Hash-checking mode: pip (and uv with --require-hashes) refuses any requirement,
            # direct or transitive, that has no matching hash. The whole command is pinned.
            return
        no_deps = "--no-deps" in flags or (not uv and env.get("PIP_NO_DEPS", "").lower() in _TRUE)
        # uv verifies the hashes a requirements file carries by default (`--verify-hashes`),
        # without requiring them everywhere: a hashed file is fine, the rest is judged alone.
        uv_verifies = uv and "--no-verify-hashes" not in flags

        files = [v for o, v, _w in opts if o in ("-r", "--requirement", "--requirements") and v]
        # Requirements as (text, unknown): positionals, and the values of -e/--editable.
        items = [(w.text, w.unknown) for w in reqs]
        if sub == "sync":
            files += [t for t, unknown in items if not unknown]
            items = []
        editable = [v for o, v, _w in opts if o in ("-e", "--editable") and v]
        items += [(v, _EXPANSION.fullmatch(v) is not None) for v in editable]
        results = [(path, self._hashed(path, state.cwd)) for path in files]
        if files and not uv and all(r is True for _p, r in results):
            # Every -r file puts pip in hash-checking mode: pip then refuses anything unhashed
            # on the command line too, so nothing unpinned can be installed.
            return
        unhashed = [p for p, r in results if r is False]
        unverified = [p for p, r in results if r is True and uv and not uv_verifies]
        unknown = [p for p, r in results if r is None]

        unversioned, versioned, paths = [], [], []
        package = None
        for text, is_unknown in items:
            if is_unknown:
                continue  # `pip install $PKGS`: cannot be judged (and cannot pin the command)
            kind = _req_kind(text)
            if kind == "path":
                # A local project or archive: pip installs its dependencies unpinned unless
                # --no-deps; the file itself is part of the repository (or built by it).
                if not no_deps:
                    paths.append(text)
                continue
            if kind == "url" and no_deps and _url_pinned(text):
                continue  # a VCS URL at a full commit or a URL with #sha256=, without deps
            if package is None:
                package = _req_name(text) if kind == "name" else text
            (versioned if kind == "url" or "==" in text else unversioned).append(text)
        if not (unversioned or versioned or paths or unhashed or unverified or unknown):
            return
        parts = []
        if unversioned:
            parts.append(f"installs {_list(unversioned)} without a version and hash")
        if versioned:
            parts.append(f"installs {_list(versioned)} without a hash")
        if paths:
            parts.append(
                f"installs the dependencies of {_list(paths)} without versions and hashes (no `--no-deps`)"
            )
        if unhashed:
            parts.append(
                f"installs {_list(unhashed)}, which {'is' if len(unhashed) == 1 else 'are'} not fully hashed"
            )
        if unverified:
            parts.append(f"installs {_list(unverified)} without verifying its hashes (`--no-verify-hashes`)")
        if unknown:
            parts.append(f"installs {_list(unknown)}, which could not be checked for hashes")
        tool = "uv pip install --require-hashes" if uv else "pip install --require-hashes"
        msg = (
            f"`{self._text(wk, cmd)}` {'; '.join(parts)}: pin every requirement with `==` and `--hash` "
            f"in a requirements file and install it with `{tool} -r FILE`"
        )
        self._add("HY112", msg, self._lines(wk, cmd), package)

    def _pipx(self, wk, cmd, state, env, name, args) -> None:
        # pipx cannot check hashes: an exact `==version` is the strongest pin it offers.
        _opts, pos, _ = _scan(args, value_short="", value_long=_PIPX_VALUES, stop_at_positional=True)
        if not pos:
            return
        sub = pos[0].text
        rest = pos[1:]
        if sub in ("install", "inject"):
            opts2, specs, _ = _scan(rest, value_short="", value_long=_PIPX_VALUES)
            if sub == "inject":
                specs = specs[1:]  # the first positional is the environment
            specs = [w for w in specs if not w.unknown]
            spec_opt = [v for o, v, _w in opts2 if o == "--spec" and v]
            if spec_opt:
                specs = [w for w in specs if False] + [_fake_word(v) for v in spec_opt]
            # A local path is the repository's own project: no version to pin.
            bad = [w.text for w in specs if not _exact_pep440(w.text) and _req_kind(w.text) != "path"]
            if bad:
                self._add(
                    "HY112",
                    f"`{self._text(wk, cmd)}` installs {_list(bad)} without an exact version: pin it with "
                    "`==` "
                    "(pipx cannot check hashes; an exact version is the strongest pin it offers)",
                    self._lines(wk, cmd),
                    _req_name(bad[0]) if _req_kind(bad[0]) == "name" else bad[0],
                )
        elif sub == "run":
            opts2, apps, _ = _scan(rest, value_short="", value_long=_PIPX_VALUES, stop_at_positional=True)
            spec = next((v for o, v, _w in opts2 if o == "--spec" and v), None)
            target = spec if spec is not None else (apps[0].text if apps and not apps[0].unknown else None)
            if target is not None and not _exact_pep440(target):
                self._add(
                    "HY112",
                    f"`{self._text(wk, cmd)}` runs `{target}` without an exact version: use `--spec "
                    "NAME==VERSION`",
                    self._lines(wk, cmd),
                    _req_name(target) if _req_kind(target) == "name" else target,
                )
        elif sub in ("upgrade", "upgrade-all", "reinstall", "reinstall-all"):
            # An upgrade installs whatever is newest: unpinned by definition.
            first = next((w.text for w in rest if not w.text.startswith("-")), None)
            self._add(
                "HY112",
                f"`{self._text(wk, cmd)}` upgrades to whatever version is newest: install an exact version "
                "with `pipx install NAME==VERSION`",
                self._lines(wk, cmd),
                first,
            )

    def _uv(self, wk, cmd, state, env, name, args) -> None:
        if name == "uvx":
            self._uv_tool_run(wk, cmd, args)
            return
        _opts, pos, _ = _scan(
            args, value_short=_UV_GLOBAL_SHORT, value_long=_UV_GLOBAL_VALUES, stop_at_positional=True
        )
        if not pos:
            return
        sub = pos[0].text
        if sub == "pip":
            self._pip(wk, cmd, state, env, pos[1:], uv=True)
        elif sub == "tool" and len(pos) > 1:
            action = pos[1].text
            if action == "install":
                self._uv_tool_install(wk, cmd, pos[2:])
            elif action == "run":
                self._uv_tool_run(wk, cmd, pos[2:])
            elif action == "upgrade":
                self._add(
                    "HY112",
                    f"`{self._text(wk, cmd)}` upgrades to whatever version is newest: install an exact "
                    "version with `uv tool install NAME==VERSION`",
                    self._lines(wk, cmd),
                    next((w.text for w in pos[2:] if not w.text.startswith("-")), None),
                )
        # `uv sync`, `uv run`, `uv lock`: they install from uv.lock (HY108/HY109 judge it).

    def _uv_tool_install(self, wk, cmd, args) -> None:
        bad = _uv_tool_unpinned(args, stop_at_positional=False)
        if bad:
            self._add(
                "HY112",
                f"`{self._text(wk, cmd)}` installs {_list(bad)} without an exact version: pin it with `==` "
                "(uv cannot check hashes of a tool install; an exact version is the strongest pin it offers)",
                self._lines(wk, cmd),
                _req_name(bad[0]) if _req_kind(bad[0]) == "name" else bad[0],
            )

    def _uv_tool_run(self, wk, cmd, args) -> None:
        # `uvx TOOL` fetches and runs the newest TOOL: like `pipx run`, pinned by an exact
        # version (`TOOL@1.2.3`, `--from TOOL==1.2.3`).
        bad = _uv_tool_unpinned(args, stop_at_positional=True)
        if bad:
            self._add(
                "HY112",
                f"`{self._text(wk, cmd)}` runs {_list(bad)} without an exact version: pin it as "
                "`NAME@VERSION` or `--from NAME==VERSION`",
                self._lines(wk, cmd),
                _req_name(bad[0]) if _req_kind(bad[0]) == "name" else bad[0],
            )

    # -- HY112: JavaScript --------------------------------------------------------------------

    def _npm(self, wk, cmd, state, env, name, args) -> None:
        if name == "npx":
            self._npx(wk, cmd, args)
            return
        opts, pos, _ = _scan(args, value_short=_NPM_SHORT, value_long=_NPM_VALUES)
        if not pos:
            return
        sub = pos[0].text
        flags = _names(opts)
        if flags & {"-h", "--help", "--dry-run", "--package-lock-only"}:
            return  # help, or nothing installed
        pkgs = [w.text for w in pos[1:] if not w.unknown]
        if sub in _NPM_INSTALL or sub in _NPM_UPDATE:
            # `npm install`/`npm update` resolve package.json ranges anew (and rewrite the
            # lockfile); `npm ci` installs exactly the lockfile, integrity hashes included.
            # Global installs and named packages have no lockfile at all.
            if pkgs:
                what = f"installs {_list(pkgs)} without a lockfile or integrity check"
            elif sub in _NPM_UPDATE:
                what = "updates dependencies to the newest versions the ranges allow"
            else:
                what = "resolves dependencies anew instead of installing the lockfile"
            self._add(
                "HY112",
                f"`{self._text(wk, cmd)}` {what}: use `npm ci` (and declare the packages in package.json)",
                self._lines(wk, cmd),
                _npm_name(pkgs[0]) if pkgs else None,
            )
        elif sub in ("exec", "x"):
            self._npx(wk, cmd, args[args.index(pos[0]) + 1 :])
        elif sub in ("create", "init", "innit") and pkgs:
            self._create(wk, cmd, pkgs[0])

    def _create(self, wk, cmd, spec) -> None:
        # `npm init vite`, `npm create vite`, `yarn create vite`, `pnpm create`, `bun create`:
        # fetch and run the `create-vite` package, like npx.
        package = _initializer(spec)
        self._fetched_run(wk, cmd, f"`{package}`", package, _NPX_FIX)

    def _fetched_run(self, wk, cmd, shown: str, package: str | None, fix: str) -> None:
        """HY112: a package fetched and run at once (npx, pnpx, `create`), with no lockfile."""
        self._add(
            "HY112",
            f"`{self._text(wk, cmd)}` runs {shown} fetched without a lockfile or integrity check: {fix}",
            self._lines(wk, cmd),
            package,
        )

    def _unlocked_install(self, wk, cmd, fix: str) -> None:
        """HY112: an install that may resolve package.json's ranges instead of the lockfile."""
        self._add(
            "HY112",
            f"`{self._text(wk, cmd)}` may resolve dependencies anew instead of installing the lockfile: {fix}",
            self._lines(wk, cmd),
        )

    def _unlocked_packages(self, wk, cmd, what: str, install: str, packages) -> None:
        """HY112: packages added, updated or run by name, outside the lockfile."""
        self._add(
            "HY112",
            f"`{self._text(wk, cmd)}` {what} without the lockfile's integrity check: declare dependencies in "
            f"package.json and install with {install}",
            self._lines(wk, cmd),
            _npm_name(packages[0]) if packages else None,
        )

    def _lockfile_subcommand(self, wk, cmd, sub, pkgs, *, frozen, installs, bypass, runs, frozen_fix, install) -> None:
        """pnpm and bun: `install` without packages must keep to the lockfile (`frozen`);
        `create` runs an initializer; installing, adding or updating named packages (`bypass`)
        and running one (`runs`: dlx, x) go around the lockfile."""
        if sub in installs and not pkgs:
            if not frozen:
                self._unlocked_install(wk, cmd, frozen_fix)
        elif sub == "create" and pkgs:
            self._create(wk, cmd, pkgs[0])
        elif sub in bypass or sub in runs:
            if sub in runs:
                pkgs = pkgs[:1]  # the rest are the tool's arguments
            verb = "runs" if sub in runs else "installs" if pkgs else "updates"
            what = f"{verb} {_list(pkgs)}" if pkgs else f"{verb} dependencies"
            self._unlocked_packages(wk, cmd, what, install, pkgs)

    def _npx(self, wk, cmd, args) -> None:
        # npx/npm exec fetch a package at run time with no lockfile and no integrity check;
        # even an exact version is not verified (spec: "npx instead of npm ci"): reported,
        # unless `--no`/`--no-install` restricts it to what is already installed.
        opts, pos, _ = _scan(args, value_short="pc", value_long=_NPX_VALUES, stop_at_positional=True)
        flags = _names(opts)
        if flags & {"--no", "--no-install", "-h", "--help", "--offline"}:
            return
        packages = [v for o, v, _w in opts if o in ("-p", "--package") and v]
        if not packages and pos and not pos[0].unknown:
            packages = [pos[0].text]
        if not packages:
            return
        self._fetched_run(wk, cmd, f"`{packages[0]}`", _npm_name(packages[0]), _NPX_FIX)

    def _yarn(self, wk, cmd, state, env, name, args) -> None:
        opts, pos, _ = _scan(args, value_short="", value_long=_YARN_VALUES)
        flags = _names(opts)
        if flags & {"-h", "--help", "-v", "--version"}:
            return
        words = list(pos)
        if words and words[0].text == "workspace" and len(words) > 2:
            words = words[2:]  # `yarn workspace NAME add x`
        sub = words[0].text if words else "install"
        rest = [w.text for w in words[1:] if not w.unknown]
        if sub == "install":
            # Yarn 1 `--frozen-lockfile`, Yarn 2+ `--immutable`. Yarn 2+ turns immutable on by
            # itself when it detects CI, which the file does not show: reported.
            if not flags & {"--frozen-lockfile", "--immutable"}:
                self._unlocked_install(wk, cmd, "add `--frozen-lockfile` (Yarn 1) or `--immutable` (Yarn 2+)")
        elif sub in ("add", "upgrade", "up", "upgrade-interactive", "dlx") or (
            sub == "global" and rest[:1] and rest[0] in ("add", "upgrade")
        ):
            pkgs = [p for p in (rest[1:] if sub == "global" else rest) if not p.startswith("-")]
            if sub == "dlx":
                pkgs = pkgs[:1]  # the rest are the tool's arguments
            verb = "runs" if sub == "dlx" else "installs"
            what = f"{verb} {_list(pkgs)}" if pkgs else f"{verb} packages"
            self._unlocked_packages(wk, cmd, what, "`yarn install --frozen-lockfile` (or `--immutable`)", pkgs)
        elif sub == "create" and rest:
            self._create(wk, cmd, rest[0])
        # `yarn run x`, `yarn build`, `yarn test`: scripts, nothing installed.

    def _pnpm(self, wk, cmd, state, env, name, args) -> None:
        if name == "pnpx":
            pos = [w for w in args if not w.text.startswith("-") and not w.unknown]
            shown = f"`{pos[0].text}`" if pos else "a package"
            fix = "add it to package.json and run it after `pnpm install --frozen-lockfile`"
            self._fetched_run(wk, cmd, shown, _npm_name(pos[0].text) if pos else None, fix)
            return
        opts, pos, _ = _scan(args, value_short="CF", value_long=_PNPM_VALUES)
        flags = _names(opts)
        if flags & {"-h", "--help", "-v", "--version"} or not pos:
            return
        frozen = "--frozen-lockfile" in flags and not any(
            o == "--frozen-lockfile" and v == "false" for o, v, _w in opts
        )
        # pnpm defaults to --frozen-lockfile only when it detects CI, which the file does not
        # show: reported unless written.
        self._lockfile_subcommand(
            wk, cmd, pos[0].text, [w.text for w in pos[1:] if not w.unknown],
            frozen=frozen and "--no-frozen-lockfile" not in flags,
            installs=("install", "i", "install-test", "it"),
            bypass=("install", "i", "add", "update", "up", "upgrade"),
            runs=("dlx",),
            frozen_fix="add `--frozen-lockfile`",
            install="`pnpm install --frozen-lockfile`",
        )

    def _bun(self, wk, cmd, state, env, name, args) -> None:
        if name == "bunx":
            args = [_fake_word("x")] + list(args)
        opts, pos, _ = _scan(args, value_short="c", value_long=_BUN_VALUES, stop_at_positional=True)
        if not pos:
            return
        sub = pos[0].text
        opts2, rest, _ = _scan(
            pos[1:], value_short="c", value_long=_BUN_VALUES, stop_at_positional=sub == "x"
        )
        self._lockfile_subcommand(
            wk, cmd, sub, [w.text for w in rest if not w.unknown],
            frozen="--frozen-lockfile" in _names(opts) | _names(opts2),
            installs=("install", "i"),
            bypass=("install", "i", "add", "a", "update"),
            runs=("x",),
            frozen_fix="add `--frozen-lockfile` (or use `bun ci`)",
            install="`bun install --frozen-lockfile`",
        )

    # -- HY112: Go, Ruby, Rust ----------------------------------------------------------------

    def _go(self, wk, cmd, state, env, name, args) -> None:
        if not args:
            return
        sub = args[0].text
        if sub not in ("install", "get", "run"):
            return
        flags = set()
        pos = []
        i = 1
        while i < len(args):
            t = args[i].text
            if t == "--":
                pos.extend(args[i + 1 :])
                break
            if t.startswith("-") and len(t) > 1:
                flag = "-" + t.lstrip("-").split("=", 1)[0]
                flags.add(flag)
                if "=" not in t and flag in _GO_VALUES:
                    i += 1
                i += 1
                continue
            pos.append(args[i])
            if sub == "run":
                break  # the rest are the program's arguments
            i += 1
        text = self._text(wk, cmd)
        lines = self._lines(wk, cmd)
        if sub == "get" and "-u" in flags:
            # `go get -u` upgrades the named packages' dependencies to their newest versions.
            first = next((w.text for w in pos if not w.unknown and _go_remote(w.text)), None)
            self._add(
                "HY112",
                f"`{text}` upgrades dependencies to their newest versions: name exact versions (`go get "
                "MODULE@vX.Y.Z`) without `-u`",
                lines,
                _go_module(first) if first else None,
            )
            return
        bad = []
        for w in pos:
            if w.unknown:
                continue
            path, at, version = w.text.partition("@")
            if sub == "run" and not at:
                continue  # `go run .`/`go run main.go`/a package of the main module
            if not at:
                if not _go_remote(path):
                    continue
                bad.append(w.text)  # spec: unversioned `go install` counts as unpinned
                continue
            # An exact version (semver, pseudo-version) or a full commit id is pinned: the
            # module is then verified against go.sum / the checksum database.
            if _GO_EXACT.match(version) or _HEX40.fullmatch(version) or version == "none":
                continue
            bad.append(w.text)
        if bad:
            verb = {"install": "installs", "get": "adds", "run": "runs"}[sub]
            self._add(
                "HY112",
                f"`{text}` {verb} {_list(bad)} without an exact version: use `@vX.Y.Z` (not `@latest`, a "
                "branch or no version)",
                lines,
                _go_module(bad[0]),
            )

    def _gem(self, wk, cmd, state, env, name, args) -> None:
        opts, pos, _ = _scan(args, value_short="vinspPg", value_long=_GEM_VALUES, stop_at_positional=False)
        if not pos:
            return
        sub = pos[0].text
        text = self._text(wk, cmd)
        lines = self._lines(wk, cmd)
        flags = _names(opts)
        if flags & {"-h", "--help"}:
            return
        names = [w.text for w in pos[1:] if not w.unknown]
        if sub == "update":
            # An update installs whatever is newest (`--system VERSION` names one).
            if "--system" in flags and names and _GEM_EXACT.match(names[0]):
                return
            self._add(
                "HY112",
                f"`{text}` updates to whatever version is newest: install an exact version with `gem "
                "install NAME -v VERSION`",
                lines,
                names[0] if names else None,
            )
            return
        if sub not in ("install", "i"):
            return
        if flags & {"-g", "--file"}:
            return  # installs from a Gemfile (and its lock)
        version = next((v for o, v, _w in opts if o in ("-v", "--version") and v), None)
        bad = []
        for t in names:
            if t.endswith(".gem"):
                # A local gem file: gem still resolves its dependencies unpinned.
                if "--ignore-dependencies" not in flags:
                    bad.append(t)
                continue
            _name, colon, ver = t.partition(":")
            if colon and _GEM_EXACT.match(ver):
                continue  # `gem install rake:13.0.6`
            if version is not None and _GEM_EXACT.match(version.strip()):
                continue
            bad.append(t)
        if bad:
            self._add(
                "HY112",
                f"`{text}` installs {_list(bad)} without an exact version: add `-v VERSION` (gem cannot "
                "check hashes; an exact version is the strongest pin it offers)",
                lines,
                bad[0].partition(":")[0],
            )

    def _cargo(self, wk, cmd, state, env, name, args) -> None:
        args = [w for w in args if not w.text.startswith("+")]  # `cargo +nightly install`
        if not args or args[0].text != "install":
            return
        opts, pos, _ = _scan(args, 1, value_short="jFZ", value_long=_CARGO_VALUES)
        flags = _names(opts)
        if flags & {"--list", "-h", "--help"}:
            return
        text = self._text(wk, cmd)
        lines = self._lines(wk, cmd)
        locked = bool(flags & {"--locked", "--frozen"})
        version = next((v for o, v, _w in opts if o in ("--version", "--vers") and v), None)
        git = next((v for o, v, _w in opts if o == "--git" and v), None)
        rev = next((v for o, v, _w in opts if o == "--rev" and v), None)
        path = next((v for o, v, _w in opts if o == "--path" and v), None)
        crates = [w.text for w in pos if not w.unknown]
        if git is not None:
            subject = git
            exact = rev is not None and _HEX40.fullmatch(rev) is not None
        elif path is not None:
            subject, exact = path, True
        elif crates:
            subject = crates[0]
            exact = all(
                (c.partition("@")[2] and _CARGO_EXACT.match(c.partition("@")[2]))
                or (version is not None and _CARGO_EXACT.match(version))
                for c in crates
            )
        else:
            return
        # `cargo install` ignores the crate's Cargo.lock unless `--locked`: without it the
        # dependencies are resolved anew. Pinned = exact version (or commit, or local path)
        # and --locked; Cargo.lock records checksums.
        if not exact:
            why = "without an exact version" if git is None else "without a full commit `--rev`"
            self._add(
                "HY112",
                f"`{text}` installs `{_short(subject)}` {why}: add `--version X.Y.Z` (or `--rev <commit>`) "
                "and `--locked`",
                lines,
                crates[0].partition("@")[0] if crates and git is None else subject,
            )
        elif not locked:
            package = (
                subject if git is not None else None if path is not None else crates[0].partition("@")[0]
            )
            self._add(
                "HY112",
                f"`{text}` installs `{_short(subject)}` without `--locked`, so its dependencies are "
                "resolved anew: add `--locked`",
                lines,
                package,
            )

    # -- HY114: OS packages -------------------------------------------------------------------

    def _os(self, wk, cmd, state, env, name, args) -> None:
        spec = _OS_TOOLS[name]
        opts, pos, _ = _scan(
            args, value_short=spec["short"], value_long=spec["long"], rest_short=spec.get("rest", "")
        )
        flags = _names(opts)
        if flags & {"-h", "--help"}:
            return
        pkgs: list[str]
        if name == "pacman":
            if not flags & {"-S", "--sync"}:
                return  # -U installs package files, -Q/-R query and remove
            letters = {ch for o, v, _w in opts if o == "-S" and v for ch in v}
            if letters & set("sicglpw") or flags & _PACMAN_QUERIES:
                return  # queries and downloads install nothing
            pkgs = [w.text for w in pos if not w.unknown]
            upgrade = False
        else:
            if not pos:
                return
            sub = pos[0].text
            rest = pos[1:]
            if (
                name in ("dnf", "yum", "microdnf", "tdnf")
                and sub in ("group", "groups")
                and rest[:1]
                and rest[0].text == "install"
            ):
                sub, rest = "groupinstall", rest[1:]
            if sub in spec["install"]:
                upgrade = False
            elif sub in spec["upgrade"]:
                upgrade = True
            else:
                return
            pkgs = [w.text for w in rest if not w.unknown]
            if sub == "groupinstall":
                pkgs = ["@" + p.lstrip("@") for p in pkgs]
        bad = []
        for p in pkgs:
            if p.startswith("-") or not p:
                continue
            if (
                "://" in p
                or p.endswith((".deb", ".rpm", ".apk", ".pkg.tar.zst", ".pkg.tar.xz"))
                or p.startswith(("/", "./", "../"))
            ):
                continue  # a package file or URL, not a repository package (HY113/HY118 domain)
            if name in ("apt-get", "apt", "aptitude") and p.endswith("-"):
                continue  # `apt-get install foo-` removes foo
            if name != "pacman" and spec["pinned"](p):
                continue
            bad.append(p)
        # Upgrading without names refreshes what the image already has from the configured
        # repositories: not reported (it is how security fixes are applied); names are judged.
        if not bad:
            return
        text = self._text(wk, cmd)
        if name == "pacman":
            advice = (
                "pacman installs whatever version the repository has now; install pinned package "
                "files with `pacman -U` (or accept unpinned OS packages)"
            )
        else:
            advice = f"pin each as {spec['example']}"
        verb = "upgrades" if upgrade else "installs"
        self._add(
            "HY114",
            f"`{text}` {verb} {_list(bad)} without a version: {advice}",
            self._lines(wk, cmd),
            bad[0],
        )


# ---------------------------------------------------------------------------------------------
# Tables and small helpers
# ---------------------------------------------------------------------------------------------

_SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ash", "ksh", "mksh"})
# The shells whose scripts this module reads; parsers list anything else under `skipped`.
POSIX_SHELLS = _SHELLS
_SU = frozenset({"su", "runuser"})
_DOWNLOADERS = frozenset({"curl", "wget", "fetch"})
_CHECKSUMS = frozenset({"sha224sum", "sha256sum", "sha384sum", "sha512sum", "b2sum", "sha3sum"})
_SIGNATURES = frozenset({"gpgv", "gpgv2", "minisign", "signify", "signify-openbsd"})
_EXPANSION = re.compile(r"\$(?:\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-]|\(…\))")
_VAR_REF = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_HEX40 = re.compile(r"[0-9a-fA-F]{40}")
_IMMUTABLE_SEGMENT = re.compile(r"(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})(?:\.[A-Za-z0-9.]+)?")
_GO_EXACT = re.compile(r"v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?")
_GEM_EXACT = re.compile(r"=?\s*\d+(?:\.[0-9A-Za-z]+)*(?:-[0-9A-Za-z.]+)?")
_CARGO_EXACT = re.compile(r"=?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?")
_PIP_NAME = re.compile(r"pip(?:\d+(?:\.\d+)?)?")
_PYTHON_NAME = re.compile(r"(?:python|pypy)(?:\d+(?:\.\d+)?[a-z]?)?|py")
_REQ_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _snippet(source: str, start: int, end: int) -> str:
    """The command as written, on one line, trimmed to about 120 characters."""
    raw = source[start : min(end, start + 4 * _MSG_MAX)]
    one = " ".join(raw.replace("\\\r\n", " ").replace("\\\n", " ").split())
    return (
        one if len(one) <= _MSG_MAX and end - start <= 4 * _MSG_MAX else one[: _MSG_MAX - 1].rstrip() + "…"
    )


def _short(s: str) -> str:
    return s if len(s) <= _MSG_MAX else s[: _MSG_MAX - 1] + "…"


def _list(items) -> str:
    shown = [f"`{_short(x)}`" for x in items[:8]]
    if len(items) > 8:
        shown.append(f"and {len(items) - 8} more")
    return ", ".join(shown)


def _join(cwd, path: str) -> str:
    if not path:
        return cwd or "."
    if cwd is not None and not path.startswith(("/", "~", "$")) and len(cwd) < 4096:
        path = posixpath.join(cwd, path)
    return posixpath.normpath(path)


def _immutable(url: str) -> bool:
    """A URL whose path holds a full commit id (40 hex, or 64 for SHA-256 repositories) as a
    segment (`…/<sha>/install.sh`, `…/archive/<sha>.tar.gz`) always returns the same bytes."""
    rest = url.split("://", 1)[-1].split("?", 1)[0].split("#", 1)[0]
    return any(_IMMUTABLE_SEGMENT.fullmatch(seg) for seg in rest.split("/")[1:])


def _fake_word(text: str) -> _Word:
    return _Word(text, 0, 0, 0, 0, False, [], False, False)


def _stdout_target(cmd) -> str | None:
    """The file a command's stdout is redirected to, if any (`> f`, `>> f`, `&> f`, `>& f`)."""
    target = None
    for r in cmd.redirs:
        if r.fd not in (None, 1) or r.target is None:
            continue
        t = r.target.text
        if r.op in (">", ">>", ">|", "&>", "&>>") or (r.op == ">&" and not t.isdigit()):
            target = t
    return target


def _stdin_target(cmd) -> str | None:
    for r in cmd.redirs:
        if r.op == "<" and r.fd in (None, 0) and r.target is not None:
            return r.target.text
    return None


def _has_stdin_redirect(cmd) -> bool:
    return any(r.op in ("<", "<<", "<<-", "<<<") and r.fd in (None, 0) for r in cmd.redirs)


_COPY_VALUES = _words("--mode --owner --group --target-directory --suffix")
_ENV_VALUES = _words("--unset --chdir --split-string")
_FETCH_VALUES = _words("--output --buffer-size --netrc --bind-address --timeout")
_NODE_VALUES = _words("--require --import --input-type --loader")
_NPX_VALUES = _words("--package --call --cache --registry --prefix -w --workspace")
_OPENSSL_VALUES = _words("-out -signature -verify -prverify -keyform")
_PACMAN_QUERIES = _words("--search --info --clean --groups --list --print --downloadonly")
_RUNUSER_VALUES = _words("--user --group --supp-group --command --shell --whitelist-environment")
_SU_VALUES = _words(
    "--command --session-command --shell --group --supp-group --user --whitelist-environment"
)


# -- prefixes ---------------------------------------------------------------------------------

_PREFIX_OPTS = {
    # name: (short options taking a value, long options taking a value)
    "sudo": (
        "ugCDhprtTUR",
        _words(
            """
        --user --group --close-from --chdir --host --prompt --role --type --command-timeout
        --other-user --chroot
        """
        ),
    ),
    "doas": ("uC", set()),
    "time": ("fo", {"--format", "--output"}),
    "exec": ("a", set()),
    "nice": ("n", {"--adjustment"}),
    "ionice": ("cnpPu", _words("--class --classdata --pid --pgid --uid")),
    "stdbuf": ("ioe", _words("--input --output --error")),
    "xargs": (
        "nLIPdEsa",
        _words(
            """
        --max-args --max-lines --max-procs --delimiter --eof --max-chars --arg-file --replace
        --process-slot-var
        """
        ),
    ),
    "timeout": ("sk", {"--signal", "--kill-after"}),
    "nohup": ("", set()),
    "builtin": ("", set()),
    "eatmydata": ("", set()),
    "fakeroot": ("", set()),
    "setsid": ("", set()),
    "unbuffer": ("", set()),
    "chronic": ("", set()),
    "busybox": ("", set()),
}


def _unwrap(words):
    """Strip what runs the real command: assignments, `sudo`, `env`, `time`, `nohup`, `exec`,
    `command`, `xargs`, `timeout`, `gosu`…  Returns (words, assignments, env -S string), or
    None when the command only looks something up (`command -v pip`)."""
    assigns = {}
    i = 0
    n = len(words)
    guard = 0
    while i < n and guard < 64:
        guard += 1
        w = words[i]
        t = w.text
        if w.assign:
            k, _, v = t.partition("=")
            assigns[k.rstrip("+")] = v
            i += 1
            continue
        if w.unknown:
            break
        base = _basename(t)
        if t == "!":
            i += 1
            continue
        if base in _PREFIX_OPTS:
            short, long_ = _PREFIX_OPTS[base]
            _opts, _pos, j = _scan(
                words,
                i + 1,
                value_short=short,
                value_long=long_,
                rest_short="" if base != "stdbuf" else "ioe",
                stop_at_positional=True,
            )
            if base == "timeout" and j < n:
                j += 1  # the duration
            # `xargs CMD ARGS`: the arguments xargs appends come from stdin and cannot be
            # seen; the command is judged on what is written (`xargs pip install` alone: none).
            i = j
            continue
        if base == "command":
            opts, _pos, j = _scan(words, i + 1, stop_at_positional=True)
            if _names(opts) & {"-v", "-V"}:
                return None
            i = j
            continue
        if base == "env":
            opts, _pos, j = _scan(
                words, i + 1, value_short="uCS", value_long=_ENV_VALUES, stop_at_positional=True
            )
            for o, v, _w in opts:
                if o in ("-S", "--split-string") and v is not None:
                    rest = " ".join(x.text for x in words[j:])
                    return [], assigns, (v + " " + rest).strip()
            while j < n and "=" in words[j].text and _ASSIGN.match(words[j].text):
                k, _, v = words[j].text.partition("=")
                assigns[k] = v
                j += 1
            i = j
            continue
        if base in ("gosu", "su-exec"):
            i += 2  # the user, then the command
            continue
        if base == "runuser":
            opts, _pos, j = _scan(
                words, i + 1, value_short="ugGcsw", value_long=_RUNUSER_VALUES, stop_at_positional=True
            )
            if any(o in ("-u", "--user") for o, _v, _w in opts):
                i = j
                continue
            break
        break
    return words[i:], assigns, None


# -- interpreters -----------------------------------------------------------------------------


def _interpreter(name: str, args):
    """How an interpreter gets its program: ("code", word) for `-c`/`-e` strings, ("file",
    word) for a script path, ("stdin", None), or ("module", name, rest) for `python -m`."""
    if name in _SHELLS:
        return _shell_program(args)
    if _PYTHON_NAME.fullmatch(name):
        return _generic_program(args, code="c", value="WXQ", module="m")
    if name == "perl":
        return _generic_program(args, code="eE", value="", rest="MmIxCdDlF0iV")
    if name == "ruby":
        return _generic_program(args, code="e", value="", rest="rICEKTxF")
    if name in ("node", "nodejs"):
        return _generic_program(
            args, code="ep", value="r", long_code={"--eval", "--print"}, long_value=_NODE_VALUES
        )
    if name == "php":
        return _generic_program(args, code="r", value="cdz")
    return None


def _shell_program(args):
    code = False
    stdin = False
    i = 0
    n = len(args)
    while i < n:
        t = args[i].text
        if t == "--":
            i += 1
            break
        if t == "-":
            stdin = True
            i += 1
            break
        if t.startswith("--") and len(t) > 2:
            i += 2 if t in ("--rcfile", "--init-file") else 1
            continue
        if t[:1] in ("-", "+") and len(t) > 1 and not args[i].unknown:
            letters = t[1:]
            if t[0] == "-" and "c" in letters:
                code = True
            if "s" in letters:
                stdin = True
            i += 2 if ("o" in letters or "O" in letters) else 1
            continue
        break
    rest = args[i:]
    if code:
        return ("code", rest[0] if rest else None, None)
    if stdin or not rest:
        return ("stdin", None, None)
    return ("file", rest[0], None)


def _generic_program(args, code="", value="", rest="", module="", long_code=(), long_value=()):
    i = 0
    n = len(args)
    while i < n:
        w = args[i]
        t = w.text
        if t == "-":
            return ("stdin", None, None)
        if t == "--":
            i += 1
            break
        if t.startswith("--") and len(t) > 2:
            name, eq, val = t.partition("=")
            if name in long_code:
                if eq:
                    return ("code", _fake_word(val), None)
                return ("code", args[i + 1] if i + 1 < n else None, None)
            i += 2 if name in long_value and not eq else 1
            continue
        if t.startswith("-") and len(t) > 1:
            letters = t[1:]
            for j, ch in enumerate(letters):
                after = letters[j + 1 :]
                if ch in module:
                    if after:
                        return ("module", after, args[i + 1 :])
                    return ("module", args[i + 1].text if i + 1 < n else "", args[i + 2 :])
                if ch in code:
                    if after:
                        return ("code", _fake_word(after), None)
                    return ("code", args[i + 1] if i + 1 < n else None, None)
                if ch in value:
                    if not after:
                        i += 1
                    break
                if ch in rest:
                    break
            i += 1
            continue
        break
    if i < n:
        return ("file", args[i], None)
    return ("stdin", None, None)


def _su_code(args):
    opts, _pos, _ = _scan(args, value_short="csgGuw", value_long=_SU_VALUES)
    for o, v, w in opts:
        if o in ("-c", "--command", "--session-command") and v is not None:
            return w if w.text == v else _fake_word(v)  # `-c CMD`, or `--command=CMD`
    return None


# -- downloads --------------------------------------------------------------------------------

_CURL_SHORT = "AbcCdDeEFHKmoPQrTtuUwxXyYz"
_CURL_LONG = _words(
    """
    --output --header --user --data --data-raw --data-binary --data-urlencode --data-ascii --retry
    --retry-delay --retry-max-time --max-time --connect-timeout --proto --proto-redir --cacert
    --capath --cert --key --user-agent --referer --proxy --request --url --write-out --config
    --output-dir --limit-rate --range --resolve --cookie --cookie-jar --form --upload-file
    --continue-at --dump-header --ciphers --interface --keepalive-time --speed-limit --speed-time
    --time-cond --max-filesize --max-redirs --oauth2-bearer --proxy-user --connect-to --dns-servers
    --expect100-timeout --happy-eyeballs-timeout-ms --local-port --noproxy --pinnedpubkey --preproxy
    --stderr --trace --trace-ascii --unix-socket --abstract-unix-socket --aws-sigv4 --cert-type
    --key-type --pass --tls-max --variable --json --form-string --netrc-file
    --retry-all-errors-count --ech --etag-save --etag-compare --hsts --alt-svc --proxy-header
    --mail-from --mail-rcpt
    """
)
_WGET_SHORT = "OoaPtTwUeiBQlDXIAR"
_WGET_LONG = _words(
    """
    --output-document --output-file --append-output --directory-prefix --tries --timeout --wait
    --user-agent --execute --input-file --base --quota --level --domains --exclude-directories
    --include-directories --accept --reject --header --user --password --http-user --http-password
    --post-data --post-file --method --body-data --body-file --referer --load-cookies --save-cookies
    --ca-certificate --ca-directory --certificate --private-key --bind-address --limit-rate
    --dns-timeout --connect-timeout --read-timeout --waitretry --restrict-file-names
    --local-encoding --remote-encoding --secure-protocol --progress --max-redirect --config
    """
)


def _download_targets(name: str, args) -> list:
    """[(url, saved path or None for stdout)] for a curl / wget / fetch command."""
    out = []
    if name == "curl":
        opts, pos, _ = _scan(args, value_short=_CURL_SHORT, value_long=_CURL_LONG)
        urls = [w.text for w in pos if not w.unknown or "$" in w.text] + [
            v for o, v, _w in opts if o == "--url" and v
        ]
        outputs = [v for o, v, _w in opts if o in ("-o", "--output") and v is not None]
        flags = _names(opts)
        remote = bool(flags & {"-O", "--remote-name", "--remote-name-all"})
        out_dir = next((v for o, v, _w in opts if o == "--output-dir" and v), None)
        for k, url in enumerate(urls):
            if k < len(outputs):
                dest = outputs[k]
            elif remote:
                dest = _url_basename(url) or None
            else:
                dest = None
            if dest == "-":
                dest = None
            if dest is not None and out_dir and not dest.startswith("/"):
                dest = posixpath.join(out_dir, dest)
            out.append((url, dest))
        return out
    if name == "wget":
        words = [w for w in args if not (len(w.text) == 3 and w.text.startswith("-n"))]  # -nv, -nc, -nd…
        opts, pos, _ = _scan(words, value_short=_WGET_SHORT, value_long=_WGET_LONG)
        flags = _names(opts)
        if "--spider" in flags:
            return []
        document = next(
            (v for o, v, _w in reversed(opts) if o in ("-O", "--output-document") and v is not None), None
        )
        prefix = next((v for o, v, _w in opts if o in ("-P", "--directory-prefix") and v), None)
        for w in pos:
            url = w.text
            if document is not None:
                dest = None if document == "-" else document
            else:
                dest = _url_basename(url) or "index.html"
                if prefix:
                    dest = posixpath.join(prefix, dest)
            out.append((url, dest))
        return out
    # fetch (FreeBSD)
    opts, pos, _ = _scan(args, value_short="oBNST", value_long=_FETCH_VALUES)
    document = next((v for o, v, _w in opts if o in ("-o", "--output") and v is not None), None)
    for w in pos:
        dest = document if document is not None else (_url_basename(w.text) or None)
        out.append((w.text, None if dest == "-" else dest))
    return out


def _url_basename(url: str) -> str:
    path = url.split("://", 1)[-1].split("?", 1)[0].split("#", 1)[0]
    if "/" not in path:
        return ""
    return path.rsplit("/", 1)[-1]


# -- requirements -----------------------------------------------------------------------------

_PIP_SHORT_VALUES = "rceiftCbdwpP"
_PIP_LONG_VALUES = _words(
    """
    --requirement --requirements --constraint --editable --index-url --extra-index-url --find-links
    --target --prefix --root --trusted-host --platform --python-version --implementation --abi --src
    --progress-bar --cache-dir --log --log-file --timeout --retries --proxy --cert --client-cert
    --exists-action --global-option --install-option --build-option --config-settings
    --config-setting --only-binary --no-binary --upgrade-strategy --python --use-feature
    --use-deprecated --keyring-provider --report --root-user-action --group --override --overrides
    --build-constraint --build-constraints --index --default-index --index-strategy --resolution
    --prerelease --exclude-newer --python-platform --reinstall-package --upgrade-package --link-mode
    --torch-backend --extra --config-file --directory --project --refresh-package --no-build-package
    --no-binary-package --only-binary-package --excludes --exclude --color --cache
    --python-preference --dependency-metadata --no-sources-package
    """
)
_UV_GLOBAL_SHORT = "p"
_UV_GLOBAL_VALUES = _words(
    """
    --directory --project --config-file --cache-dir --color --python-preference --python
    --allow-insecure-host
    """
)
_UV_TOOL_SHORT = "pw"
_UV_TOOL_VALUES = _UV_GLOBAL_VALUES | _words(
    """
    --from --with --with-requirements --with-editable --index --index-url --extra-index-url
    --default-index --find-links --constraints --overrides --build-constraints --resolution
    --prerelease --exclude-newer --link-mode --reinstall-package --upgrade-package --config-setting
    --index-strategy --keyring-provider --env-file --python-platform --no-binary-package
    --only-binary-package --no-build-package --refresh-package --torch-backend
    """
)
_PIPX_VALUES = _words(
    """
    --python --pip-args --suffix --index-url --spec --preinstall --backend --editable-url
    --global-option
    """
)


def _req_kind(text: str) -> str:
    """ "url" (remote or VCS), "path" (a local directory or archive) or "name"."""
    t = text.strip()
    if "://" in t or t.startswith(("git+", "hg+", "svn+", "bzr+")):
        return "url"
    if (
        t.startswith((".", "/", "~", "file:"))
        or "/" in t.split(";", 1)[0]
        or t.endswith((".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz", ".tar"))
    ):
        return "path"
    return "name"


def _req_name(text: str) -> str:
    m = _REQ_NAME.match(text)
    return m.group(1) if m else text


def _url_pinned(url: str) -> bool:
    """A VCS URL at a full commit id, or an archive URL with a hash fragment."""
    if re.search(r"#(?:sha256|sha384|sha512)=", url):
        return True
    base = url.split("#", 1)[0]
    if base.startswith(("git+", "hg+")) and "@" in base.rsplit("/", 1)[-1]:
        return _HEX40.fullmatch(base.rsplit("@", 1)[1]) is not None
    return False


def _exact_pep440(spec: str) -> bool:
    """`name==1.2.3` / `name===x` with no wildcard: one version."""
    m = re.search(r"===?\s*([^,;\s*]+)\s*(?:;.*)?$", spec)
    return (
        bool(m)
        and "*" not in spec
        and spec.count("==") == 1
        and not re.search(
            r"[<>~!]=?|,", spec.split(";", 1)[0].split("==", 1)[0] + spec.split(";", 1)[0].split("==", 1)[1]
        )
    )


def _exact_at(spec: str) -> bool:
    """uv's `tool@1.2.3` form (not `@latest`)."""
    _name, at, version = spec.partition("@")
    return bool(at) and re.fullmatch(r"\d+(?:\.\d+)*(?:[a-z0-9.+-]*)", version) is not None


# -- JavaScript -------------------------------------------------------------------------------

_NPM_SHORT = "wC"
_NPM_VALUES = _words(
    """
    --prefix --registry --workspace --omit --include --loglevel --cache --userconfig --globalconfig
    --tag --save-prefix --install-strategy --os --cpu --libc --script-shell --before --otp
    --location --auth-type
    """
)
_NPX_FIX = "add it to package.json, install with `npm ci` and run it with `npx --no-install`"
_NPM_INSTALL = frozenset(
    {
        "install",
        "i",
        "in",
        "ins",
        "inst",
        "insta",
        "instal",
        "isnt",
        "isnta",
        "isntal",
        "isntall",
        "add",
        "install-test",
        "it",
    }
)
_NPM_UPDATE = frozenset({"update", "up", "upgrade", "udpate"})
_YARN_VALUES = _words(
    """
    --cwd --modules-folder --cache-folder --network-timeout --mutex --registry --global-folder
    --link-folder --network-concurrency --proxy --https-proxy --use-yarnrc --mode
    """
)
_PNPM_VALUES = _words(
    """
    --dir --filter --reporter --store-dir --virtual-store-dir --modules-dir --network-concurrency
    --child-concurrency --loglevel --registry --workspace-concurrency --config --lockfile-dir
    """
)
_BUN_VALUES = _words(
    """
    --cwd --registry --cache-dir --config --backend --concurrent-scripts --network-concurrency
    --filter --cafile --ca
    """
)


def _initializer(spec: str) -> str:
    """The package `npm init SPEC` runs: `vite` -> `create-vite`, `@scope` -> `@scope/create`,
    `@scope/x` -> `@scope/create-x`."""
    name = _npm_name(spec)
    if name.startswith("@"):
        scope, _, rest = name.partition("/")
        return f"{scope}/create-{rest}" if rest else f"{scope}/create"
    return name if name.startswith("create-") else f"create-{name}"


def _npm_name(spec: str) -> str:
    """`@scope/pkg@1.2.3` -> `@scope/pkg`; `pkg@latest` -> `pkg`."""
    if spec.startswith("@"):
        scope, _, rest = spec[1:].partition("/")
        return "@" + scope + ("/" + rest.partition("@")[0] if rest else "")
    return spec.partition("@")[0] or spec


# -- Go, Ruby, Rust ---------------------------------------------------------------------------

_GO_VALUES = _words(
    """
    -o -p -tags -ldflags -gcflags -asmflags -buildmode -compiler -gccgoflags -installsuffix -mod
    -modfile -overlay -pkgdir -toolexec -C -pgo -coverpkg -covermode -exec -modcacherw-dir
    """
)
_GEM_VALUES = _words(
    """
    --version --install-dir --bindir --source --http-proxy --platform --trust-policy --build-root
    --file --target-rbconfig
    """
)
_CARGO_VALUES = _words(
    """
    --version --vers --git --branch --tag --rev --path --root --index --registry --target
    --target-dir --features --profile --jobs --bin --example --config --color
    """
)


def _go_remote(path: str) -> bool:
    """A remote import path: not relative, and a dot in its first element (a domain); the
    standard library and main-module packages have none."""
    return not path.startswith((".", "/")) and "." in path.split("/", 1)[0]


def _go_module(spec: str) -> str:
    return spec.partition("@")[0]


# -- OS packages ------------------------------------------------------------------------------


def _deb_pinned(p: str) -> bool:
    # `curl=7.88.1-10`, `libc6:amd64=2.36-9`: an exact version; a glob in it is not one.
    # `curl/bookworm` selects a release, not a version.
    _name, eq, version = p.partition("=")
    return bool(eq and version) and "*" not in version and "?" not in version


def _apk_pinned(p: str) -> bool:
    # `curl=8.5.0-r0` (optionally `@repo`); `~`, `<`, `>` select ranges.
    name, eq, version = p.partition("=")
    return bool(eq and version) and not re.search(r"[<>~]", name)


_RPM_ARCH = r"(?:\.(?:noarch|x86_64|aarch64|i686|ppc64le|s390x|armv7hl|src))?"
_RPM_VERSIONED = re.compile(
    # NAME-VERSION[-RELEASE][.ARCH] with a dot in VERSION, or NAME-VERSION-RELEASE[.ARCH]
    rf".+?-(?:\d+:)?\d[\w.+~^]*\.[\w.+~^]*(?:-\d[\w.+~^]*)?{_RPM_ARCH}"
    rf"|.+?-(?:\d+:)?\d[\w.+~^]*-\d[\w.+~^]*{_RPM_ARCH}"
)


def _rpm_pinned(p: str) -> bool:
    # dnf/yum name a version as `NAME-VERSION[-RELEASE][.ARCH]` (`curl-7.76.1`,
    # `curl-7.76.1-14.el9`): the last one or two dash-separated parts start with a digit and the
    # version holds a dot, or a release follows (so `java-11-openjdk` is a name). `name=version`
    # (zypper) is accepted too.
    if "=" in p:
        name, _, version = p.partition("=")
        return bool(version) and not re.search(r"[<>]", name + version)
    if p.startswith("@"):
        return False
    return _RPM_VERSIONED.fullmatch(p) is not None


_DNF = {
    "short": "cxdeR",
    "long": _words(
        """
        --setopt --enablerepo --disablerepo --repo --repoid --releasever --config --installroot
        --exclude --forcearch --downloaddir --destdir --disableplugin --enableplugin --debuglevel
        --errorlevel --rpmverbosity --color --comment --advisory --advisories --bz --cve
        --sec-severity --secseverity
        """
    ),
    "install": {"install", "in", "reinstall", "groupinstall", "localinstall"},
    "upgrade": {"upgrade", "update", "up", "distro-sync", "upgrade-minimal", "update-minimal"},
    "pinned": _rpm_pinned,
    "example": "`name-<version>`",
}
_APT = {
    "short": "octa",
    "long": _words("--option --config-file --target-release --default-release --host-architecture"),
    "install": {"install", "reinstall"},
    "upgrade": {"upgrade", "dist-upgrade", "full-upgrade", "safe-upgrade"},
    "pinned": _deb_pinned,
    "example": "`name=<version>`",
}
_OS_TOOLS = {
    "apt-get": _APT,
    "apt": _APT,
    "aptitude": _APT,
    "apk": {
        "short": "Xtp",
        "long": _words(
            """
            --repository --virtual --root --arch --keys-dir --repositories-file --cache-dir
            --cache-max-age --timeout
            """
        ),
        "install": {"add"},
        "upgrade": {"upgrade"},
        "pinned": _apk_pinned,
        "example": "`name=<version>`",
    },
    "dnf": _DNF,
    "yum": _DNF,
    "microdnf": _DNF,
    "tdnf": _DNF,
    "zypper": {
        "short": "RtrcpD",
        "long": _words(
            """
            --root --reposd-dir --cache-dir --raw-cache-dir --solv-cache-dir --pkg-cache-dir
            --config --userdata --type --repo --from --download
            """
        ),
        "install": {"install", "in"},
        "upgrade": {"update", "up", "dist-upgrade", "dup", "patch"},
        "pinned": _rpm_pinned,
        "example": "`name=<version>`",
    },
    "pacman": {
        "short": "rb",
        "rest": "SU",  # `-Syu`: the operation, then its modifier letters
        "long": _words(
            """
            --overwrite --config --root --dbpath --cachedir --ignore --ignoregroup
            --assume-installed --arch --gpgdir --hookdir --logfile --print-format
            """
        ),
        "install": set(),
        "upgrade": set(),
        "pinned": lambda p: False,
        "example": "",
    },
}


def _handler(method):
    return lambda self, wk, cmd, state, env, name, args: method(self, wk, cmd, state, env, name, args)


_INSTALLERS = {
    "pipx": _handler(_Analyzer._pipx),
    "uv": _handler(_Analyzer._uv),
    "uvx": _handler(_Analyzer._uv),
    "npm": _handler(_Analyzer._npm),
    "npx": _handler(_Analyzer._npm),
    "yarn": _handler(_Analyzer._yarn),
    "yarnpkg": _handler(_Analyzer._yarn),
    "pnpm": _handler(_Analyzer._pnpm),
    "pnpx": _handler(_Analyzer._pnpm),
    "bun": _handler(_Analyzer._bun),
    "bunx": _handler(_Analyzer._bun),
    "go": _handler(_Analyzer._go),
    "gem": _handler(_Analyzer._gem),
    "cargo": _handler(_Analyzer._cargo),
    **{name: _handler(_Analyzer._os) for name in _OS_TOOLS},
}


def _uv_tool_unpinned(args, *, stop_at_positional: bool) -> list[str]:
    """The tool specs of `uv tool install` / `uvx` (`--from`, or the first positional, and
    every `--with`) that name no exact version."""
    opts, pos, _ = _scan(
        args, value_short=_UV_TOOL_SHORT, value_long=_UV_TOOL_VALUES, stop_at_positional=stop_at_positional
    )
    specs = [v for o, v, _w in opts if o == "--from" and v] or [w.text for w in pos[:1] if not w.unknown]
    specs += [v for o, v, _w in opts if o in ("--with", "-w") and v]
    return [s for s in specs if not (_exact_pep440(s) or _exact_at(s) or _req_kind(s) == "path")]
