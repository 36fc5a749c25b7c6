"""The query language: text the user typed → a small syntax tree → a whoosh query.

Syntax (README and UI say the same)::

    微信公众号                words: jieba's words all present, or the string itself present
    "政务新媒体"               exact phrase: the normalised text contains this string
    a AND b, a b              both (AND is the default)
    a OR b                    either
    NOT a, -a                 not
    ( … )                     grouping
    year:2020 town:城关镇     field filters (province, city, county, town, body, status, has_*)
    litigation_total:>=1      numbers: >, >=, <, <=, =, [a TO b], [a TO], [TO b]

A query that cannot be read raises :class:`QueryError` with a message for the user (never a 500).
So does a query longer than :data:`MAX_QUERY_CHARS` or nested deeper than :data:`MAX_DEPTH` (brackets
and NOTs count alike): every later stage (matching, ranking, highlighting) walks the tree
recursively, and a bound here keeps them all far from Python's recursion limit.
Own parser rather than whoosh's: its default parser silently turns ``litigation_total:>=1`` into a
null query and gives no readable error for an unbalanced quote.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import cast

from indexer.engine import facets
from indexer.engine.errors import QueryError
from indexer.engine.words import cut_words
from indexer.extract.normalise import normalise_query_phrase
from indexer.schema import bigrams

MAX_QUERY_CHARS = 1000  # longer text is not a query a person typed
MAX_DEPTH = 32  # brackets and NOTs inside each other
QUOTES = {'"': '"', "“": "”", "「": "」"}


@dataclass(frozen=True)
class Word:
    text: str


@dataclass(frozen=True)
class Phrase:
    text: str


@dataclass(frozen=True)
class FieldTerm:
    field: str
    value: str


@dataclass(frozen=True)
class FieldRange:
    field: str
    low: int | None
    high: int | None  # inclusive bounds


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


Node = Word | Phrase | FieldTerm | FieldRange | And | Or | Not


# ---------------------------------------------------------------------------------------------
# Lexing

@dataclass(frozen=True)
class _Tok:
    kind: str  # WORD PHRASE FIELD LPAR RPAR AND OR NOT NEG
    value: object
    pos: int


_FIELD_RE = re.compile(r"([a-z_]+):")


def _lex(q: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(q)
    while i < n:
        ch = q[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "()":
            toks.append(_Tok("LPAR" if ch == "(" else "RPAR", ch, i))
            i += 1
            continue
        if ch in QUOTES:
            text, i = _read_quoted(q, i)
            toks.append(_Tok("PHRASE", text, i))
            continue
        if ch == "-" and i + 1 < n and not q[i + 1].isspace() and (not toks or toks[-1].kind != "WORD"
                                                                       or q[i - 1].isspace()):
            toks.append(_Tok("NEG", "-", i))
            i += 1
            continue
        m = _FIELD_RE.match(q, i)
        if m and (m.group(1) in facets.current() or m.group(1) == "file"):  # the registry's fields
            name = m.group(1)
            j = m.end()
            if j < n and q[j] in QUOTES:
                value, j = _read_quoted(q, j)
            elif j < n and q[j] == "[":
                close = q.find("]", j)
                if close < 0:
                    raise QueryError(f"“{name}:[” 缺少结尾的 “]”")
                value, j = q[j:close + 1], close + 1
            else:
                k = j
                while k < n and not q[k].isspace() and q[k] not in "()":
                    k += 1
                value, j = q[j:k], k
            if not value:
                raise QueryError(f"字段 {name}: 后缺少取值")
            toks.append(_Tok("FIELD", (name, value), i))
            i = j
            continue
        j = i
        while j < n and not q[j].isspace() and q[j] not in "()" and q[j] not in QUOTES:
            j += 1
        word = q[i:j]
        kind = {"AND": "AND", "OR": "OR", "NOT": "NOT", "&&": "AND", "||": "OR"}.get(word, "WORD")
        toks.append(_Tok(kind, word, i))
        i = j
    return toks


def _read_quoted(q: str, i: int) -> tuple[str, int]:
    close_ch = QUOTES[q[i]]
    close = q.find(close_ch, i + 1)
    if close < 0:
        raise QueryError(f"引号不成对：第 {i + 1} 个字符处的 {q[i]} 没有结尾（unbalanced quote）")
    return q[i + 1:close], close + 1


# ---------------------------------------------------------------------------------------------
# Parsing: or_expr := and_expr (OR and_expr)* ; and_expr := unary (AND? unary)* ;
#          unary := (NOT | NEG) unary | primary ; primary := '(' or_expr ')' | WORD | PHRASE | FIELD

class _Parser:
    def __init__(self, toks: list[_Tok]) -> None:
        self.toks, self.i, self.depth = toks, 0, 0

    def deeper(self) -> None:
        """One more bracket or NOT around what follows; past MAX_DEPTH the query is refused."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(f"检索式嵌套过深：括号与 NOT 最多嵌套 {MAX_DEPTH} 层（nested too deeply）")

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node | None:
        if not self.toks:
            return None
        node = self.or_expr()
        tok = self.peek()
        if tok is not None:
            if tok.kind == "RPAR":
                raise QueryError("括号不成对：多了一个 “)”（unbalanced parenthesis）")
            raise QueryError(f"无法理解 “{tok.value}”")
        return node

    def expect_operand(self, op: str) -> None:
        """An operator must be followed by something to apply it to."""
        tok = self.peek()
        if tok is None or tok.kind in ("RPAR", "OR", "AND"):
            raise QueryError(f"{op} 后面缺少检索词（stray {op}）")

    def or_expr(self) -> Node:
        children = [self.and_expr()]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.take()
            self.expect_operand("OR")
            children.append(self.and_expr())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def and_expr(self) -> Node:
        children = [self.unary()]
        while (tok := self.peek()) is not None and tok.kind not in ("OR", "RPAR"):
            if tok.kind == "AND":
                self.take()
                self.expect_operand("AND")
            children.append(self.unary())
        return children[0] if len(children) == 1 else And(tuple(children))

    def unary(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise QueryError("检索式不完整")
        if tok.kind in ("NOT", "NEG"):
            self.take()
            self.expect_operand("NOT")
            self.deeper()
            node = Not(self.unary())
            self.depth -= 1
            return node
        return self.primary()

    def primary(self) -> Node:
        tok = self.take()
        if tok.kind == "LPAR":
            inner = self.peek()
            if inner is None:
                raise QueryError("括号不成对：缺少 “)”（unbalanced parenthesis）")
            if inner.kind == "RPAR":
                raise QueryError("括号内为空")
            self.deeper()
            node = self.or_expr()
            self.depth -= 1
            end = self.peek()
            if end is None or end.kind != "RPAR":
                raise QueryError("括号不成对：缺少 “)”（unbalanced parenthesis）")
            self.take()
            return node
        if tok.kind == "WORD":
            return Word(str(tok.value))
        if tok.kind == "PHRASE":
            return Phrase(str(tok.value))
        if tok.kind == "FIELD":
            name, value = cast(tuple[str, str], tok.value)
            return _field_node(name, value)
        if tok.kind in ("AND", "OR"):
            raise QueryError(f"{tok.value} 前面缺少检索词（stray {tok.value}）")
        if tok.kind == "RPAR":
            raise QueryError("括号不成对：多了一个 “)”（unbalanced parenthesis）")
        raise QueryError(f"无法理解 “{tok.value}”")


_CMP = re.compile(r"^(>=|<=|>|<|=)?\s*(-?\d+)$")
_RANGE = re.compile(r"^\[\s*(-?\d+)?\s*TO\s*(-?\d+)?\s*\]$", re.IGNORECASE)


def _field_node(name: str, value: str) -> Node:
    facet = facets.current().get(name)
    if isinstance(facet, facets.NumberFacet):
        m = _RANGE.match(value)
        if m:
            lo = int(m.group(1)) if m.group(1) else None
            hi = int(m.group(2)) if m.group(2) else None
            return FieldRange(name, lo, hi)
        m = _CMP.match(value)
        if not m:
            raise QueryError(f"{name} 需要数字，例如 {name}:>=1 或 {name}:[1 TO 5]（got {value!r}）")
        op, num = m.group(1) or "=", int(m.group(2))
        return {
            "=": FieldRange(name, num, num),
            ">=": FieldRange(name, num, None),
            ">": FieldRange(name, num + 1, None),
            "<=": FieldRange(name, None, num),
            "<": FieldRange(name, None, num - 1),
        }[op]
    return FieldTerm(name, facet.parse(value) if facet is not None else value)


def parse(q: str) -> Node | None:
    """Parse user query text; ``None`` for an empty query. Raises QueryError."""
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"检索式过长：最多 {MAX_QUERY_CHARS} 个字符，这里有 {len(q)} 个（query too long）")
    q = unicodedata.normalize("NFKC", q.replace("“", "\x01").replace("”", "\x02"))
    q = q.replace("\x01", "“").replace("\x02", "”")
    return _Parser(_lex(q)).parse()


