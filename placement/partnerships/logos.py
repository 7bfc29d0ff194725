"""Partnership logos: a PNG or an SVG, checked by its content, never by its name alone.

A logo is shown to everyone who opens the service or a mentor's link, so an SVG (a document that can carry
script) must be well-formed XML with no script, no event-handler attributes and no reference to anything outside
itself; anything else is refused with a sentence saying why.
"""

import re
import struct
import zlib
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from flask_babel import lazy_gettext as _l

#: The largest logo accepted, in bytes (200 KB).
MAX_LOGO_BYTES = 200 * 1024
PNG = "image/png"
SVG = "image/svg+xml"
MIMETYPES = (PNG, SVG)

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_SVG_NS = "{http://www.w3.org/2000/svg}"
#: Elements that run code or embed other documents.
_FORBIDDEN_ELEMENTS = frozenset({"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"})
#: Attributes that name another resource: only a reference inside the logo (``#id``) is allowed.
_REFERENCE_ATTRIBUTES = frozenset({"href", "src", "xml:base", "base"})
_URL_IN_STYLE = re.compile(r"url\s*\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)
#: A processing instruction other than the XML declaration, e.g. ``<?xml-stylesheet href=…?>``.
_PROCESSING_INSTRUCTION = re.compile(rb"<\?(?!xml[\s?])", re.IGNORECASE)


class LogoRefused(ValueError):
    """The file is not an acceptable logo; the message says why, for the user."""


@dataclass(frozen=True, slots=True)
class Logo:
    data: bytes
    mimetype: str


def check_logo(data: bytes) -> Logo:
    """Return the logo with its type, read from its content; raise LogoRefused saying why it is refused."""
    if not data:
        raise LogoRefused(_l("The file is empty."))
    if len(data) > MAX_LOGO_BYTES:
        raise LogoRefused(_l("The logo is %(size)s KB; at most %(max)s KB is allowed.",
                             size=(len(data) + 1023) // 1024, max=MAX_LOGO_BYTES // 1024))
    if data.startswith(_PNG_SIGNATURE):
        _check_png(data)
        return Logo(data, PNG)
    if _looks_like_xml(data):
        _check_svg(data)
        return Logo(data, SVG)
    raise LogoRefused(_l("The file is neither a PNG nor an SVG image. Upload the logo as PNG or SVG."))


def _looks_like_xml(data: bytes) -> bool:
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return head == b"<"


def _check_png(data: bytes) -> None:
    """Walk the PNG's chunks: IHDR first, every checksum right, IEND last."""
    broken = LogoRefused(_l("The PNG file is damaged or incomplete."))
    position, first, seen_end = len(_PNG_SIGNATURE), True, False
    while position < len(data):
        if position + 8 > len(data):
            raise broken
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        end = position + 8 + length + 4
        if end > len(data):
            raise broken
        body = data[position + 4:position + 8 + length]
        (crc,) = struct.unpack(">I", data[end - 4:end])
        if zlib.crc32(body) != crc:
            raise broken
        if first:
            if kind != b"IHDR" or length != 13:
                raise broken
            width, height = struct.unpack(">II", body[4:12])
            if not width or not height:
                raise broken
            first = False
        position = end
        if kind == b"IEND":
            seen_end = True
            break
    if first or not seen_end or position != len(data):
        raise broken


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def _external(reference: str) -> bool:
    return not reference.strip().startswith("#")


def _check_style(text: str) -> None:
    if "@import" in text.lower() or any(_external(url) for url in _URL_IN_STYLE.findall(text) if url):
        raise LogoRefused(_l("The SVG refers to a file or address outside itself, which a logo may not do."))


def _check_svg(data: bytes) -> None:
    """Refuse an SVG that is not well-formed, or that carries script, event handlers or external references."""
    if _PROCESSING_INSTRUCTION.search(data):
        raise LogoRefused(_l("The SVG contains a processing instruction (such as a style sheet link); remove it."))
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise LogoRefused(_l("The SVG declares a document type or entities, which a logo may not do.")) from error
    except (ParseError, ValueError) as error:
        raise LogoRefused(_l("The SVG is not well-formed XML: %(problem)s.", problem=str(error))) from error
    if root.tag != f"{_SVG_NS}svg":
        raise LogoRefused(_l("The file is XML but not an SVG image (its root element must be <svg>)."))
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = _local(element.tag)
        if name in _FORBIDDEN_ELEMENTS:
            raise LogoRefused(_l("The SVG contains a <%(element)s> element; a logo may not contain script or "
                                 "embedded documents.", element=name))
        if name == "style":
            _check_style(element.text or "")
        for attribute, value in element.attrib.items():
            local = _local(attribute)
            if local.startswith("on"):
                raise LogoRefused(_l("The SVG has an event handler attribute (%(attribute)s); a logo may not "
                                     "contain script.", attribute=local))
            if local in _REFERENCE_ATTRIBUTES and _external(value):
                raise LogoRefused(_l("The SVG refers to a file or address outside itself, which a logo may "
                                     "not do."))
            if local == "style" or "url(" in value.lower():
                _check_style(value)
