"""Pages for a young person's meetings (status and network meetings, their actions, a calendar file) and status
notes (prepare, edit, mark final, share with the caseworker, print).

Whoever works on the case sees its meetings; staff (``CASE_EDITORS``) change them and write the status notes; a
caseworker reads a status note once it is final and shared with them. Anything of another partnership, or of a
case the user does not work on, answers 404. Every page showing a young person's data is an audited read.
"""

from datetime import date

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from placement import locking
from placement.agreements import services as agreement_services
from placement.agreements.calendar import document, timed_event
from placement.agreements.calendar_views import calendar_host, ics_download
from placement.agreements.copies import pdf
from placement.agreements.models import Decision, NotHiredReason, Outcome, State
from placement.audit.reads import AGREEMENTS, BASE, PROGRESS, audit_read
from placement.auth.access import CASE_EDITORS, CASE_ROLES, get_participant_or_404, may_see_participant, roles_required
from placement.course import services
from placement.course.forms import ActionForm, DoneForm, MeetingForm, NoteStepForm, NoteTextForm, PrepareNoteForm
from placement.course.models import Meeting, MeetingAction, MeetingKind, StatusNote
from placement.database import utcnow
from placement.extensions import db
from placement.goals.models import GoalState
from placement.mail.services import enqueue
from placement.participants.models import Participant
from placement.progress.services import Progress
from placement.urls import external_url
from placement.workdays import is_workday, next_workday

bp = Blueprint("course", __name__)

#: What a status note shows: the young person, their progress and their internships.
NOTE_FIELDS = (BASE, PROGRESS, AGREEMENTS)
MEETING_FIELDS = (BASE,)
#: The labels of the values a note's stored documentation holds.
LABELS = {"state": {s.value: s.label for s in State}, "outcome": {o.value: o.label for o in Outcome},
          "decision": {d.value: d.label for d in Decision}, "reason": {r.value: r.label for r in NotHiredReason},
          "kind": {k.value: k.label for k in MeetingKind}, "goal": {g.value: g.label for g in GoalState}}


def _today():
    """The service's date (``placement.agreements.services.today``: tests may pin it)."""
    return agreement_services.today()


# Access ---------------------------------------------------------------------------------------------------------

