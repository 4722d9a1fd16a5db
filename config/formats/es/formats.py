# How Spanish pages, emails and texts write times (settings.FORMAT_MODULE_PATH; the rest is Django's "es").
#
# "17:15": the 24-hour clock with two-digit hours is the usual way Spanish writes times on schedules,
# appointment notices and transport timetables, and Django's own "es" format. It needs no "a. m." / "p. m.",
# whose spelling varies ("p.m.", "p. m.", "PM") and which a text message can split, and it cannot be misread.
# Many patients from Mexico and Central America also say times on the 12-hour clock; if a practice's patients
# prefer "5:15 p. m.", this line is the one place to change. Use it through ``{{ value|time }}`` and
# ``django.utils.formats.time_format(value)``, never with an explicit format.
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"j \d\e F \d\e Y \a \l\a\s H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
