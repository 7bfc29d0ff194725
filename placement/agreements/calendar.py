"""iCalendar (RFC 5545) files of internship start and follow-up meetings.

Events name the job function and the company, never the young person: calendars are often synchronised to
third-party hosts.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from placement.agreements.models import Agreement
from placement.agreements.services import follow_up_dates
from placement.database import utcnow


def _escape(text: str) -> str:
    # Control characters (a bare CR could start a new property in some readers) become spaces.
    text = "".join(" " if ord(c) < 32 and c != "\n" else c for c in text.replace("\r\n", "\n"))
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    # Lines longer than 75 octets are folded with CRLF + space.
    data, parts = line.encode(), []
    while len(data) > 75:
        cut = 75
        while (data[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        parts.append(data[:cut].decode())
        data = data[cut:]
    parts.append(data.decode())
    return "\r\n ".join(parts)


def _event(uid: str, day: date, summary: str, description: str, stamp: datetime) -> list[str]:
    return ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}", f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}", f"SUMMARY:{_escape(summary)}",
            f"DESCRIPTION:{_escape(description)}", "END:VEVENT"]


def timed_event(uid: str, start: datetime, end: datetime, summary: str, description: str, stamp: datetime,
                location: str = "") -> list[str]:
    """Return the lines of an event at a time of day; ``start`` and ``end`` are timezone-aware, written in UTC."""
    lines = ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
             f"DTSTART:{start.astimezone(UTC):%Y%m%dT%H%M%SZ}", f"DTEND:{end.astimezone(UTC):%Y%m%dT%H%M%SZ}",
             f"SUMMARY:{_escape(summary)}", f"DESCRIPTION:{_escape(description)}"]
    if location:
        lines.append(f"LOCATION:{_escape(location)}")
    return [*lines, "END:VEVENT"]


def document(events: Iterable[list[str]], product: str) -> str:
    """Return an iCalendar document of these events (each its lines), folded as RFC 5545 asks."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//placement//{product}//DA", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH"]
    for event in events:
        lines += event
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def meetings(agreement: Agreement, start_label: str, follow_up_label: str) -> list[tuple[str, date, str]]:
    """Return (uid suffix, day, summary) for the start and each planned follow-up."""
    place = f"{agreement.job_function.title}, {agreement.job_function.company.name}"
    found = [("start", agreement.start_date, f"{start_label}: {place}")]
    found += [(f"follow-up-{n}", day, f"{follow_up_label}: {place}")
              for n, day in enumerate(follow_up_dates(agreement), start=1)]
    return found


def calendar(agreements: Iterable[Agreement], *, host: str, start_label: str, follow_up_label: str,
             description: str) -> str:
    """Return an iCalendar document with the meetings of these agreements."""
    stamp = utcnow()
    return document((_event(f"agreement-{agreement.id}-{suffix}@{host}", day, summary,
                            f"{description} #{agreement.id}", stamp)
                     for agreement in agreements
                     for suffix, day, summary in meetings(agreement, start_label, follow_up_label)),
                    "internship agreements")
