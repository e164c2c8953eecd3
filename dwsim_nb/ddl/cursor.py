"""A cursor over sqlglot's tokens for one statement, with the few moves a DDL reader needs.

sqlglot's tokenizer is dialect-aware (quotes, dollar strings, comments) and keeps character offsets,
so the reader can take the original text of a type or a DEFAULT expression as the user wrote it.
Its parser, by contrast, rejects or silently drops much warehouse DDL (see FACTS.md), so the
statements this package understands are read token by token instead.
"""

from __future__ import annotations

import re

from sqlglot.tokens import Token, TokenType

# Token types that carry a name or a keyword written as a bare word (sqlglot gives many keywords,
# such as DATE, USER or TEXT, their own token types; as names they are still words).
_NOT_WORDS = {
    TokenType.STRING,
    TokenType.NUMBER,
    TokenType.L_PAREN,
    TokenType.R_PAREN,
    TokenType.L_BRACKET,
    TokenType.R_BRACKET,
    TokenType.COMMA,
    TokenType.DOT,
    TokenType.SEMICOLON,
    TokenType.DCOLON,
    TokenType.COLON,
    TokenType.EQ,
    TokenType.HEREDOC_STRING,
    TokenType.RAW_STRING,
    TokenType.NATIONAL_STRING,
    TokenType.BIT_STRING,
    TokenType.HEX_STRING,
    TokenType.BYTE_STRING,
}
STRING_TYPES = {
    TokenType.STRING,
    TokenType.HEREDOC_STRING,
    TokenType.RAW_STRING,
    TokenType.NATIONAL_STRING,
}


