"""
A <select> whose options are written in Python: the same markup as Django's Select, to the byte.

Django writes a select through its form templates, one template include per option; a list's filter
form offers an option per pillar and per year, so that cost grows with the data (the meetings page
spent about 40 % of its time in its three selects at 100x, 100 pillars: issue 23, bench/README.md).
`ListSelect` writes the markup of Django's select.html, select_option.html and attrs.html itself,
escaped as the templates escape it; for a label that is not text (a number the templates would
localise) it leaves the writing to Django.
"""

from django import forms
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, ` name` for True, nothing for False."""
    return "".join(
        f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _is_text(label) -> bool:
    return isinstance(label, (str, Promise))


class ListSelect(forms.Select):
    """forms.Select, its markup written without a template per option (see above)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = widget["optgroups"]
        if not all(
            (group_name is None or _is_text(group_name)) and all(_is_text(option["label"]) for option in options)
            for group_name, options, _index in groups
        ):
            return super().render(name, value, attrs, renderer)
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in groups:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            parts.extend(
                f'\n  <option value="{escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")  # the form renderer strips the template's last line break
        return mark_safe("".join(parts))