def _meeting_or_404(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not may_see_participant(meeting.participant):
        abort(404)
    return meeting


def may_read_note(note: StatusNote) -> bool:
    """Staff read every note of the cases they work on; a caseworker a final note shared with them."""
    return current_user.role in CASE_EDITORS or (note.is_final and note.shared_at is not None)


def _note_or_404(note_id: int) -> StatusNote:
    note = db.session.get(StatusNote, note_id)
    if note is None or not may_see_participant(note.participant) or not may_read_note(note):
        abort(404)
    return note


def _problems(form) -> str:
    return " ".join(f"{form[name].label.text}: {' '.join(str(e) for e in errors)}"
                    for name, errors in form.errors.items() if name in form)


# Meetings -------------------------------------------------------------------------------------------------------

@bp.get("/participants/<int:participant_id>/meetings")
@roles_required(CASE_ROLES)
def meeting_list(participant_id: int):
    """List a young person's status and network meetings, with their open actions."""
    participant = get_participant_or_404(participant_id)
    if (ask := audit_read(participant, MEETING_FIELDS)) is not None:
        return ask
    db.session.commit()
    return render_template("course/meeting_list.html", participant=participant,
                           meetings=services.meetings_of(participant), today=_today())


def _meeting_form(participant: Participant, meeting: Meeting | None = None, **kwargs) -> MeetingForm:
    chosen_users = {a.user_id for a in meeting.attendees if a.user_id} if meeting else set()
    users = services.owner_choices(participant, chosen_users)
    mentors = services.mentor_choices(participant)
    if meeting is not None:
        mentors += [a.mentor for a in meeting.attendees if a.mentor is not None and a.mentor not in mentors]
    return MeetingForm(users=users, mentors=mentors, **kwargs)


def _warn_if_not_workday(form: MeetingForm) -> None:
    day = form.held_on.data
    if day is not None and not is_workday(day):
        flash(_("%(date)s is a weekend day or a Danish public holiday.", date=format_date(day, "full")), "warning")


@bp.route("/participants/<int:participant_id>/meetings/new", methods=["GET", "POST"])
@roles_required(CASE_EDITORS)
def meeting_create(participant_id: int):
    """Plan a status or network meeting; the service proposes a working day about a week ahead."""
    participant = get_participant_or_404(participant_id)
    kind = request.args.get("kind", "")
    day = request.args.get("day", type=date.fromisoformat)  # from a status note: its status meeting's day
    data = {"kind": kind if kind in {k.value for k in MeetingKind} else MeetingKind.STATUS.value,
            "held_on": next_workday(day) if day else services.proposed_meeting_day(_today()),
            "user_ids": [u.id for u in services.case_users(participant) if u.active],
            "mentor_ids": [m.id for m in services.mentor_choices(participant)[:1]]}
    form = _meeting_form(participant, data=data) if request.method == "GET" else _meeting_form(participant)
    if form.validate_on_submit():
        meeting = services.create_meeting(participant, form.values(), current_user)
        db.session.commit()
        _warn_if_not_workday(form)
        flash(_("The meeting was saved."), "success")
        return redirect(url_for("course.meeting_detail", meeting_id=meeting.id))
    if (ask := audit_read(participant, MEETING_FIELDS)) is not None:
        return ask
    db.session.commit()
    return render_template("course/meeting_form.html", form=form, participant=participant, meeting=None)


def _meeting_page(meeting: Meeting, action_form: ActionForm | None = None, status: int = 200):
    if (ask := audit_read(meeting.participant, MEETING_FIELDS, record=meeting)) is not None:
        return ask
    db.session.commit()
    may_edit = current_user.role in CASE_EDITORS
    if may_edit and action_form is None:
        action_form = ActionForm(formdata=None, owners=services.owner_choices(meeting.participant))
    return render_template("course/meeting_detail.html", meeting=meeting, participant=meeting.participant,
                           may_edit=may_edit, action_form=action_form if may_edit else None, done_form=DoneForm(),
                           today=_today()), status


@bp.get("/meetings/<int:meeting_id>")
@roles_required(CASE_ROLES)
def meeting_detail(meeting_id: int):
    """Show a meeting: when, where, who, the agenda, the minutes and the agreed actions."""
    return _meeting_page(_meeting_or_404(meeting_id))


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@roles_required(CASE_EDITORS)
def meeting_edit(meeting_id: int):
    """Change a meeting (write the minutes afterwards), on the version the user saw."""
    meeting = _meeting_or_404(meeting_id)
    data = {**{name: getattr(meeting, name) for name in services.MEETING_FIELDS}, "kind": meeting.kind.value,
            "user_ids": [a.user_id for a in meeting.attendees if a.user_id],
            "mentor_ids": [a.mentor_id for a in meeting.attendees if a.mentor_id],
            "others": services.others_text(meeting), "version": meeting.version}
    form = _meeting_form(meeting.participant, meeting, data=data)
    clash = None
    if form.validate_on_submit():
        clash = locking.save(form, meeting, lambda: services.update_meeting(meeting, form.values()), current=lambda: {
            "user_ids": [a.user_id for a in meeting.attendees if a.user_id],
            "mentor_ids": [a.mentor_id for a in meeting.attendees if a.mentor_id],
            "others": services.others_text(meeting)})
        if clash is None:
            _warn_if_not_workday(form)
            flash(_("The meeting was saved."), "success")
            return redirect(url_for("course.meeting_detail", meeting_id=meeting.id))
    if (ask := audit_read(meeting.participant, MEETING_FIELDS, record=meeting)) is not None:
        return ask
    db.session.commit()
    return render_template("course/meeting_form.html", form=form, participant=meeting.participant, meeting=meeting,
                           conflict=clash), 409 if clash else 200


@bp.post("/meetings/<int:meeting_id>/actions")
@roles_required(CASE_EDITORS)
def action_create(meeting_id: int):
    """Add an action agreed in the meeting: what, the owner and the deadline (all required)."""
    meeting = _meeting_or_404(meeting_id)
    owners = services.owner_choices(meeting.participant)
    form = ActionForm(owners=owners)
    if not form.validate_on_submit():
        return _meeting_page(meeting, form, 400)
    try:
        services.add_action(meeting, text=form.text.data, owner_id=form.owner_id.data,
                            owner_name=form.owner_name.data, deadline=form.deadline.data,
                            allowed_owners=[u.id for u in owners])
        locking.touch(meeting)
        db.session.commit()
    except services.CourseError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        flash(_("The action was added."), "success")
    return redirect(url_for("course.meeting_detail", meeting_id=meeting.id, _anchor="actions"))


@bp.post("/actions/<int:action_id>/done")
@roles_required(CASE_ROLES)
def action_done(action_id: int):
    """Mark an action done: its owner, or staff working on the case."""
    action = db.session.get(MeetingAction, action_id)
    if action is None:
        abort(404)
    owner = action.owner_id == current_user.id
    if not owner:
        if not may_see_participant(action.meeting.participant):
            abort(404)
        if current_user.role not in CASE_EDITORS:
            abort(403)
    if DoneForm().validate_on_submit():
        try:
            services.mark_done(action, current_user, _today())
            db.session.commit()
        except services.CourseError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            flash(_("The action is marked done."), "success")
    back = request.form.get("next", "")
    if back == "start" or not may_see_participant(action.meeting.participant):
        return redirect(url_for("main.index", _anchor="actions"))
    return redirect(url_for("course.meeting_detail", meeting_id=action.meeting_id, _anchor="actions"))


@bp.get("/meetings/<int:meeting_id>/calendar.ics")
@roles_required(CASE_ROLES)
def meeting_ics(meeting_id: int):
    """Download the meeting as an iCalendar file; the event names the kind of meeting, never the young person."""
    meeting = _meeting_or_404(meeting_id)
    if (ask := audit_read(meeting.participant, MEETING_FIELDS, record=meeting)) is not None:
        return ask
    db.session.commit()
    start, end = services.meeting_times(meeting)
    text = document([timed_event(f"meeting-{meeting.id}@{calendar_host()}", start, end, str(meeting.kind.label),
                                 _("Meeting #%(id)d", id=meeting.id), utcnow(), meeting.place)], "meetings")
    return ics_download(text, f"meeting-{meeting.id}.ics")


# Status notes ---------------------------------------------------------------------------------------------------

@bp.get("/participants/<int:participant_id>/status-notes")
@roles_required(CASE_ROLES)
def status_notes(participant_id: int):
    """List a young person's status-note periods (every third month from the course start) and their notes."""
    participant = get_participant_or_404(participant_id)
    if (ask := audit_read(participant, MEETING_FIELDS)) is not None:
        return ask
    db.session.commit()
    periods = services.periods(participant, _today())
    if current_user.role not in CASE_EDITORS:
        periods = [p for p in periods if p.note is not None and may_read_note(p.note)]
    return render_template("course/status_notes.html", participant=participant, periods=periods,
                           may_edit=current_user.role in CASE_EDITORS, prepare_form=PrepareNoteForm(),
                           end=services.course_end(participant))


@bp.post("/participants/<int:participant_id>/status-notes")
@roles_required(CASE_EDITORS)
def status_note_prepare(participant_id: int):
    """Prepare the draft status note of a period from what was recorded in it (or open the one prepared)."""
    participant = get_participant_or_404(participant_id)
    form = PrepareNoteForm()
    if not form.validate_on_submit():
        flash(_("Choose the period of the status note."), "error")
        return redirect(url_for("course.status_notes", participant_id=participant.id))
    try:
        note = services.prepare_note(participant, form.number.data, current_user, _today())
        db.session.commit()
    except services.CourseError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("course.status_notes", participant_id=participant.id))
    return redirect(url_for("course.status_note_detail", note_id=note.id))


