"""What the review screen shows: values as people read them, audit changes, and
the verdict form."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from survey.answer_types import NUMBER_TYPES, answer_display
from survey.forms.rendering import PLAIN_RENDERER
from survey.models import Answer, AuditEvent, Node
from survey.numbers import (
    NumberField,
    NumberFormat,
    format_number,
    number_format_named,
    number_value,
    page_number_format,
)

AT = Node.AnswerType


# Showing values ---------------------------------------------------------------------


def _number(text) -> str:
    return format_number(text) or "—"


def audit_changes(node: Node, event: AuditEvent) -> list[tuple[str, str, str]]:
    """``(what, before, after)`` for the fields an audit event changed."""
    before, after = event.before or {}, event.after or {}
    rows = []
    if event.action == AuditEvent.Action.ANSWER_CHANGE:
        old, new = answer_display(node, before), answer_display(node, after)
        if old != new:
            rows.append((_("Value"), old, new))
        if before.get("comment") != after.get("comment"):
            rows.append(
                (
                    _("Comment"),
                    before.get("comment") or "—",
                    after.get("comment") or "—",
                )
            )
        return rows
    statuses = dict(Answer.ReviewStatus.choices)
    rows.append(
        (
            _("Review status"),
            str(statuses.get(before.get("review_status"), "—")),
            str(statuses.get(after.get("review_status"), "—")),
        )
    )
    if after.get("verified_points") is not None:
        rows.append((_("Verified points"), "", _number(after["verified_points"])))
    return rows


class VerdictForm(forms.Form):
    default_renderer = PLAIN_RENDERER
    verdict = forms.ChoiceField(
        label=gettext_lazy("Verdict"),
        choices=[
            ("agree", gettext_lazy("Agree with the criterion")),
            ("disagree", gettext_lazy("Disagree with the criterion")),
        ],
        widget=forms.RadioSelect,
    )
    explanation = forms.CharField(
        label=gettext_lazy("Explanation"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    number_format = forms.CharField(widget=forms.HiddenInput, required=False)
    # The answer's version the page showed; a verdict on a changed answer is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, node: Node, **kwargs) -> None:
        kwargs.setdefault("prefix", f"v{node.pk}")
        super().__init__(*args, **kwargs)
        self.node = node
        # Typed numbers are read in the format the page showed and posted back.
        if self.is_bound:
            number_format = number_format_named(
                self.data.get(self.add_prefix("number_format"))
            )
        else:
            number_format = page_number_format()
            self.initial["number_format"] = number_format.code
        self.fields["points"] = NumberField(
            number_format=number_format,
            label=gettext_lazy("Verified points"),
            required=False,
            max_digits=12,
        )
        self.value_names = []
        for name, form_field in _value_fields(node, number_format):
            self.fields[name] = form_field
            self.value_names.append(name)
        for name in ("number", "denominator"):
            if isinstance(self.initial.get(name), str):  # stored as plain "12.5"
                self.initial[name] = number_value(self.initial[name])

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {name: data.get(name) for name in self.value_names}
        if "yes" in values:
            values["yes"] = {"true": True, "false": False}.get(values["yes"])
        return values


def _value_fields(
    node: Node, number_format: NumberFormat | None
) -> list[tuple[str, forms.Field]]:
    kind, params = node.answer_type, node.rule_params or {}
    label = gettext_lazy("Verified value")
    if kind == AT.YES_NO:
        choices = [("", "—"), ("true", _("Yes")), ("false", _("No"))]
        return [
            ("yes", forms.ChoiceField(label=label, choices=choices, required=False))
        ]
    if kind in NUMBER_TYPES:
        number = NumberField(number_format=number_format, label=label, required=False)
        fields = [("number", number)]
        if kind == AT.RATIO:
            denominator = NumberField(
                number_format=number_format,
                label=gettext_lazy("Verified denominator"),
                required=False,
            )
            fields.append(("denominator", denominator))
        return fields
    if kind == AT.LEVEL:
        choices = [("", "—")] + [
            (lv.get("code"), lv.get("vi", lv.get("code")))
            for lv in params.get("levels", [])
        ]
        return [
            ("choice", forms.ChoiceField(label=label, choices=choices, required=False))
        ]
    if kind == AT.CHECKLIST:
        choices = [
            (c.get("code"), c.get("vi", c.get("code")))
            for c in params.get("checks", [])
        ]
        return [
            (
                "checks",
                forms.MultipleChoiceField(
                    label=label,
                    choices=choices,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                ),
            )
        ]
    return []


# The filters of the verify page ----------------------------------------------------

# Each filter of the verify page: its name in the address and its label.
VERIFY_FILTERS = {
    "pending": gettext_lazy("Not yet verified"),
    "disagreed": gettext_lazy("Disagreed"),
    "returned": gettext_lazy("Returned"),
    "changed": gettext_lazy("Changed since returned"),
    "evidence": gettext_lazy("With evidence"),
}


class VerifyFilter(forms.Form):
    """Which items of the verify page to show: one filter and one pillar, read
    from the address (``?show=pending&pillar=12``); a value that names nothing
    shows every item."""

    show = forms.ChoiceField(
        label=gettext_lazy("Show"),
        choices=[("", gettext_lazy("All"))] + list(VERIFY_FILTERS.items()),
        required=False,
    )
    pillar = forms.TypedChoiceField(
        label=gettext_lazy("Pillar"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, pillars, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pillar"].choices = [("", gettext_lazy("All"))] + [
            (str(pillar.pk), f"{pillar.code} {pillar.name_vi}") for pillar in pillars
        ]

    def chosen(self) -> tuple[str, int | None]:
        """``(filter, pillar id)``; each empty when not given or not valid."""
        if self.is_valid():
            return self.cleaned_data["show"], self.cleaned_data["pillar"]
        data = self.cleaned_data
        return data.get("show") or "", data.get("pillar")
