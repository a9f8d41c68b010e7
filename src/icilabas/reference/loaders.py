"""Load the shipped reference files into the database, idempotently.

Functions take the model classes so that data migrations can pass their historical models.
"""

import csv
import gzip
from pathlib import Path

from lxml import etree

from icilabas.core.french import with_accented_capitals

from .gazetteer import commune_key

DATA_DIR = Path(__file__).resolve().parent / "data"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# IATI codelists shipped with the product: slug -> (file, name).
IATI_CODELISTS = {
    "dac-sector": ("Sector.xml", "Secteurs CAD (5 chiffres)"),
    "dac-sector-category": ("SectorCategory.xml", "Catégories de secteurs CAD (3 chiffres)"),
    "iati-organisation-type": ("OrganisationType.xml", "Types d'organisation (IATI)"),
    "iati-organisation-role": ("OrganisationRole.xml", "Rôles d'organisation (IATI)"),
    "iati-activity-status": ("ActivityStatus.xml", "Statuts d'activité (IATI)"),
    "iati-transaction-type": ("TransactionType.xml", "Types de transaction (IATI)"),
    "iati-region": ("Region.xml", "Régions (IATI, vocabulaire CAD)"),
    "iati-activity-scope": ("ActivityScope.xml", "Portées d'activité (IATI)"),
    "iati-collaboration-type": ("CollaborationType.xml", "Types de collaboration (IATI)"),
    "iati-flow-type": ("FlowType.xml", "Types de flux (IATI)"),
    "iati-finance-type": ("FinanceType.xml", "Types de financement (IATI)"),
    "iati-aid-type": ("AidType.xml", "Types d'aide (IATI, vocabulaire CAD)"),
    "iati-tied-status": ("TiedStatus.xml", "Statuts de liaison de l'aide (IATI)"),
    "iati-disbursement-channel": ("DisbursementChannel.xml", "Canaux de versement (IATI)"),
    "currency": ("Currency.xml", "Devises (ISO 4217)"),
    "sdg": ("UNSDG-Goals.xml", "Objectifs de développement durable (ODD)"),
}
ATLAS_SLUG = "atlas-theme"

# Atlas theme -> DAC sector crosswalk (hand-made, "close" matches).
ATLAS_TO_DAC = {
    "1.1": "15112",
    "1.1.2": "15190",
    "1.3.1": "43030",
    "1.3.2": "16030",
    "2.1": "31110",
    "2.2.1": "33210",
    "3.1.1": "14030",
    "3.1.2": "14050",
    "3.2": "14050",
    "3.3": "23110",
    "4.1.1": "12220",
    "4.1.2": "13020",
    "4.2.1": "11120",
    "4.2.2": "11230",
    "4.3.1": "16010",
    "5.1": "16061",
    "6.1": "99820",
}


