"""
The pages of written procedures: the list, a procedure, a member's answer, the Secretariat's steps
and the deadlines calendar. Every procedure page first closes the procedures whose deadline has
passed (decisions.procedures.services.close_due_procedures), so that a missed timer loses nothing.

A procedure the user may not see is a 404; a step they may not take on one they see, a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from core import clock, history
from core.editing import (
    NotAllowed,
    confirm_page,
    edit_page,
    editable,
    history_page,
    posted,
    require_permission,
    require_sign_in,
)
from core.forms import ConfirmForm
from core.roles import is_board_member, is_secretariat
from decisions import effects
from decisions.models import Decision, ProcedureAnswer, WrittenProcedure
from decisions.procedures import services as procedures
from decisions.procedures.contacts import mailing_for, mailing_text, reach
from decisions.procedures.feeds import deadlines_calendar
from decisions.procedures.forms import AnswerForm, OnBehalfForm, ProcedureForm, PublishForm, WithdrawForm
from decisions.procedures.panel import panel_for, reminded_text, status_of

CHANGE = "decisions.change_writtenprocedure"
PAGE_SIZE = 25


def _site_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _with_tally_so_far(procedures_qs):
    """Each procedure with its answers counted so far (an open procedure's tally is not stored yet)."""
    return procedures_qs.annotate(
        agree_so_far=Count("answers", filter=Q(answers__answer=ProcedureAnswer.Answer.AGREE), distinct=True),
        object_so_far=Count("answers", filter=Q(answers__answer=ProcedureAnswer.Answer.OBJECT), distinct=True),
        abstain_so_far=Count("answers", filter=Q(answers__answer=ProcedureAnswer.Answer.ABSTAIN), distinct=True),
        consulted_count=Count("consulted", distinct=True),
    )


def procedure_list(request):
    procedures.close_due_procedures()
    user = request.user
    visible = WrittenProcedure.objects.visible_to(user)
    running = (WrittenProcedure.Stage.DRAFT, WrittenProcedure.Stage.OPEN)
    # Open ones (a handful at a time) in full with their tally so far, soonest deadline first; the
    # closed ones by pages, with their stored tally (no counting: the page's count stays cheap).
    past = visible.exclude(stage__in=running).order_by("-closed_at", "-reference")
    return render(
        request,
        "decisions/procedures/procedure_list.html",
        {
            "open_procedures": list(
                _with_tally_so_far(visible.filter(stage__in=running)).order_by("deadline", "reference")
            ),
            "page_obj": Paginator(past, PAGE_SIZE).get_page(request.GET.get("page")),
            "user_is_secretariat": is_secretariat(user),
        },
    )


def procedure_detail(request, slug):
    procedures.close_due_procedures()
    user = request.user
    procedure = get_object_or_404(
        _with_tally_so_far(WrittenProcedure.objects.visible_to(user)).select_related("proposed_by_organisation"),
        slug=slug,
    )
    answers = list(
        ProcedureAnswer.objects.visible_to(user)
        .filter(procedure=procedure)
        .select_related("organisation", "answered_by__person")
        .order_by("organisation__name")
    )
    # The control panel is the Secretariat's (it reads every answer, and who may answer for whom).
    panel = panel_for(procedure, answers) if is_secretariat(user) else None
    decision = (
        Decision.objects.visible_to(user).with_acted_on(user).filter(procedure=procedure).first()
        if procedure.outcome == WrittenProcedure.Outcome.ADOPTED
        else None
    )
    answerable = (
        procedures.may_answer_for(user, procedure)
        if procedure.is_open and is_board_member(user)
        else WrittenProcedure.objects.none()
    )
    return render(
        request,
        "decisions/procedures/procedure_detail.html",
        {
            "procedure": procedure,
            "status": status_of(procedure),
            "answers": answers,
            "panel": panel,
            "last_reminder": reminded_text(panel.last_reminder) if panel else "",
            "decision": decision,
            "deadline": procedures.deadline_display(procedure),
            "answerable": list(answerable),
            "answer_form": AnswerForm(procedure=procedure, organisations=answerable) if answerable else None,
            "user_is_secretariat": is_secretariat(user),
            "documents": procedure.documents.visible_to(user).order_by("title") if is_board_member(user) else [],
            "consulted": procedure.consulted.order_by("name") if is_board_member(user) else [],
            # What its decision changes: its kind for everyone; in full, naming the records, for Board
            # members and the Secretariat (templatetags/outcomes.py: procedure_effect).
            "effect_label": effects.label(procedure.effect),
            "effect_in_full": is_board_member(user),
        },
    )


@require_http_methods(["GET", "POST"])
def procedure_answer(request, slug):
    """A member answers for their organisation (or changes their answer) until the deadline."""
    require_sign_in(request.user)
    procedure = get_object_or_404(WrittenProcedure.objects.visible_to(request.user), slug=slug)
    if not is_board_member(request.user):
        raise NotAllowed(procedure)
    organisations = procedures.may_answer_for(request.user, procedure)
    if not organisations.exists():
        raise NotAllowed(procedure)
    if not procedure.is_open:
        # Said plainly, on the procedure's page (a form opened while it was open is refused by the service).
        if procedure.stage == WrittenProcedure.Stage.CLOSED:
            closed = formats.date_format(timezone.localtime(procedure.closed_at), "j F Y, H:i T")
            messages.error(
                request, _("The procedure closed on %(closed)s: your answer was not recorded.") % {"closed": closed}
            )
        else:
            messages.error(request, _("This procedure is not open: no answer is taken."))
        return redirect(procedure)
    form = AnswerForm(posted(request), procedure=procedure, organisations=organisations)
    return edit_page(
        request,
        form,
        save=lambda: procedures.answer_procedure(
            procedure=procedure,
            organisation=form.cleaned_data["organisation"],
            answer=form.cleaned_data["answer"],
            reason=form.cleaned_data["reason"],
            user=request.user,
            expected_version=form.expected_version,
        ),
        message=lambda result: (
            _("Your answer for %(organisation)s is recorded: %(answer)s.")
            % {"organisation": result.answer.organisation, "answer": result.answer.get_answer_display()}
            # Whom the closing e-mailed is the Secretariat's to read, not a member's.
            + _closed_text(result, with_mailing=False)
        ),
        success_url=procedure,
        title=_("Answer the written procedure %(reference)s") % {"reference": procedure.reference},
        intro=procedure.title,
        refused_message=_("Your answer was not recorded: see below."),
        cancel_url=procedure.get_absolute_url(),
    )


# --- The Secretariat's pages --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def procedure_create(request):
    require_permission(request.user, "decisions.add_writtenprocedure")
    procedure = WrittenProcedure(reference=procedures.propose_reference())
    form = ProcedureForm(posted(request), instance=procedure, initial={"reference": procedure.reference})
    cancel_url = reverse("decisions:procedure-list")
    return _procedure_form(request, form, title=_("New written procedure"), cancel_url=cancel_url)


@require_http_methods(["GET", "POST"])
def procedure_edit(request, slug):
    procedure = editable(WrittenProcedure.objects, request.user, CHANGE, slug=slug)
    title = _("Edit the draft procedure %(reference)s") % {"reference": procedure.reference}
    form = ProcedureForm(posted(request), instance=procedure)
    return _procedure_form(request, form, title=title, cancel_url=procedure.get_absolute_url())


def _procedure_form(request, form: ProcedureForm, **context):
    return edit_page(
        request,
        form,
        save=lambda: procedures.save_procedure(
            procedure=form.save(commit=False),
            documents=form.cleaned_data["documents"],
            consulted=form.cleaned_data["consulted"],
            effect=form.chosen_effect(),
            expected_version=form.expected_version,
            user=request.user,
        ),
        message=lambda procedure: _("Draft procedure %(reference)s saved.") % {"reference": procedure.reference},
        template="decisions/procedures/procedure_form.html",
        **context,
    )


@require_http_methods(["GET", "POST"])
def procedure_launch(request, slug):
    procedure = editable(WrittenProcedure.objects, request.user, CHANGE, slug=slug)
    consulted = procedure.consulted.count()
    return confirm_page(
        request,
        ConfirmForm(posted(request), submit_label=_("Launch the procedure")),
        save=lambda: procedures.launch_procedure(procedure=procedure, site_url=_site_url(request), user=request.user),
        message=lambda result: (
            ngettext(
                "Procedure %(reference)s launched, %(count)s member consulted.",
                "Procedure %(reference)s launched, %(count)s members consulted.",
                result.procedure.consulted.count(),
            )
            % {"reference": procedure.reference, "count": result.procedure.consulted.count()}
            + " "
            + mailing_text(result.mailing)
        ),
        success_url=procedure,
        refused_url=procedure.get_absolute_url(),
        title=_("Launch %(reference)s") % {"reference": procedure.reference},
        text=(
            _("The procedure opens now and closes on %(deadline)s. %(who)s are consulted and e-mailed.")
            % {
                "deadline": procedures.deadline_display(procedure),
                "who": ngettext("%(count)s member", "%(count)s members", consulted) % {"count": consulted}
                if consulted
                else _("The Board members of today"),
            }
            + " "
            + _("Who will be e-mailed: %(mailing)s")
            % {
                "mailing": _preview(
                    procedure.consulted.order_by("name")
                    if consulted
                    else procedures.board_members_on(clock.localdate())
                )
            }
        ),
        cancel_url=procedure.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def procedure_record_answer(request, slug):
    """The Secretariat records an answer received by e-mail or letter, on the member's behalf."""
    procedure = editable(WrittenProcedure.objects, request.user, "decisions.add_procedureanswer", slug=slug)
    form = OnBehalfForm(posted(request), procedure=procedure, organisations=procedure.consulted.order_by("name"))
    return edit_page(
        request,
        form,
        save=lambda: procedures.answer_procedure(
            procedure=procedure,
            organisation=form.cleaned_data["organisation"],
            answer=form.cleaned_data["answer"],
            reason=form.cleaned_data["reason"],
            user=request.user,
            on_behalf=True,
            channel=form.cleaned_data["channel"],
            expected_version=form.expected_version,
        ),
        message=lambda result: (
            _("Answer of %(organisation)s recorded on its behalf: %(answer)s.")
            % {"organisation": result.answer.organisation, "answer": result.answer.get_answer_display()}
            + _closed_text(result)
        ),
        success_url=procedure,
        title=_("Record an answer — %(reference)s") % {"reference": procedure.reference},
        refused_message=_("The answer was not recorded: see below."),
        cancel_url=procedure.get_absolute_url(),
    )


def _preview(organisations) -> str:
    """Who an e-mail to `organisations` would reach, and who not and why, before the step."""
    mailing = mailing_for(reach(organisations))
    listed = ", ".join(f"{email} ({', '.join(names)})" for email, names in mailing.sent) or _("nobody")
    text = ngettext("%(count)s e-mail: %(list)s.", "%(count)s e-mails: %(list)s.", mailing.count) % {
        "count": mailing.count,
        "list": listed,
    }
    if mailing.unreached:
        text += " " + _("Nobody can be e-mailed for: %(why)s.") % {"why": "; ".join(mailing.unreached)}
    return text


def _closed_text(result, *, with_mailing: bool = True) -> str:
    """For the answer that closed the procedure: its outcome, and whom the closing e-mailed."""
    if not result.closed:
        return ""
    closed = result.procedure
    text = " " + _("That was the last answer awaited: the procedure closed, %(outcome)s.") % {
        "outcome": closed.get_outcome_display().lower()
    }
    if with_mailing and result.mailing is not None:
        text += " " + mailing_text(result.mailing)
    return text


@require_http_methods(["GET", "POST"])
def procedure_remind(request, slug):
    """The Secretariat reminds by e-mail the people of the organisations that have not answered an open procedure."""
    procedure = editable(WrittenProcedure.objects, request.user, CHANGE, slug=slug)
    if request.method == "GET" and (not procedure.is_open or procedure.deadline <= clock.now()):
        # Not offered before launch nor once closed: back to the page, saying why.
        messages.error(
            request,
            _("Only an open procedure can be reminded: this one is %(stage)s.")
            % {"stage": procedure.get_stage_display().lower()},
        )
        return redirect(procedure)
    silent = list(procedures.not_answered(procedure))
    return confirm_page(
        request,
        ConfirmForm(posted(request), submit_label=_("Send the reminders")),
        save=lambda: procedures.remind_procedure(
            procedures.RemindProcedure(procedure=procedure, user=request.user, site_url=_site_url(request))
        ),
        message=lambda result: mailing_text(result.mailing, noun="reminder"),
        success_url=procedure,
        refused_url=procedure.get_absolute_url(),
        title=_("Remind those who have not answered %(reference)s") % {"reference": procedure.reference},
        text=(
            _("%(count)s of the members consulted have not answered: %(names)s. The procedure closes on %(deadline)s.")
            % {
                "count": len(silent),
                "names": ", ".join(organisation.display_name for organisation in silent) or _("none"),
                "deadline": procedures.deadline_display(procedure),
            }
            + " "
            + _preview(silent)
        ),
        cancel_url=procedure.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def procedure_withdraw(request, slug):
    procedure = editable(WrittenProcedure.objects, request.user, CHANGE, slug=slug)
    form = WithdrawForm(posted(request))
    return confirm_page(
        request,
        form,
        save=lambda: procedures.withdraw_procedure(
            procedure=procedure, reason=form.cleaned_data["reason"], user=request.user
        ),
        message=_("The procedure is withdrawn."),
        success_url=procedure,
        title=_("Withdraw %(reference)s") % {"reference": procedure.reference},
        text=_("No decision is taken; the procedure stays on record with your reason."),
        danger=True,
        cancel_url=procedure.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def procedure_publish(request, slug):
    procedure = editable(WrittenProcedure.objects, request.user, CHANGE, slug=slug)
    form = PublishForm(posted(request))
    return confirm_page(
        request,
        form,
        save=lambda: procedures.publish_procedure(
            procedure=procedure, answers_published=form.cleaned_data["answers_published"], user=request.user
        ),
        message=_("The outcome is published."),
        success_url=procedure,
        refused_url=procedure.get_absolute_url(),
        title=_("Publish the outcome of %(reference)s") % {"reference": procedure.reference},
        text=_("The public then reads the procedure, its outcome and tally, and its decision in the register."),
        cancel_url=procedure.get_absolute_url(),
    )


@require_http_methods(["GET"])
def procedure_history(request, slug):
    procedure = editable(WrittenProcedure.objects, request.user, CHANGE, slug=slug)
    return history_page(
        request,
        title=_("History of %(reference)s") % {"reference": procedure.reference},
        back_url=procedure.get_absolute_url(),
        entries=history.merged_history(
            history.records(WrittenProcedure.history, id=procedure.pk),
            history.records(ProcedureAnswer.history, procedure_id=procedure.pk),
        ),
    )


# --- Calendar -----------------------------------------------------------------------------------


def procedures_ics(request):
    """The deadlines of the open procedures the user may see, as iCalendar (decisions.procedures.feeds)."""
    procedures.close_due_procedures()
    open_ones = WrittenProcedure.objects.visible_to(request.user).filter(stage=WrittenProcedure.Stage.OPEN)
    body = deadlines_calendar(open_ones.order_by("deadline"), request.build_absolute_uri)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="iisg-procedure-deadlines.ics"'
    return response
