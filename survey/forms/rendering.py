"""Django's form templates written out in Python, for pages that show many forms.

The review screen shows a verdict form per indicator, a questionnaire step a form
per indicator; the template engine's cost per widget, label and field made up
most of their time. :class:`PlainRenderer` writes the same HTML (spaces aside)
for the templates it knows and hands any other to Django's templates.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html`` in Python."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return "".join(parts)


def _input(w: dict) -> str:
    value = w["value"]
    shown = "" if value is None else f' value="{conditional_escape(value)}"'
    return f'<input type="{w["type"]}" name="{conditional_escape(w["name"])}"' + (
        f"{shown}{_attrs(w['attrs'])}>"
    )


def _option_input(w: dict) -> str:
    if not w.get("wrap_label"):
        return _input(w)
    label_id = w["attrs"].get("id")
    label_for = f' for="{conditional_escape(label_id)}"' if label_id else ""
    return f"<label{label_for}>{_input(w)} {conditional_escape(w['label'])}</label>"


def _multiple(w: dict) -> str:
    ident, css = w["attrs"].get("id"), w["attrs"].get("class")
    head = f' id="{conditional_escape(ident)}"' if ident else ""
    head += f' class="{conditional_escape(css)}"' if css else ""
    body = []
    for group, options, _index in w["optgroups"]:
        if group:
            body.append(f"\n  <div><label>{conditional_escape(group)}</label>")
        body += [f"<div>\n    {_option_input(o)}</div>" for o in options]
        if group:
            body.append("\n  </div>")
    return f"<div{head}>{''.join(body)}\n</div>"


def _select(w: dict) -> str:
    body = []
    for group, options, _index in w["optgroups"]:
        if group:
            body.append(f'\n  <optgroup label="{conditional_escape(group)}">')
        body += [
            f'\n  <option value="{conditional_escape(o["value"])}"'
            f"{_attrs(o['attrs'])}>{conditional_escape(o['label'])}</option>"
            for o in options
        ]
        if group:
            body.append("\n  </optgroup>")
    name = conditional_escape(w["name"])
    return f'<select name="{name}"{_attrs(w["attrs"])}>{"".join(body)}\n</select>'


def _textarea(w: dict) -> str:
    value = conditional_escape(w["value"]) if w["value"] else ""
    name = conditional_escape(w["name"])
    return f'<textarea name="{name}"{_attrs(w["attrs"])}>\n{value}</textarea>'


def _label(context: dict) -> str:
    if not context["use_tag"]:
        return conditional_escape(context["label"])
    return format_html(
        "<{}{}>{}</{}>",
        context["tag"],
        mark_safe(_attrs(context["attrs"] or {})),
        context["label"],
        context["tag"],
    )


_INPUTS = ("text", "hidden", "number", "email", "url", "password", "date", "checkbox")
_WIDGETS = {
    **{f"django/forms/widgets/{name}.html": _input for name in _INPUTS},
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/radio.html": _multiple,
    "django/forms/widgets/checkbox_select.html": _multiple,
}


def _errors(context: dict) -> str:
    errors = context["errors"]
    if not errors:
        return ""
    field_id = getattr(errors, "field_id", None)
    ident = f' id="{conditional_escape(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{conditional_escape(e)}</li>" for e in errors)
    css = conditional_escape(context["error_class"])
    return f'<ul class="{css}"{ident}>{items}</ul>'


def _field(context: dict) -> str:
    field = context["field"]
    parts = []
    if field.use_fieldset:
        described = field.aria_describedby
        described = f' aria-describedby="{conditional_escape(described)}"' * bool(
            described
        )
        parts.append(f"<fieldset{described}>")
        if field.label:
            parts.append(field.legend_tag())
    elif field.label:
        parts.append(field.label_tag())
    if field.help_text:
        ident = f' id="{conditional_escape(field.auto_id)}_helptext"' * bool(
            field.auto_id
        )
        parts.append(f'<div class="helptext"{ident}>{field.help_text}</div>')
    parts += [str(field.errors), str(field)]
    if field.use_fieldset:
        parts.append("</fieldset>")
    return "\n".join(parts)


class PlainRenderer(DjangoTemplates):
    """Widgets, labels, a field's group and its list of errors written in Python;
    any other template (a widget not listed, a whole form) rendered as usual."""

    def render(self, template_name, context, request=None):
        if template_name == "django/forms/label.html":
            return SafeString(_label(context).strip())
        if template_name == "django/forms/field.html":
            return SafeString(_field(context))
        if template_name == "django/forms/errors/list/default.html":
            return SafeString(_errors(context))
        write = _WIDGETS.get(template_name)
        if write is None:
            return super().render(template_name, context, request=request)
        return SafeString(write(context["widget"]))


PLAIN_RENDERER = PlainRenderer()
