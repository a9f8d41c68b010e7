"""French typography the interface needs: a country with its preposition ("au Sénégal",
"aux Comores", "en France", "à Madagascar"), the first of the month ("1er mars"), and the
accents capital letters lost in the IATI codelists ("Equipements" -> "Équipements")."""

import re

from django.utils import translation
from django.utils.formats import date_format
from django_countries import countries

# Whole phrases where the name needs more than a preposition, or where the rules below would
# pick the wrong one (islands and cities without article, masculine names in -e, plurals).
PHRASES = {
    "US": "aux États-Unis",
    "AE": "aux Émirats arabes unis",
    "NL": "aux Pays-Bas",
    "KM": "aux Comores",
    "PH": "aux Philippines",
    "MV": "aux Maldives",
    "SC": "aux Seychelles",
    "BS": "aux Bahamas",
    "FJ": "aux Fidji",
    "BM": "aux Bermudes",
    "SB": "aux Îles Salomon",
    "KI": "aux Kiribati",
    "TV": "aux Tuvalu",
    "WF": "à Wallis-et-Futuna",
    "MG": "à Madagascar",
    "CU": "à Cuba",
    "HT": "en Haïti",
    "CY": "à Chypre",
    "MT": "à Malte",
    "MU": "à Maurice",
    "SG": "à Singapour",
    "MC": "à Monaco",
    "BH": "à Bahreïn",
    "TW": "à Taïwan",
    "OM": "à Oman",
    "BN": "à Brunei",
    "ST": "à Sao Tomé-et-Principe",
    "TT": "à Trinité-et-Tobago",
    "KN": "à Saint-Christophe-et-Niévès",
    "LC": "à Sainte-Lucie",
    "VC": "à Saint-Vincent-et-les-Grenadines",
    "AG": "à Antigua-et-Barbuda",
    "SM": "à Saint-Marin",
    "NR": "à Nauru",
    "GD": "à la Grenade",
    "DM": "à la Dominique",
    "BB": "à la Barbade",
    "JM": "en Jamaïque",
    "HK": "à Hong Kong",
    "MO": "à Macao",
    "GI": "à Gibraltar",
    "GU": "à Guam",
    "YT": "à Mayotte",
    "RE": "à La Réunion",
    "BL": "à Saint-Barthélemy",
    "MF": "à Saint-Martin",
    "SX": "à Saint-Martin",
    "PM": "à Saint-Pierre-et-Miquelon",
    "SH": "à Sainte-Hélène",
    "PR": "à Porto Rico",
    "AW": "à Aruba",
    "CW": "à Curaçao",
    "JE": "à Jersey",
    "GG": "à Guernesey",
    "IM": "sur l’île de Man",
    "TO": "aux Tonga",
    "WS": "aux Samoa",
    "AS": "aux Samoa américaines",
    "PW": "aux Palaos",
    "MH": "aux Îles Marshall",
    "NU": "à Niue",
    "TK": "aux Tokelau",
    "MS": "à Montserrat",
    "AI": "à Anguilla",
    "VA": "au Saint-Siège",
    "PS": "en Palestine",
    "SZ": "en Eswatini",
    "FM": "en Micronésie",
    "BQ": "à Bonaire, Saint-Eustache et Saba",
    "MK": "en Macédoine du Nord",
    "GW": "en Guinée-Bissau",
    "CF": "en République centrafricaine",
    "CD": "en République démocratique du Congo",
    "DO": "en République dominicaine",
    "CZ": "en République tchèque",
    "TL": "au Timor oriental",
    "CV": "au Cap-Vert",
    "LK": "au Sri Lanka",
    "EH": "au Sahara occidental",
    "VN": "au Viêt Nam",
    "IO": "dans le Territoire britannique de l’océan Indien",
    "TF": "dans les Terres australes et antarctiques françaises",
    "AQ": "en Antarctique",
    "GY": "au Guyana",
    "SL": "en Sierra Leone",
    "DJ": "à Djibouti",
}
# Masculine names ending in -e: "au Mexique", not "en".
MASCULINE_IN_E = {"MX", "KH", "MZ", "ZW", "BZ", "SR"}
VOWELS = tuple("AEIOUÉÈÊÎÏÔÖÜ")


def in_country(code: str) -> str:
    """Where, in the current language: "au Sénégal" in French, "in Senegal" in English."""
    code = (code or "").upper()
    name = str(countries.name(code) or code)
    if not (translation.get_language() or "fr").startswith("fr"):
        return f"in {name}"
    if code in PHRASES:
        return PHRASES[code]
    if name.startswith("Îles "):
        return f"aux {name}"
    if name.startswith("Île "):
        return f"à l’{name}"
    # The gender is the first word's: "Corée du Sud", "Guinée équatoriale" are feminine.
    feminine = name.split()[0].endswith("e") and code not in MASCULINE_IN_E
    if feminine or name.startswith(VOWELS):
        return f"en {name}"
    return f"au {name}"


def day_month(value) -> str:
    """ "1er mars 2024", "2 mars 2024" in French (Django writes "1 mars")."""
    text = date_format(value, "j F Y")
    if value.day == 1 and (translation.get_language() or "fr").startswith("fr"):
        return "1er" + text[1:]
    return text


# Words the IATI French codelists write with an unaccented capital (the official French names
# carry the accent: the Imprimerie nationale's rule, and the OECD's French DAC list).
ACCENTED_CAPITALS = {
    "Education": "Éducation",
    "Equipements": "Équipements",
    "Equipement": "Équipement",
    "Energie": "Énergie",
    "Echange": "Échange",
    "Echanges": "Échanges",
    "Etat": "État",
    "Etats": "États",
    "Elevage": "Élevage",
    "Electricité": "Électricité",
    "Economie": "Économie",
    "Egalité": "Égalité",
    "Etudes": "Études",
    "Evaluation": "Évaluation",
    "Elections": "Élections",
    "Epargne": "Épargne",
    "Ecole": "École",
    "Ecoles": "Écoles",
}
_CAPITALS = re.compile(r"\b(" + "|".join(ACCENTED_CAPITALS) + r")\b")


def with_accented_capitals(text: str) -> str:
    """ "Equipements scolaires" -> "Équipements scolaires"."""
    return _CAPITALS.sub(lambda match: ACCENTED_CAPITALS[match.group(1)], text or "")