class ParseFail(Exception):
    """The statement does not have the shape the reader expects; ``offset`` is in the statement."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


def split_keywords(tokens: list[Token]) -> list[Token]:
    """Split sqlglot's multi-word keyword tokens (``PRIMARY KEY``, ``CLUSTER BY``) into words.

    The reader matches words one at a time (``PRIMARY`` then ``KEY``), and a column may be named
    ``key``; one token per word keeps the matching uniform.
    """
    out: list[Token] = []
    for tok in tokens:
        if (
            tok.token_type in STRING_TYPES
            or tok.token_type in (TokenType.IDENTIFIER, TokenType.VAR)
            or not any(ch.isspace() for ch in tok.text)
        ):
            out.append(tok)
            continue
        for m in re.finditer(r"\S+", tok.text):
            start = tok.start + m.start()
            out.append(
                Token(
                    TokenType.VAR, m.group(0), tok.line, tok.col, start, start + len(m.group(0)) - 1
                )
            )
    return out


class Cursor:
    """Reads tokens left to right. Keyword tests compare the upper-cased text of unquoted words."""

    def __init__(self, tokens: list[Token], text: str, *, split_words: bool = False) -> None:
        self.tokens = split_keywords(tokens) if split_words else tokens
        self.text = text
        self.i = 0

    # --- looking ---------------------------------------------------------------------------

    def at_end(self) -> bool:
        return self.i >= len(self.tokens)

    def peek(self, k: int = 0) -> Token | None:
        j = self.i + k
        return self.tokens[j] if 0 <= j < len(self.tokens) else None

    def word(self, k: int = 0) -> str | None:
        """The upper-cased text of an unquoted word at ``k``, else None."""
        tok = self.peek(k)
        if tok is None or tok.token_type in _NOT_WORDS or tok.token_type == TokenType.IDENTIFIER:
            return None
        return tok.text.upper()

    def is_type(self, token_type: TokenType, k: int = 0) -> bool:
        tok = self.peek(k)
        return tok is not None and tok.token_type == token_type

    def offset(self) -> int:
        tok = self.peek()
        return tok.start if tok is not None else len(self.text)

    # --- moving ----------------------------------------------------------------------------

    def next(self) -> Token:
        tok = self.peek()
        if tok is None:
            raise ParseFail("the statement ends too early", len(self.text))
        self.i += 1
        return tok

    def accept(self, *words: str) -> bool:
        """Consume the words in sequence if they are all there."""
        for k, w in enumerate(words):
            if self.word(k) != w:
                return False
        self.i += len(words)
        return True

    def accept_type(self, token_type: TokenType) -> bool:
        if self.is_type(token_type):
            self.i += 1
            return True
        return False

    def expect_type(self, token_type: TokenType, what: str) -> Token:
        tok = self.peek()
        if tok is None or tok.token_type != token_type:
            found = "the end of the statement" if tok is None else repr(tok.text)
            raise ParseFail(f"expected {what}, found {found}", self.offset())
        self.i += 1
        return tok

    def name_part(self, what: str = "a name") -> str:
        """One identifier: quoted (kept as written) or a bare word (keywords allowed)."""
        tok = self.peek()
        if tok is None or (tok.token_type in _NOT_WORDS and tok.token_type not in STRING_TYPES):
            found = "the end of the statement" if tok is None else repr(tok.text)
            raise ParseFail(f"expected {what}, found {found}", self.offset())
        if tok.token_type in STRING_TYPES:
            # Some dumps quote names with single quotes or backticks; accept them as names.
            pass
        self.i += 1
        return tok.text

    def last_quoted(self) -> bool:
        """Whether the name just read was quoted ("Orders", or a string some dumps use)."""
        tok = self.tokens[self.i - 1] if self.i else None
        return tok is not None and (
            tok.token_type == TokenType.IDENTIFIER or tok.token_type in STRING_TYPES
        )

    def qualified_name(self, what: str = "a table name") -> tuple[list[str], int, int]:
        """``a.b.c`` -> (parts, start offset, end offset exclusive)."""
        start = self.offset()
        parts = [self.name_part(what)]
        while self.is_type(TokenType.DOT):
            self.i += 1
            parts.append(self.name_part(what))
        end = self.tokens[self.i - 1].end + 1
        return parts, start, end

    def skip_group(self) -> tuple[int, int]:
        """Skip a balanced ``( ... )`` starting at the cursor; return its inner text span."""
        open_tok = self.expect_type(TokenType.L_PAREN, "'('")
        depth = 1
        while True:
            tok = self.peek()
            if tok is None:
                raise ParseFail("a '(' is never closed", open_tok.start)
            self.i += 1
            if tok.token_type == TokenType.L_PAREN:
                depth += 1
            elif tok.token_type == TokenType.R_PAREN:
                depth -= 1
                if depth == 0:
                    return open_tok.end + 1, tok.start

    def split_group(self) -> list[tuple[int, int]]:
        """Read ``( a, b(c, d), e )`` and return the token index ranges of the top-level items."""
        open_tok = self.expect_type(TokenType.L_PAREN, "'('")
        items: list[tuple[int, int]] = []
        depth = 1
        start = self.i
        while True:
            tok = self.peek()
            if tok is None:
                raise ParseFail("a '(' is never closed", open_tok.start)
            if tok.token_type in (TokenType.L_PAREN, TokenType.L_BRACKET):
                depth += 1
            elif tok.token_type in (TokenType.R_PAREN, TokenType.R_BRACKET):
                depth -= 1
                if depth == 0:
                    if self.i > start:
                        items.append((start, self.i))
                    self.i += 1
                    return items
            elif tok.token_type == TokenType.COMMA and depth == 1:
                if self.i == start:
                    raise ParseFail("an empty item between commas", tok.start)
                items.append((start, self.i))
                start = self.i + 1
            self.i += 1

    def name_list(self) -> list[str]:
        """``(a, "B", c)`` -> names; expressions in the list (``lower(x)``) keep their text."""
        names = []
        for a, b in self.split_group():
            sub = Cursor(self.tokens[a:b], self.text)
            if b - a == 1:
                names.append(sub.name_part("a column name"))
            else:
                first, last = self.tokens[a], self.tokens[b - 1]
                names.append(self.text[first.start : last.end + 1])
        return names

    def sub(self, a: int, b: int) -> Cursor:
        return Cursor(self.tokens[a:b], self.text)

    def rest_text(self) -> str:
        if self.at_end():
            return ""
        return self.text[self.offset() : self.tokens[-1].end + 1]

    def span_text(self, a: int, b: int) -> str:
        """Original text of tokens ``a`` (inclusive) to ``b`` (exclusive)."""
        if b <= a:
            return ""
        return self.text[self.tokens[a].start : self.tokens[b - 1].end + 1]

    def skip_until_words(self, stops: set[str]) -> int:
        """Skip tokens (balancing parentheses) until a stop word at depth 0; return start index."""
        start = self.i
        depth = 0
        while not self.at_end():
            tok = self.tokens[self.i]
            if depth == 0 and self.word() in stops:
                break
            if tok.token_type in (TokenType.L_PAREN, TokenType.L_BRACKET):
                depth += 1
            elif tok.token_type in (TokenType.R_PAREN, TokenType.R_BRACKET):
                depth -= 1
                if depth < 0:
                    break
            self.i += 1
        return start
