"""Reference lists offered in forms (stored as codes in JSON lists)."""

from django.utils.translation import gettext_lazy as _

SECTORS = [
    ("administration", _("Administration and office work")),
    ("cleaning", _("Cleaning")),
    ("construction", _("Construction")),
    ("education", _("Education")),
    ("finance", _("Finance and insurance")),
    ("healthcare", _("Health and care")),
    ("hospitality", _("Hotels, restaurants, catering")),
    ("ict", _("IT and digital")),
    ("industry", _("Industry and technical jobs")),
    ("logistics", _("Logistics and transport")),
    ("retail", _("Retail and sales")),
    ("social", _("Social work")),
    ("other", _("Other")),
]

LANGUAGES = [
    ("nl", _("Dutch")),
    ("fr", _("French")),
    ("en", _("English")),
    ("de", _("German")),
    ("ar", _("Arabic")),
    ("tr", _("Turkish")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("it", _("Italian")),
    ("pl", _("Polish")),
    ("ro", _("Romanian")),
    ("ru", _("Russian")),
    ("uk", _("Ukrainian")),
    ("fa", _("Persian")),
    ("ps", _("Pashto")),
    ("so", _("Somali")),
    ("ti", _("Tigrinya")),
    ("ln", _("Lingala")),
    ("sw", _("Swahili")),
]
