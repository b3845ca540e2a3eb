"""Word lists for the synthetic demo people: names of the origins one meets in
Brussels and Flanders, real Belgian postcode + municipality pairs, sectors and
professions. Nothing here refers to a real person."""

from __future__ import annotations

from typing import NamedTuple


class Origin(NamedTuple):
    female: tuple[str, ...]
    male: tuple[str, ...]
    last: tuple[str, ...]
    languages: tuple[str, ...]  # ISO 639-1, besides the region's language


ORIGINS: dict[str, Origin] = {
    "moroccan": Origin(
        ("Amina", "Fatima", "Salma", "Yasmina", "Khadija", "Nour", "Imane", "Sara", "Hajar"),
        ("Mohamed", "Youssef", "Hamza", "Bilal", "Ayoub", "Mehdi", "Karim", "Rachid", "Anas"),
        (
            "Benali",
            "El Amrani",
            "Bouzid",
            "El Idrissi",
            "Chaoui",
            "Bakkali",
            "Tahiri",
            "Azzouzi",
            "El Khattabi",
            "Benhaddou",
            "Ouali",
            "Amrani",
        ),
        ("ar",),
    ),
    "turkish": Origin(
        ("Elif", "Zeynep", "Ayşe", "Merve", "Büşra", "Esra", "Derya"),
        ("Emre", "Mehmet", "Burak", "Yusuf", "Murat", "Kaan", "Serkan"),
        ("Yılmaz", "Demir", "Kaya", "Şahin", "Çelik", "Öztürk", "Aydın", "Arslan"),
        ("tr",),
    ),
    "congolese": Origin(
        ("Grâce", "Divine", "Merveille", "Nadège", "Ornella", "Sarah"),
        ("Christian", "Patrick", "Jonathan", "Dieudonné", "Cédric", "Glodi", "Junior"),
        ("Mukendi", "Kabongo", "Tshibangu", "Ilunga", "Mbuyi", "Kalonji", "Lukusa", "Nsimba"),
        ("ln",),
    ),
    "syrian": Origin(
        ("Rama", "Lina", "Hala", "Dana", "Noor", "Rasha"),
        ("Omar", "Ahmad", "Khaled", "Tarek", "Mahmoud", "Samer"),
        ("Al-Hassan", "Haddad", "Khalil", "Mansour", "Nasser", "Darwish", "Haj Ali"),
        ("ar", "en"),
    ),
    "afghan": Origin(
        ("Mariam", "Zahra", "Parwana", "Farida", "Soraya"),
        ("Hamid", "Mustafa", "Farid", "Jawad", "Sohrab", "Nasir"),
        ("Ahmadi", "Rahimi", "Hakimi", "Karimi", "Noori", "Sultani"),
        ("fa", "ps"),
    ),
    "guinean": Origin(
        ("Fatoumata", "Mariama", "Aïssatou", "Kadiatou"),
        ("Mamadou", "Ibrahima", "Alpha", "Ousmane", "Thierno"),
        ("Diallo", "Bah", "Barry", "Sow", "Camara", "Baldé"),
        (),
    ),
    "eritrean": Origin(
        ("Semhar", "Helen", "Saba", "Luwam"),
        ("Yonas", "Tesfaye", "Filmon", "Dawit"),
        ("Haile", "Kidane", "Tesfamariam", "Gebremedhin", "Abraha"),
        ("ti", "en"),
    ),
    "ukrainian": Origin(
        ("Olena", "Iryna", "Oksana", "Kateryna"),
        ("Andriy", "Oleksandr", "Dmytro", "Taras"),
        ("Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Melnyk"),
        ("uk", "ru", "en"),
    ),
    "polish": Origin(
        ("Anna", "Katarzyna", "Magdalena"),
        ("Piotr", "Tomasz", "Marek"),
        ("Nowak", "Kaczmarek", "Wójcik", "Mazur"),
        ("pl", "en"),
    ),
    "belgian_fr": Origin(
        (
            "Marie",
            "Sophie",
            "Isabelle",
            "Nathalie",
            "Catherine",
            "Anne",
            "Véronique",
            "Martine",
            "Chantal",
            "Françoise",
            "Julie",
            "Laura",
        ),
        (
            "Luc",
            "Marc",
            "Philippe",
            "Jean",
            "Pierre",
            "Michel",
            "Alain",
            "Didier",
            "Bernard",
            "Thomas",
            "Nicolas",
        ),
        (
            "Dubois",
            "Lambert",
            "Dupont",
            "Martin",
            "Leclercq",
            "Renard",
            "Lejeune",
            "Simon",
            "Laurent",
            "Lemaire",
            "Delvaux",
            "Collard",
        ),
        ("en",),
    ),
    "belgian_nl": Origin(
        (
            "Els",
            "An",
            "Katrien",
            "Lieve",
            "Inge",
            "Griet",
            "Hilde",
            "Veerle",
            "Kristien",
            "Sofie",
            "Lotte",
        ),
        ("Dirk", "Koen", "Peter", "Bart", "Geert", "Jan", "Wim", "Johan", "Stijn", "Pieter"),
        (
            "Peeters",
            "Janssens",
            "Maes",
            "Jacobs",
            "Mertens",
            "Willems",
            "Claes",
            "Goossens",
            "Wouters",
            "De Smet",
            "Vermeulen",
            "Van den Broeck",
            "De Clercq",
            "Verstraete",
        ),
        ("en",),
    ),
}

