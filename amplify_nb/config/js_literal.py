"""The object literal of an aws-exports.js (or .ts, or a hand-written ``Amplify.configure({...})``), as data.

A small parser over JavaScript tokens rather than text substitution, because the values hold ``//``
(the OAuth redirect URLs) and quotes that a substitution would mangle. It reads what the Amplify CLI
writes and what people write by hand: bare or quoted keys, single quotes, template strings without
``${}``, trailing commas, comments. It never evaluates anything: a value that is an expression
(``process.env.NODE_ENV === 'production' ? ... : ...``, a variable, a call) becomes a ``SkippedValue``,
with a ConfigurationWarning naming its key and line, and the rest of the file still loads.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Any

from ..errors import ConfigurationError
from .files import MAX_DEPTH, FileRefused, check_depth

__all__ = ["ConfigurationWarning", "SkippedValue", "parse_aws_exports"]


class ConfigurationWarning(UserWarning):
    """A part of a configuration was not read (an expression in aws-exports.js) or cannot be used in a kernel
    (cookieStorage); the rest was."""


@dataclass(frozen=True)
class SkippedValue:
    """A value that is an expression, not a literal: read as absent (an error where the key is required)."""

    expression: str  # its text, whitespace collapsed and shortened, for messages
    line: int


_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`)
  | (?P<number>(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?))
  | (?P<name>[A-Za-z_$][\w$]*)
  | (?P<punct>\.\.\.|[=!]==?|=>|&&|\|\||\?\?|.)
""", re.VERBOSE | re.DOTALL)
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)", re.DOTALL)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0", "\n": ""}
_WORDS: dict[str, Any] = {"true": True, "false": False, "null": None, "undefined": None}
_OPENS_LITERAL = ("=", "(", "default", "return")  # what comes before the configuration's "{"
_CLOSE = {"{": "}", "[": "]", "(": ")"}
_NOT_LITERAL = object()
# After a value, an operand (not an operator) cannot continue an expression: a comma was left out. These
# words are the operators spelled as names.
_OPERAND = ("name", "string", "number")
_INFIX_WORDS = ("in", "instanceof", "as", "satisfies")


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    line: int
    start: int
    end: int


def _string(token: str) -> str:
    body = token[1:-1]
    return _ESCAPE.sub(lambda m: chr(int(m.group(1)[1:], 16)) if len(m.group(1)) == 5
                       else _ESCAPES.get(m.group(1), m.group(1)), body)


