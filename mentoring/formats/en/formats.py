"""English for a Belgian site: day-month-year (30 Nov 2026, 30/11/2026), never
the American 11/30/2026; a 24-hour clock."""

DATE_FORMAT = "j M Y"  # 30 Nov 2026
DATETIME_FORMAT = "j M Y, H:i"  # 30 Nov 2026, 14:05
SHORT_DATE_FORMAT = "d/m/Y"  # 30/11/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 30/11/2026 14:05
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"  # 30 November
FIRST_DAY_OF_WEEK = 1  # Monday
# Typed dates are read day first; ISO (2026-11-30, what date inputs send) is
# always accepted as well.
DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 30/11/2026
    "%d/%m/%y",  # 30/11/26
    "%d %b %Y",  # 30 Nov 2026
    "%d %B %Y",  # 30 November 2026
]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
