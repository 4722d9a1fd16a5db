# How English pages, emails and texts write times (settings.FORMAT_MODULE_PATH; the rest is Django's "en").
#
# "9:30 AM": the 12-hour clock with minutes and AM/PM is what American patients read on their phones,
# calendars and appointment cards, and it is never ambiguous. Minutes are always written ("9:00 AM", not
# "9 a.m."), and there is no "noon" or "midnight", so every time has the same shape. Use it through
# ``{{ value|time }}`` and ``django.utils.formats.time_format(value)``, never with an explicit format.
TIME_FORMAT = "g:i A"
DATETIME_FORMAT = "N j, Y, g:i A"
SHORT_DATETIME_FORMAT = "m/d/Y g:i A"