def _chart_progress(facts: dict) -> Progress | None:
    """The first and the latest measurement as the progress chart takes them (None before there are two)."""
    first, latest = facts["measurements"]["first"], facts["measurements"]["latest"]
    if not first or not latest:
        return None
    return Progress([_Scores(first), _Scores(latest)], _today())


class _Scores(dict):
    """A stored measurement, read like a ``Measurement`` by the progress chart."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError as error:
            raise AttributeError(name) from error


def _note_context(note: StatusNote) -> dict:
    facts = services.note_facts(note)
    chart = _chart_progress(facts)
    if chart is not None:
        for point in chart.measurements:
            point["participant_id"] = note.participant_id
    return {"note": note, "participant": note.participant, "facts": facts, "chart": chart, "labels": LABELS}


def _note_page(note: StatusNote, text_form: NoteTextForm | None = None, conflict=None, status: int = 200):
    if (ask := audit_read(note.participant, NOTE_FIELDS, record=note)) is not None:
        return ask
    db.session.commit()
    may_edit = current_user.role in CASE_EDITORS
    if may_edit and not note.is_final and text_form is None:
        text_form = NoteTextForm(formdata=None, data={"text": note.text, "version": note.version})
    step = NoteStepForm(formdata=None, data={"version": note.version})
    meeting_day = services.status_meeting_day(note, _today())
    return render_template("course/status_note_detail.html", **_note_context(note), may_edit=may_edit,
                           text_form=text_form if may_edit and not note.is_final else None, step_form=step,
                           conflict=conflict, meeting_day=meeting_day), status


@bp.get("/status-notes/<int:note_id>")
@roles_required(CASE_ROLES)
def status_note_detail(note_id: int):
    """Show a status note: its text and the period's documentation; a draft with its edit form for staff."""
    return _note_page(_note_or_404(note_id))


