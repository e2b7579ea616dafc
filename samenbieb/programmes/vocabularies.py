"""The shared vocabularies: themes, target groups and consultation topics (data, in Dutch,
as the network names them; libraries choose from these so the network can count).

Loaded by a data migration, and again after tests that empty every table.
"""

from __future__ import annotations

from typing import Any

THEMES = [
    ("basic_skills", "Basisvaardigheden"),
    ("digital_government", "Digitale overheid"),
    ("digital_safety", "Digitale veiligheid"),
    ("reading", "Lezen en taal"),
    ("lifelong_learning", "Leven lang leren"),
    ("health", "Gezondheid"),
]
TARGET_GROUPS = [
    ("children", "Kinderen"),
    ("youth", "Jongeren"),
    ("adults", "Volwassenen"),
    ("seniors", "Senioren"),
    ("newcomers", "Nieuwkomers"),
    ("low_literacy", "Laaggeletterden"),
    ("jobseekers", "Werkzoekenden"),
    ("parents", "Ouders"),
]
TOPICS = [
    ("digid", "DigiD", "digital_government"),
    ("allowances", "Toeslagen", "digital_government"),
    ("tax_return", "Belastingaangifte", "digital_government"),
    ("benefits", "Uitkering of bijstand", "digital_government"),
    ("safe_banking", "Veilig online bankieren", "digital_safety"),
    ("scams", "Phishing en oplichting", "digital_safety"),
    ("health_insurance", "Zorgverzekering", "health"),
    ("computer_basics", "Computer, tablet of telefoon", "basic_skills"),
    ("other", "Iets anders", "basic_skills"),
]


def vocabularies_load(theme: Any, target_group: Any, topic: Any) -> None:
    """Create what is missing, given the three model classes (historical ones in the
    migration, the real ones elsewhere)."""
    themes = {}
    for code, name in THEMES:
        themes[code], _ = theme.objects.get_or_create(code=code, defaults={"name": name})
    for code, name in TARGET_GROUPS:
        target_group.objects.get_or_create(code=code, defaults={"name": name})
    for code, name, theme_code in TOPICS:
        topic.objects.get_or_create(code=code, defaults={"name": name, "theme": themes[theme_code]})
