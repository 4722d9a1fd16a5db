"""``{{ name|topic_label }}``: a comment topic's name (``booking and access``) as the reader's words."""

from django import template

from ..forms.listening import TOPIC_LABELS

register = template.Library()


@register.filter
def topic_label(name: str) -> str:
    label = TOPIC_LABELS.get(name)
    return str(label) if label is not None else name