# Who applies where, as (origin, weight).
MENTEE_ORIGINS = {
    "brussels": [
        ("moroccan", 30),
        ("congolese", 15),
        ("turkish", 10),
        ("syrian", 10),
        ("afghan", 8),
        ("guinean", 9),
        ("eritrean", 4),
        ("ukrainian", 6),
        ("polish", 3),
    ],
    "flanders": [
        ("moroccan", 25),
        ("turkish", 20),
        ("afghan", 15),
        ("syrian", 15),
        ("eritrean", 10),
        ("ukrainian", 10),
        ("guinean", 5),
    ],
}
# Team4Job has no nationality condition: some mentees are Belgian-born.
MENTEE_ORIGINS["brussels_open"] = [*MENTEE_ORIGINS["brussels"], ("belgian_fr", 25)]
MENTOR_ORIGINS = {
    "brussels": [
        ("belgian_fr", 55),
        ("belgian_nl", 15),
        ("moroccan", 12),
        ("turkish", 6),
        ("congolese", 6),
        ("polish", 3),
    ],
    "flanders": [("belgian_nl", 75), ("moroccan", 12), ("turkish", 10), ("belgian_fr", 3)],
}

# Real postcode + municipality pairs (a section is filed under its municipality).
PLACES = {
    "brussels_mentee": [
        ("1080", "Molenbeek-Saint-Jean", 5),
        ("1030", "Schaerbeek", 5),
        ("1070", "Anderlecht", 5),
        ("1000", "Bruxelles", 4),
        ("1210", "Saint-Josse-ten-Noode", 3),
        ("1060", "Saint-Gilles", 3),
        ("1190", "Forest", 3),
        ("1081", "Koekelberg", 2),
        ("1090", "Jette", 2),
        ("1140", "Evere", 2),
        ("1050", "Ixelles", 2),
        ("1040", "Etterbeek", 1),
    ],
    "brussels_mentor": [
        ("1180", "Uccle", 4),
        ("1150", "Woluwe-Saint-Pierre", 3),
        ("1200", "Woluwe-Saint-Lambert", 3),
        ("1050", "Ixelles", 3),
        ("1170", "Watermael-Boitsfort", 2),
        ("1040", "Etterbeek", 2),
        ("1160", "Auderghem", 2),
        ("1000", "Bruxelles", 2),
        ("1030", "Schaerbeek", 1),
        ("1083", "Ganshoren", 1),
        ("1082", "Berchem-Sainte-Agathe", 1),
        ("1090", "Jette", 1),
    ],
    "flanders_mentee": [
        ("9000", "Gent", 6),
        ("9040", "Gent", 3),
        ("9050", "Gent", 2),
        ("9032", "Gent", 1),
        ("9030", "Gent", 1),
        ("9820", "Merelbeke", 1),
        ("9940", "Evergem", 1),
        ("9090", "Melle", 1),
        ("9100", "Sint-Niklaas", 1),
        ("9300", "Aalst", 1),
        ("9160", "Lokeren", 1),
    ],
    "flanders_mentor": [
        ("9000", "Gent", 4),
        ("9830", "Sint-Martens-Latem", 2),
        ("9070", "Destelbergen", 2),
        ("9820", "Merelbeke", 2),
        ("9052", "Gent", 1),
        ("9090", "Melle", 1),
        ("9840", "De Pinte", 1),
    ],
}

