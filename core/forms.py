"""Form fields shared by the apps."""

from django import forms
from django.forms.models import ModelChoiceIterator


class ListedChoiceIterator(ModelChoiceIterator):
    """The choices read with the queryset's own query. Django's iterator reads them
    through a server-side cursor (DECLARE, FETCH, FETCH, CLOSE: four round trips instead
    of one) so as not to hold a long list in memory; the selects of these forms offer a
    few dozen rows (a branch's agents, the branches, an employer's agreements)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ListedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField for a short list of choices: one query, no cursor."""

    iterator = ListedChoiceIterator