class _Parser:
    def __init__(self, text: str, source: str):
        self.text, self.source = text, source
        self.tokens: list[_Token] = []
        line = 1
        for match in _TOKEN.finditer(text):
            kind = match.lastgroup or "punct"
            if kind not in ("space", "comment"):
                self.tokens.append(_Token(kind, match.group(), line, match.start(), match.end()))
            line += match.group().count("\n")
        self.pos = 0
        self.skipped: list[tuple[str, SkippedValue]] = []  # (key path, value), warned about once parsed

    def peek(self) -> str:
        return self.tokens[self.pos].text if self.pos < len(self.tokens) else ""

    def fail(self, message: str) -> ConfigurationError:
        if self.pos >= len(self.tokens):
            return ConfigurationError("The object literal is not closed (a '}' is missing)", source=self.source)
        return ConfigurationError(f"Cannot read the object literal (line {self.tokens[self.pos].line}: {message})",
                                  source=self.source)

    def start(self) -> None:
        """Move to the configuration's "{": the first one after "=", "(", "default" or "return", so that
        an ``import { Amplify } from ...`` above it is passed over."""
        for index, token in enumerate(self.tokens):
            if token.text == "{" and (index == 0 or self.tokens[index - 1].text in _OPENS_LITERAL):
                self.pos = index
                return
        raise ConfigurationError("No object literal found (expected e.g. const awsmobile = {...})",
                                 source=self.source)

    def object(self, path: str) -> dict[str, Any]:
        self.pos += 1  # "{"
        result: dict[str, Any] = {}
        while self.peek() != "}":
            if self.pos >= len(self.tokens):
                raise self.fail("")
            token = self.tokens[self.pos]
            if token.kind == "string":
                key = _string(token.text)
            elif token.kind in ("name", "number"):
                key = token.text
            else:  # a spread (...other) or a computed [key]: no key to read without running the file
                label = "(spread)" if token.text == "..." else "(computed key)"
                self.skip_value(f"{path}.{label}" if path else label, token)
                self.comma("}")
                continue
            self.pos += 1
            where = f"{path}.{key}" if path else key
            if self.peek() == ":":
                self.pos += 1
                result[key] = self.value(where, "}")
            elif self.peek() in (",", "}"):  # a shorthand property ({ region }): a variable's value
                result[key] = SkippedValue(key, token.line)
                self.skipped.append((where, result[key]))
            else:  # a method (key() {...}): code, not a value
                self.pos -= 1
                result[key] = self.skip_value(where, token)
            self.comma("}")
        self.pos += 1
        return result

    def array(self, path: str) -> list[Any]:
        self.pos += 1  # "["
        items: list[Any] = []
        while self.peek() != "]":
            if self.pos >= len(self.tokens):
                raise self.fail("")
            items.append(self.value(f"{path}[{len(items)}]", "]"))
            self.comma("]")
        self.pos += 1
        return items

    def comma(self, close: str) -> None:
        if self.peek() == ",":
            self.pos += 1
        elif self.peek() != close:
            raise self.fail(f"expected ',' or '{close}', found {self.peek()!r}")

    def value(self, path: str, close: str) -> Any:
        start, noted = self.pos, len(self.skipped)
        value = self.literal(path)
        if value is not _NOT_LITERAL and self.peek() in (",", "}", "]"):
            return value
        following = self.tokens[self.pos] if value is not _NOT_LITERAL and self.pos < len(self.tokens) else None
        if following and following.kind in _OPERAND and following.text not in _INFIX_WORDS:
            raise self.fail(f"expected ',' or '{close}', found {following.text!r}")  # a comma left out
        self.pos, self.skipped[noted:] = start, []  # part of an expression: forget what its literal held
        return self.skip_value(path, self.tokens[start] if start < len(self.tokens) else None)

    def literal(self, path: str) -> Any:
        if self.pos >= len(self.tokens):
            raise self.fail("")
        token = self.tokens[self.pos]
        if token.text == "{":
            return self.object(path)
        if token.text == "[":
            return self.array(path)
        self.pos += 1
        if token.kind == "string" and not (token.text[0] == "`" and "${" in token.text):
            return _string(token.text)
        if token.kind == "number":
            if token.text[:2] in ("0x", "0X"):
                return int(token.text, 16)
            return int(token.text) if token.text.isdigit() else float(token.text)
        if token.text == "-" and self.pos < len(self.tokens) and self.tokens[self.pos].kind == "number":
            number = self.literal(path)
            return -number if isinstance(number, (int, float)) else _NOT_LITERAL
        if token.kind == "name" and token.text in _WORDS:
            return _WORDS[token.text]
        return _NOT_LITERAL

    def skip_value(self, path: str, first: _Token | None) -> SkippedValue:
        """Pass over one value (up to the "," or closing bracket that ends it), noting it as skipped."""
        depth: list[str] = []
        start = self.pos
        while self.pos < len(self.tokens):
            text = self.peek()
            if not depth and text in (",", "}", "]"):
                break
            if text in _CLOSE:
                depth.append(_CLOSE[text])
            elif depth and text == depth[-1]:
                depth.pop()
            self.pos += 1
        if self.pos >= len(self.tokens):
            raise self.fail("")
        if self.pos == start:
            raise self.fail(f"expected a value, found {self.peek()!r}")
        expression = " ".join(self.text[self.tokens[start].start:self.tokens[self.pos - 1].end].split())
        skipped = SkippedValue(expression if len(expression) <= 80 else expression[:77] + "...",
                               first.line if first else 0)
        self.skipped.append((path, skipped))
        return skipped


def parse_aws_exports(text: str, source: str = "aws-exports.js") -> dict[str, Any]:
    """The configuration object literal of an aws-exports.js, as data; expressions become SkippedValues,
    each announced by a ConfigurationWarning naming its key and line."""
    parser = _Parser(text, source)
    parser.start()
    try:
        data = parser.object("")
        check_depth(data)
    except (RecursionError, FileRefused):
        raise ConfigurationError(f"Configuration refused: nested more than {MAX_DEPTH} levels deep",
                                 source=source) from None
    for path, skipped in parser.skipped:
        warnings.warn(f"{source} line {skipped.line}: {path} is an expression, not a literal "
                      f"({skipped.expression}); amplify_nb does not run the file, so it is skipped",
                      ConfigurationWarning, stacklevel=2)
    return data