def load_territories(Region, Departement, Commune) -> int:
    regions = {}
    with open(DATA_DIR / "france-regions.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            regions[row["insee_reg"]], _ = Region.objects.update_or_create(
                code=row["insee_reg"], defaults={"name": row["region"]}
            )
    departements = {}
    with open(DATA_DIR / "france-departements.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            departements[row["insee_dep"]], _ = Departement.objects.update_or_create(
                code=row["insee_dep"],
                defaults={"name": row["departement"], "region": regions[row["insee_reg"]]},
            )
    existing = set(Commune.objects.values_list("insee_code", flat=True))
    batch = []
    with gzip.open(DATA_DIR / "communes.csv.gz", "rt", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["insee"] in existing or row["dep"] not in departements:
                continue
            batch.append(
                Commune(
                    insee_code=row["insee"],
                    name=row["name"],
                    name_with_article=row["name_article"] or row["name"],
                    departement=departements[row["dep"]],
                    latitude=float(row["lat"]) if row["lat"] else None,
                    longitude=float(row["lng"]) if row["lng"] else None,
                    population=int(row["population"]) if row["population"] else None,
                    postcodes=row["postcodes"],
                )
            )
    # Migration 0002 loads communes through a historical model that has no search key yet;
    # migration 0006 fills it for them.
    if any(f.name == "search_key" for f in Commune._meta.fields):
        for commune in batch:
            commune.search_key = commune_key(commune.name)
    Commune.objects.bulk_create(batch, batch_size=5000)
    return len(batch)


def _narratives(element) -> tuple[str, str]:
    """(French, English) narrative of a codelist name, falling back to English."""
    english, french = "", ""
    for narrative in element.iterfind("narrative"):
        lang = narrative.get(XML_LANG, "en")
        text = (narrative.text or "").strip()
        if lang == "fr":
            french = with_accented_capitals(text)
        elif lang == "en":
            english = text
    return french or english, english


def load_iati_codelist(Vocabulary, Concept, slug: str) -> int:
    filename, name = IATI_CODELISTS[slug]
    tree = etree.parse(str(DATA_DIR / "iati" / filename))
    vocabulary, _ = Vocabulary.objects.update_or_create(
        slug=slug,
        defaults={
            "name": name,
            "version": tree.getroot().get("version", "2.03"),
            "source": f"IATI codelist {tree.getroot().get('name')}",
        },
    )
    count = 0
    for item in tree.iterfind(".//codelist-item"):
        label, label_en = _narratives(item.find("name"))
        Concept.objects.update_or_create(
            vocabulary=vocabulary,
            code=item.findtext("code").strip(),
            defaults={
                "label": label[:300],
                "label_en": label_en[:300],
                "is_active": item.get("status", "active") == "active",
            },
        )
        count += 1
    return count


def iati_codelists_operation(*slugs: str):
    """The migration operation that loads shipped IATI codelists added after the first
    reference data (and removes them when unapplied)."""
    from django.db import migrations

    def load(apps, schema_editor):
        Vocabulary, Concept = (apps.get_model("reference", n) for n in ("Vocabulary", "Concept"))
        for slug in slugs:
            load_iati_codelist(Vocabulary, Concept, slug)

    def unload(apps, schema_editor):
        apps.get_model("reference", "Vocabulary").objects.filter(slug__in=slugs).delete()

    return migrations.RunPython(load, unload)


def load_atlas_themes(Vocabulary, Concept) -> int:
    vocabulary, _ = Vocabulary.objects.update_or_create(
        slug=ATLAS_SLUG,
        defaults={
            "name": "Thématiques (trois niveaux, style Atlas)",
            "version": "2026.1",
            "source": "Liste illustrative inspirée des thématiques de l'Atlas de la coopération "
            "décentralisée",
        },
    )
    by_code = {}
    with open(DATA_DIR / "atlas_themes.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["code"]
            parent_code = code.rpartition(".")[0]
            by_code[code], _ = Concept.objects.update_or_create(
                vocabulary=vocabulary,
                code=code,
                defaults={
                    "label": row["label"],
                    "parent": by_code.get(parent_code),
                    "level": code.count(".") + 1,
                },
            )
    return len(by_code)


def load_crosswalks(Concept, ConceptMapping) -> int:
    count = 0
    for atlas_code, dac_code in ATLAS_TO_DAC.items():
        source = Concept.objects.filter(vocabulary__slug=ATLAS_SLUG, code=atlas_code).first()
        target = Concept.objects.filter(vocabulary__slug="dac-sector", code=dac_code).first()
        if source and target:
            ConceptMapping.objects.update_or_create(
                source=source, target=target, defaults={"relation": "close"}
            )
            count += 1
    return count


def load_all(models) -> dict[str, int]:
    """`models` maps model names to classes (the app registry or a migration's `apps`)."""
    counts = {
        "communes": load_territories(models["Region"], models["Departement"], models["Commune"])
    }
    for slug in IATI_CODELISTS:
        counts[slug] = load_iati_codelist(models["Vocabulary"], models["Concept"], slug)
    counts[ATLAS_SLUG] = load_atlas_themes(models["Vocabulary"], models["Concept"])
    counts["crosswalks"] = load_crosswalks(models["Concept"], models["ConceptMapping"])
    return counts
