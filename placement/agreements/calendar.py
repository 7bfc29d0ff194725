"""iCalendar (RFC 5545) files of internship start and follow-up meetings.

Events name the job function and the company, never the young person: calendars are often synchronised to
third-party hosts.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

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
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//placement//internship agreements//DA",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    for agreement in agreements:
        for suffix, day, summary in meetings(agreement, start_label, follow_up_label):
            lines += _event(f"agreement-{agreement.id}-{suffix}@{host}", day, summary,
                            f"{description} #{agreement.id}", stamp)
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
