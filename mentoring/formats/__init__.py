"""Date and number formats per language (settings.FORMAT_MODULE_PATH).

Only what differs from Django's own formats for the language is set here:
Belgian usage in Dutch and French, day-month-year in English. What a module
leaves out falls back to Django's."""