# Sector codes (duos.vocab.SECTORS) with how often mentees look for work there.
SECTOR_WEIGHTS = [
    ("logistics", 4),
    ("retail", 4),
    ("hospitality", 3),
    ("construction", 3),
    ("cleaning", 3),
    ("healthcare", 3),
    ("administration", 3),
    ("ict", 2),
    ("industry", 2),
    ("education", 1),
    ("finance", 1),
    ("social", 1),
]
PROFESSIONS = {
    "logistics": ("Warehouse manager", "Logistics planner", "Transport dispatcher"),
    "construction": ("Site manager", "Civil engineer", "Quantity surveyor"),
    "retail": ("Store manager", "Area sales manager", "Buyer"),
    "hospitality": ("Restaurant manager", "Hotel operations manager", "Chef"),
    "ict": ("IT project manager", "Software developer", "System administrator"),
    "healthcare": ("Head nurse", "Hospital administrator", "Pharmacist"),
    "administration": ("HR manager", "Office manager", "Payroll specialist"),
    "finance": ("Accountant", "Bank branch manager", "Financial controller"),
    "education": ("Secondary school teacher", "Adult education trainer"),
    "cleaning": ("Facility manager", "Cleaning team supervisor"),
    "industry": ("Production engineer", "Maintenance technician", "Quality manager"),
    "social": ("Social worker", "Job coach"),
}
AVAILABILITY = (
    "Tuesday and Thursday afternoons",
    "Weekday evenings",
    "Wednesday mornings",
    "Flexible (retired)",
    "Lunch breaks at the workplace",
    "Monday and Friday mornings",
)

MENTEE_WITHDRAWALS = (
    "Found a job on their own before being matched",
    "Moved out of the region",
    "Started a full-time training course",
    "Health reasons",
    "Did not answer three invitations",
)
MENTOR_WITHDRAWALS = (
    "Not enough time this year",
    "Moved abroad",
    "Health reasons",
    "Took on a new job",
)
DECLINE_REASONS = (
    "The mentee preferred a mentor in another sector",
    "Their schedules did not fit",
    "The mentor felt the mentee's goal was outside their experience",
    "The mentee started a training course before the first meeting",
    "No click at the introduction meeting",
)

MEETING_NOTES = {
    "fr": (
        "CV retravaillé ensemble, version finale envoyée.",
        "Simulation d'entretien pour un poste de magasinier.",
        "Point sur les candidatures de la semaine.",
        "Discussion sur l'équivalence du diplôme.",
        "Préparation d'une lettre de motivation.",
        "Visite d'un salon de l'emploi.",
    ),
    "nl": (
        "Cv samen herwerkt.",
        "Sollicitatiegesprek geoefend voor een job als magazijnier.",
        "Samen naar een jobbeurs geweest.",
        "Contact gelegd met een werkgever uit het netwerk van de mentor.",
        "Vacatures van de week overlopen.",
        "Gesprek over taallessen en diploma-erkenning.",
    ),
}
