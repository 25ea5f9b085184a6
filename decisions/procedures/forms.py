"""Forms of the written procedures: the Secretariat's draft, a member's answer, the Secretariat's steps."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import LineEndingsMixin, form_helper, records_formfield, refuse_control_characters
from core.locking import OptimisticLockFormMixin
from core.widgets import ZonedDateTimeField
from decisions import effects
from decisions.effect_forms import EFFECT_FORMS
from decisions.models import Document, ProcedureAnswer, WrittenProcedure
from decisions.procedures import services as procedures
from members.models import Organisation


class ProcedureForm(LineEndingsMixin, OptimisticLockFormMixin, forms.ModelForm):
    """
    A draft procedure: what is proposed, to whom, by when, and what it changes when adopted: one effect
    (decisions.effects), chosen in `effect` and given in that effect's own form (decisions.effect_forms,
    the same as a meeting's outcome page), whose fields are prefixed by its kind ("role-post", …).
    """

    effect = forms.ChoiceField(
        label=_("When adopted, the decision also"),
        required=False,
        help_text=_("Then fill in the fields of that effect below; the others are ignored."),
    )

    class Meta:
        formfield_callback = records_formfield  # many-to-many fields: core.forms.RecordsChoiceField
        model = WrittenProcedure
        # The deadline as every date and time of the portal: a date and a time input, the zone named.
        field_classes = {"deadline": ZonedDateTimeField}
        fields = [
            "reference",
            "kind",
            "title",
            "text",
            "verb",
            "proposed_by_organisation",
            "documents",
            "consulted",
            "deadline",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 8}),
            "documents": forms.SelectMultiple(attrs={"size": 6}),
            "consulted": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.fields["documents"].queryset = Document.objects.order_by("title")
        self.fields["deadline"].help_text = _("On the clock of the Secretariat's time zone (%(zone)s).") % {
            "zone": settings.TIME_ZONE
        }
        offered = {key: form for key, form in EFFECT_FORMS.items() if not form.effect_class.meeting_only}
        self.fields["effect"].choices = [("", _("Nothing more (the decision only)"))] + [
            (key, form.effect_class.label) for key, form in offered.items()
        ]
        stored, self.stored_effect_refused = {}, ""
        if self.instance.effect:
            try:
                stored = {self.instance.effect["kind"]: effects.from_stored(self.instance.effect)}
            except ValidationError as error:
                self.stored_effect_refused = " ".join(error.messages)
            self.initial.setdefault("effect", self.instance.effect.get("kind", ""))
        # Only the chosen effect's form takes the input: the others are ignored (and show no errors).
        chosen = data.get(self.add_prefix("effect"), "") if data is not None else None
        self.effect_forms = {
            key: form(
                data if key == chosen else None,
                prefix=key,
                stored=True,
                initial=form.initial_for(stored[key]) if key in stored else None,
            )
            for key, form in offered.items()
        }
        self.helper = form_helper()

    @property
    def chosen_effect_form(self):
        return self.effect_forms.get(self.cleaned_data.get("effect") or "")

    def clean(self):
        cleaned = super().clean()
        effect_form = self.chosen_effect_form
        if effect_form is not None and not (effect_form.is_valid() and refuse_control_characters(effect_form)):
            self.add_error("effect", _("Correct the fields of this effect below."))
        return cleaned

    def chosen_effect(self) -> effects.Effect | None:
        """The effect of the cleaned input, or None."""
        effect_form = self.chosen_effect_form
        return None if effect_form is None else effect_form.effect()


class AnswerForm(LineEndingsMixin, forms.Form):
    """
    A member's answer for one of the organisations they may answer for. It carries, hidden, the
    version of each of these organisations' answers as the page showed them (core.locking.Versioned;
    0: none yet), so that an answer recorded meanwhile by someone else is not overwritten unseen: the
    service refuses it (StaleVersionError) and `refuse_stale` says which answer was recorded, keeps
    the sender's choice and moves the form on, so that sending it again replaces that answer.
    """

    organisation = forms.ModelChoiceField(label=_("Answer for"), queryset=Organisation.objects.none(), empty_label=None)
    answer = forms.ChoiceField(label=_("Answer"), choices=ProcedureAnswer.Answer.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Required to object.")
    )
    versions = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, procedure, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if not self.is_bound:
            self.initial["versions"] = _sign_versions(procedures.answer_versions(procedure, organisations))
        self.helper = form_helper(_("Send the answer"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("answer") == ProcedureAnswer.Answer.OBJECT and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Say why you object."))
        return cleaned

    def _versions_seen(self) -> dict[str, int]:
        try:
            versions = signing.loads(self.data.get(self.add_prefix("versions"), ""), salt=_VERSIONS_SALT)
        except signing.BadSignature:
            return {}
        return versions if isinstance(versions, dict) else {}

    @property
    def expected_version(self) -> int:
        """
        The version of the chosen organisation's answer that the sender saw. A form posted without it
        (a page older than it, a hand-made post) counts as having seen none: it replaces no answer.
        """
        version = self._versions_seen().get(str(self.cleaned_data["organisation"].pk), 0)
        return version if isinstance(version, int) else 0

    def refuse_stale(self, current: ProcedureAnswer) -> None:
        """Another answer was recorded since the form was opened: say which; the next send replaces it."""
        self.add_error(
            None,
            "{} {}".format(
                procedures.answer_recorded_meanwhile(current), _("Yours was not recorded; send it again to replace it.")
            ),
        )
        versions = self._versions_seen()
        versions[str(current.organisation_id)] = current.version
        data = self.data.copy()
        data[self.add_prefix("versions")] = _sign_versions(versions)
        self.data = data


_VERSIONS_SALT = "decisions.answer.versions"


def _sign_versions(versions: dict) -> str:
    return signing.dumps({str(pk): version for pk, version in versions.items()}, salt=_VERSIONS_SALT)


class OnBehalfForm(AnswerForm):
    """An answer the Secretariat received by e-mail or letter, recorded on the member's behalf."""

    channel = forms.ChoiceField(
        label=_("Received"),
        choices=[(ProcedureAnswer.Channel.EMAIL, _("By e-mail")), (ProcedureAnswer.Channel.LETTER, _("By letter"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].label = _("Member")
        self.helper = form_helper(_("Record the answer"))


class WithdrawForm(LineEndingsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Withdraw the procedure"))


class PublishForm(forms.Form):
    answers_published = forms.BooleanField(
        label=_("Publish each member's answer too"),
        required=False,
        help_text=_("Otherwise the public reads the outcome and the tally only."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Publish the outcome"))
