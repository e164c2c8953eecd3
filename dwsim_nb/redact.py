"""Secrets kept out of what people see: URLs, drivers' messages and pyarrow's S3 errors.

On the ground floor, so every part that shows a connection string or an S3 error (warehouses,
staging, the engine's S3 output, source readers) redacts it the same way.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

# Query parameters and key=value words that carry a secret in database and S3 URLs.
_SECRET_KEYS = re.compile(
    r"(?i)(pass(word|wd)?|pwd|secret|token|private[_-]?key|passphrase|credentials?|"
    r"sig(nature)?|access[_-]?key([_-]?id)?|x-amz-[a-z-]*)"
)
# key=value words of a libpq connection string, such as "host=h password=secret".
_KV_SECRET = re.compile(r"""(?i)\b([\w.-]*?)(\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&;]+)""")


def redact_url(url: str | None) -> str:
    """The URL without user name, password or secret query parameters (safe to show).

    Also covers key=value connection strings (``host=h password=secret``) and URLs that do not
    parse (a bad port): whatever is given, no secret comes back.
    """
    if not url:
        return ""
    text = str(url)
    if "://" not in text:
        return _redact_words(text)
    try:
        parts = urlsplit(text)
        netloc = parts.netloc
        if "@" in netloc:
            netloc = "***@" + netloc.rsplit("@", 1)[1]
        query = _redact_words(parts.query)
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    except ValueError:
        # Not a URL after all: drop everything before the last "@" of the authority.
        scheme, _, rest = text.partition("://")
        if "@" in rest.split("/", 1)[0]:
            rest = "***@" + rest.split("@", 1)[1] if rest.count("@") == 1 else "***"
        return _redact_words(f"{scheme}://{rest}")


def _redact_words(text: str) -> str:
    def hide(m: re.Match[str]) -> str:
        key = m.group(1)
        if _SECRET_KEYS.fullmatch(key) or _SECRET_KEYS.search(key.split(".")[-1] or key):
            return f"{key}{m.group(2)}***"
        return m.group(0)

    return _KV_SECRET.sub(hide, text)


def scrub(text: str, url: str | None) -> str:
    """``text`` (a driver's message) with ``url`` and every secret in it replaced by ``***``.

    Drivers sometimes quote part of the connection string in an error ("missing = after ...");
    removing the URL alone would then still show a password.
    """
    if not url:
        return text
    out = text.replace(url, redact_url(url))
    for secret in sorted(_secrets_of(url), key=len, reverse=True):
        if len(secret) >= 3:
            out = out.replace(secret, "***")
    return out


def _secrets_of(url: str) -> set[str]:
    found: set[str] = set()
    for m in _KV_SECRET.finditer(url.split("?", 1)[-1] if "://" in url else url):
        if _SECRET_KEYS.search(m.group(1)):
            value = m.group(3).strip("'")
            found.update({value, unquote(value)})
    if "://" in url:
        authority = url.split("://", 1)[1].split("/", 1)[0]
        if "@" in authority:
            userinfo = authority.rsplit("@", 1)[0]
            _user, _, password = userinfo.partition(":")
            for value in (password, userinfo):
                if value:
                    found.update({value, unquote(value)})
    return found


def redacted_first_line(exc: BaseException) -> str:
    """The first line of an S3 error's message, with any key or token in it replaced by ``***``.

    pyarrow's messages may quote the request; the first line names the problem.
    """
    text = str(exc).strip().splitlines()
    return re.sub(r"(?i)(access_key|secret_key|token)=\S+", r"\1=***", text[0] if text else "")
