"""The browser's own pickers, which read and send ISO values only."""

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format=format)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None, format="%Y-%m-%dT%H:%M"):
        super().__init__(attrs, format=format)


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None, format="%Y-%m"):
        super().__init__(attrs, format=format)
