"""Text columns whose values have a shape everyone knows: a phone extension is a short number,
an image's path or URL ends in a picture's file name, a document's path in a file's.

``extension`` beside a phone column is the phone's extension (``4721``), never a file's; in a
table of files it is the file's (``pdf``). ``photo_path``, ``avatar_url``, ``logo_file`` name a
picture in a folder named after it (``/images/photos/004217.jpg``,
``https://static.example.com/avatars/018342.png``); ``document_path`` a file (``/files/documents/
004217.pdf``). Each rule says why in its ``reason``.
"""

from __future__ import annotations

import re

from dwsim_nb.spec.models import Column, Table
from dwsim_nb.spec.rules import FakerRule, PatternRule, RangeRule
from dwsim_nb.spec.types import INTEGER_TYPES, STRING_TYPES

ShapeRule = RangeRule | PatternRule | FakerRule

_EXTENSION = re.compile(
    r"^((phone|tel(ephone)?|office|work|desk)_?)?ext(ension)?(_?(no|num|number))?$"
)
_PHONE_COLUMN = re.compile(r"phone|mobile|(^|_)tel(ephone)?($|_)|(^|_)fax($|_)")
_FILE_EXTENSION = re.compile(r"^file_?ext(ension)?$")
_FILE_COLUMN = re.compile(r"file|path|mime|content_?type|(^|_)size(_?bytes)?$|checksum|bytes")
_FILE_TABLE = re.compile(r"(^|_)(files?|documents?|attachments?|uploads?|assets?|media|blobs?)$")

# Words naming a picture, with the folder its files go in and their usual type.
_PICTURES: dict[str, tuple[str, str]] = {
    "photo": ("photos", "jpg"),
    "image": ("images", "jpg"),
    "img": ("images", "jpg"),
    "picture": ("pictures", "jpg"),
    "pic": ("pictures", "jpg"),
    "headshot": ("headshots", "jpg"),
    "portrait": ("portraits", "jpg"),
    "cover": ("covers", "jpg"),
    "poster": ("posters", "jpg"),
    "avatar": ("avatars", "png"),
    "thumbnail": ("thumbnails", "png"),
    "thumb": ("thumbnails", "png"),
    "logo": ("logos", "png"),
    "icon": ("icons", "png"),
    "banner": ("banners", "png"),
}
# Picture words that name a picture's file on their own (``avatar``), not only before ``_url``.
_BARE = ("photo", "image", "picture", "avatar", "thumbnail", "logo", "headshot", "portrait")
_DOCUMENTS = ("document", "doc", "attachment", "resume", "cv", "invoice", "receipt", "contract")
_PICTURE = "|".join(sorted(_PICTURES, key=len, reverse=True))
_DOCUMENT = "|".join(sorted(_DOCUMENTS, key=len, reverse=True))
_WHERE = r"(path|file|file_?name|file_?path|url|uri|link|href|src)"
_PICTURE_NAME = re.compile(rf"(^|_)(?P<word>{_PICTURE})s?(?P<where>_?{_WHERE})?$")
_DOCUMENT_NAME = re.compile(rf"(^|_)(?P<word>{_DOCUMENT})s?_?{_WHERE}$")
_GENERIC_PATH = re.compile(
    r"^(file_?path|file_?location|(upload|download|export|backup|archive|storage|local|"
    r"attachment|log|report)_?(file_?)?path)$"
)
_FILE_NAME = re.compile(r"^(file_?name|original_?file_?name|(upload|attachment)_?file_?name)$")
_WEB = re.compile(r"(url|uri|link|href|src)$")
_HOST = "https://static.example.com"
_ID = "######"


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _fits(col: Column, text: str) -> bool:
    return col.varchar_length is None or len(text) <= col.varchar_length


def _file_rule(col: Column, forms: list[str], why: str) -> PatternRule | None:
    """The first of ``forms`` (longest first) that fits the column's width."""
    for form in forms:
        if _fits(col, form):
            return PatternRule(pattern=form, reason=f"{why}: {form.replace(_ID, '<id>')}")
    return None


def _extension_rule(col: Column, table: Table, name: str) -> ShapeRule | None:
    others = [_norm(c.name) for c in table.columns if c.name != col.name]
    phone = "phone" in name or "tel" in name or any(_PHONE_COLUMN.search(o) for o in others)
    files = _FILE_TABLE.search(_norm(table.name)) or any(_FILE_COLUMN.search(o) for o in others)
    if _FILE_EXTENSION.search(name) or (name in ("ext", "extension") and files and not phone):
        if col.data_type in STRING_TYPES and _fits(col, "jpeg"):
            return FakerRule(provider="file_extension", reason="faker file_extension (a file's)")
        return None
    if not _EXTENSION.search(name) or not phone:
        return None
    if col.data_type not in STRING_TYPES and col.data_type not in INTEGER_TYPES:
        return None
    width = col.varchar_length if col.data_type in STRING_TYPES else None
    if width is not None and width < 3:
        return None
    top = 999 if width == 3 else 9999
    digits = "3" if top == 999 else "3 or 4"
    why = f"a phone extension, {digits} digits (beside a phone number)"
    return RangeRule(min=100, max=top, decimals=0, reason=why)


def _path_rule(col: Column, name: str) -> ShapeRule | None:
    web = bool(_WEB.search(name))
    m = _PICTURE_NAME.search(name)
    if m is not None and (m["where"] or m["word"] in _BARE):
        folder, kind = _PICTURES[m["word"]]
        local = f"/images/{folder}" if folder != "images" else "/images"
        forms = [f"{local}/{_ID}.{kind}", f"/{folder}/{_ID}.{kind}", f"{folder}/{_ID}.{kind}"]
        if web:
            forms = [f"{_HOST}{forms[1]}", *forms]
        why = f"an image's {'URL' if web else 'path'} (a file in a folder of {folder})"
        return _file_rule(col, forms, why)
    if (m := _DOCUMENT_NAME.search(name)) is not None:
        folder = {"doc": "documents", "cv": "resumes"}.get(m["word"], m["word"] + "s")
        forms = [f"/files/{folder}/{_ID}.pdf", f"/{folder}/{_ID}.pdf", f"{folder}/{_ID}.pdf"]
        if web:
            forms = [f"{_HOST}{forms[1]}", *forms]
        why = f"a document's {'URL' if web else 'path'} (a file in a folder of {folder})"
        return _file_rule(col, forms, why)
    if _GENERIC_PATH.search(name) and _fits(col, "/folder/name.ext"):
        return FakerRule(provider="file_path", reason="faker file_path (a file's path)")
    if _FILE_NAME.search(name) and _fits(col, "name.ext"):
        return FakerRule(provider="file_name", reason="faker file_name (a file's name)")
    return None


def shape_rule(col: Column, table: Table) -> ShapeRule | None:
    """The rule a column's name gives for values of a known shape, or None."""
    name = _norm(col.name)
    found = _extension_rule(col, table, name)
    if found is not None or col.data_type not in STRING_TYPES:
        return found
    return _path_rule(col, name)
