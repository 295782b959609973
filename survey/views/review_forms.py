"""What the review screen shows: values as people read them, audit changes, and
the verdict form."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from survey.models import Answer, AuditEvent, Node

AT = Node.AnswerType
NUMBER_TYPES = {AT.COUNT, AT.NUMBER, AT.PERCENTAGE, AT.MONEY, AT.POINTS, AT.RATIO}


# Showing values ---------------------------------------------------------------------


def _number(text) -> str:
    if text in (None, ""):
        return "—"
    return formats.number_format(Decimal(str(text)), use_l10n=True, force_grouping=True)


def value_text(node: Node, values: dict | None) -> str:
    """An answer's (or a verified) value as a person reads it."""
    if not values:
        return "—"
    if values.get("is_na"):
        return _("Not applicable")
    params = node.rule_params or {}
    kind = node.answer_type
    if kind == AT.YES_NO:
        yes = values.get("yes")
        return "—" if yes is None else (_("Yes") if yes else _("No"))
    if kind == AT.RATIO:
        return f"{_number(values.get('number'))} / {_number(values.get('denominator'))}"
    if kind in NUMBER_TYPES:
        return _number(values.get("number"))
    if kind == AT.LEVEL:
        names = {
            lv.get("code"): lv.get("vi", lv.get("code"))
            for lv in params.get("levels", [])
        }
        return names.get(values.get("choice"), values.get("choice") or "—")
    if kind == AT.CHECKLIST:
        names = {
            c.get("code"): c.get("vi", c.get("code")) for c in params.get("checks", [])
        }
        return "; ".join(names.get(c, c) for c in values.get("checks") or []) or "—"
    if kind == AT.DATE:
        return values.get("date") or "—"
    return values.get("text") or "—"


def audit_changes(node: Node, event: AuditEvent) -> list[tuple[str, str, str]]:
    """``(what, before, after)`` for the fields an audit event changed."""
    before, after = event.before or {}, event.after or {}
    rows = []
    if event.action == AuditEvent.Action.ANSWER_CHANGE:
        old, new = value_text(node, before), value_text(node, after)
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
    points = forms.DecimalField(
        label=gettext_lazy("Verified points"),
        required=False,
        localize=True,
        max_digits=12,
        decimal_places=4,
    )

    def __init__(self, *args, node: Node, **kwargs) -> None:
        kwargs.setdefault("prefix", f"v{node.pk}")
        super().__init__(*args, **kwargs)
        self.node = node
        self.value_names = []
        for name, form_field in _value_fields(node):
            self.fields[name] = form_field
            self.value_names.append(name)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {name: data.get(name) for name in self.value_names}
        if "yes" in values:
            values["yes"] = {"true": True, "false": False}.get(values["yes"])
        return values


def _value_fields(node: Node) -> list[tuple[str, forms.Field]]:
    kind, params = node.answer_type, node.rule_params or {}
    label = gettext_lazy("Verified value")
    if kind == AT.YES_NO:
        choices = [("", "—"), ("true", _("Yes")), ("false", _("No"))]
        return [
            ("yes", forms.ChoiceField(label=label, choices=choices, required=False))
        ]
    if kind in NUMBER_TYPES:
        number = forms.DecimalField(
            label=label, required=False, localize=True, max_digits=20, decimal_places=4
        )
        fields = [("number", number)]
        if kind == AT.RATIO:
            denominator = forms.DecimalField(
                label=gettext_lazy("Verified denominator"),
                required=False,
                localize=True,
                max_digits=20,
                decimal_places=4,
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