@bp.post("/status-notes/<int:note_id>")
@roles_required(CASE_EDITORS)
def status_note_save(note_id: int):
    """Save a draft's text, on the version the user saw."""
    note = _note_or_404(note_id)
    if note.is_final:
        flash(_("The status note is final: it can no longer be changed."), "error")
        return redirect(url_for("course.status_note_detail", note_id=note.id))
    form = NoteTextForm()
    if not form.validate_on_submit():
        return _note_page(note, form, status=400)
    clash = locking.save(form, note, lambda: services.update_text(note, form.text.data))
    if clash is not None:
        return _note_page(note, form, clash, 409)
    flash(_("The status note was saved."), "success")
    return redirect(url_for("course.status_note_detail", note_id=note.id))


def _note_step(note: StatusNote, change, success: str):
    form = NoteStepForm()
    if not form.validate_on_submit():
        flash(_("The form was incomplete. Reload the page and try again."), "error")
        return redirect(url_for("course.status_note_detail", note_id=note.id))
    try:
        change(form.version.data)
        db.session.commit()
    except services.CourseError as error:
        db.session.rollback()
        flash(str(error), "error")
    except StaleDataError:
        db.session.rollback()
        flash(_("Someone else changed the status note meanwhile. Check the current version and try again."),
              "error")
    else:
        flash(success, "success")
    return redirect(url_for("course.status_note_detail", note_id=note.id))


@bp.post("/status-notes/<int:note_id>/final")
@roles_required(CASE_EDITORS)
def status_note_final(note_id: int):
    """Mark the note final: its text and the period's documentation are locked from now on."""
    note = _note_or_404(note_id)
    return _note_step(note, lambda version: services.finalise(note, current_user, version),
                      _("The status note is final. Print it, or share it with the caseworker."))


@bp.post("/status-notes/<int:note_id>/share")
@roles_required(CASE_EDITORS)
def status_note_share(note_id: int):
    """Share a final note with the case's caseworker, who is told by e-mail (no names in it) and reads it here."""
    note = _note_or_404(note_id)

    def change(version):
        caseworker = services.share(note, current_user, version)
        enqueue(caseworker.email, _("A status note was shared with you"),
                _("A youth coordinator shared a status note with you. Read it in the service (log in first):\n\n"
                  "%(url)s", url=external_url("course.status_note_detail", note_id=note.id)),
                partnership_id=note.partnership_id)

    return _note_step(note, change, _("The status note is shared with the caseworker."))


@bp.get("/status-notes/<int:note_id>/print")
@roles_required(CASE_ROLES)
def status_note_print(note_id: int):
    """Show the status note ready to print on A4."""
    note = _note_or_404(note_id)
    if (ask := audit_read(note.participant, NOTE_FIELDS, record=note)) is not None:
        return ask
    db.session.commit()
    return render_template("course/status_note_print.html", **_note_context(note))


@bp.get("/status-notes/<int:note_id>/note.pdf")
@roles_required(CASE_ROLES)
def status_note_pdf(note_id: int):
    """Download the status note as an A4 PDF."""
    note = _note_or_404(note_id)
    if (ask := audit_read(note.participant, NOTE_FIELDS, record=note)) is not None:
        return ask
    db.session.commit()
    response = make_response(pdf(render_template("course/status_note_pdf.html", **_note_context(note))))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="statusnotat-{note.id}.pdf"'
    return response


@bp.app_template_global("may_see_participant")
def _may_see_participant(participant: Participant) -> bool:
    """Let a page name a young person only to whoever works on the case (the start page's actions)."""
    return may_see_participant(participant)
