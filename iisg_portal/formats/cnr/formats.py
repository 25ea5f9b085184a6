"""
Montenegrin (cnr) dates and numbers, which Django has no formats for: as Montenegrin writes them (the
Pravopis crnogorskoga jezika's ordinal day and year with a full stop, the month's name in lower case,
"20. jun 2022."), the same shapes as Django's Serbian Latin (the month names come from the catalogue:
locale_django/). Django's own formats serve every other language.
"""

DATE_FORMAT = "j. F Y."
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j. F Y. H:i"
YEAR_MONTH_FORMAT = "F Y."
MONTH_DAY_FORMAT = "j. F"
SHORT_DATE_FORMAT = "j.m.Y."
SHORT_DATETIME_FORMAT = "j.m.Y. H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%d.%m.%Y.",  # '25.10.2006.'
    "%d.%m.%y.",  # '25.10.06.'
    "%d. %m. %Y.",  # '25. 10. 2006.'
    "%Y-%m-%d",  # '2006-10-25' (the date inputs' own)
]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y. %H:%M:%S",
    "%d.%m.%Y. %H:%M",
    "%d. %m. %Y. %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