# ---------------------------------------------------------------------------------------------
# To whoosh (ranking) and to highlighting


def query_words(text: str) -> list[str]:
    """jieba words of a query word, as the index cuts them (lowercase, no punctuation)."""
    return cut_words(text)


def positive_leaves(node: Node | None):
    """The words and phrases a matching report must contain (not under an odd number of NOTs)."""

    def walk(n: Node, positive: bool):
        if isinstance(n, Not):
            yield from walk(n.child, not positive)
        elif isinstance(n, And | Or):
            for c in n.children:
                yield from walk(c, positive)
        elif positive and isinstance(n, Word | Phrase):
            yield n

    if node is not None:
        yield from walk(node, True)


def scoring_terms(node: Node | None) -> list[tuple[str, str]]:
    """What ranks the matched documents (BM25F), as (field, text) pairs: the positive words in the
    word fields and the bigrams of the positive phrases. Matching itself is done by
    ``matching.DocSets``."""
    terms: list[tuple[str, str]] = []
    for leaf in positive_leaves(node):
        text = normalise_query_phrase(leaf.text)
        if isinstance(leaf, Word):
            for w in dict.fromkeys(query_words(text)):
                terms.extend((f, w) for f in ("words", "title_words", "body_words"))
        elif len(text) >= 2:
            terms.extend(("grams", g) for g in dict.fromkeys(bigrams(text)))
    return list(dict.fromkeys(terms))


def needles(node: Node | None) -> list[str]:
    """The strings to highlight: positive words and phrases (normalised), longest first."""
    out: list[str] = []
    for leaf in positive_leaves(node):
        text = normalise_query_phrase(leaf.text)
        out.append(text)
        if isinstance(leaf, Word):
            out.extend(w for w in query_words(text) if len(w) >= 2)
    uniq = [s for s in dict.fromkeys(out) if s]
    return sorted(uniq, key=len, reverse=True)
