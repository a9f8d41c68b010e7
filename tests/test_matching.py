"""Duplicate detection: French normalisation, scoring with reasons, blocking, the CSV scan."""

import csv
import gc

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from icilabas.matching.batch import Columns
from icilabas.matching.model import COMPARISONS, FIELDS, comparison_codes, default_model, estimate
from icilabas.matching.normalize import authority_name, country_code, place_name
from icilabas.matching.records import Rarity, Record
from icilabas.matching.scan import (
    ScoredPair,
    candidate_pairs,
    clusters,
    judge,
    probabilities,
    scan,
    weak_bridges,
)

FOUNDIOUGNE = {
    "title": "Reconstruction du collège de Foundiougne par un chantier de jeunes",
    "description": "Trente jeunes de Martignas-sur-Jalle et de Foundiougne reconstruisent "
    "ensemble le collège pendant l'été 2007.",
    "french_authority": "Ville de Martignas-sur-Jalle",
    "partner_locality": "Foundiougne",
    "partner_country": "Sénégal",
    "theme": "Chantiers et échanges de jeunes",
    "start_year": 2007,
}


def record(id_, **changes):
    return Record(id=id_, **{**FOUNDIOUGNE, **changes})


# Other projects of a registry, so that word rarity means something.
BACKGROUND = [
    Record(
        id=f"bg{n}",
        title=title,
        description=description,
        french_authority=authority,
        partner_locality=place,
        partner_country=country,
    )
    for n, (title, description, authority, place, country) in enumerate(
        [
            (
                "Forage à Kayes",
                "Le projet équipe le village d'un forage avec les habitants.",
                "Ville de Pessac",
                "Kayes",
                "ML",
            ),
            (
                "Maraîchage des femmes de Thiès",
                "Les femmes du groupement cultivent des légumes et les vendent au marché.",
                "Ville de Talence",
                "Thiès",
                "SN",
            ),
            (
                "Bibliothèque de Banfora",
                "Une bibliothèque pour les élèves et les habitants de la commune.",
                "Ville de Pessac",
                "Banfora",
                "BF",
            ),
            (
                "Festival Latitudes",
                "Un festival pour les jeunes et les habitants de la ville.",
                "Ville de La Roche-sur-Yon",
                "",
                "FR",
            ),
            (
                "Centre de santé de Kolobo",
                "Le projet construit un centre de santé avec la population du village.",
                "AJ 162",
                "Kolobo",
                "ML",
            ),
            (
                "Chantier de jeunes à Dakar",
                "Des jeunes des deux villes rénovent ensemble une école pendant l'été.",
                "Ville de Bègles",
                "Dakar",
                "SN",
            ),
        ]
    )
]


def pair_judgement(a, b):
    return judge(a, b, Rarity([a, b, *BACKGROUND]))


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Ville de Martignas-sur-Jalle", "Mairie de Martignas sur Jalle"),
        ("Commune de Saint-Louis", "St Louis"),
        ("Conseil départemental de la Gironde", "Gironde"),
    ],
)
def test_authority_names_lose_their_kind_articles_and_hyphens(left, right):
    assert authority_name(left) == authority_name(right)


def test_place_names_ignore_accents_brackets_and_saint():
    assert place_name("Figuig (Centre)") == place_name("FIGUIG")
    assert place_name("São Paulo") == "sao paulo"
    assert place_name("Ste-Marie") == place_name("Sainte Marie")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Sénégal", "SN"),
        ("senegal", "SN"),
        ("SN", "SN"),
        ("SEN", "SN"),
        ("England, United Kingdom", "GB"),
        ("Republic of Ireland", "IE"),
        ("Maroc", "MA"),
        ("Côte d'Ivoire", "CI"),
        ("Ivory Coast", "CI"),
        ("Kazakhstah", "KZ"),
        # Short names typed with one slip (a letter swapped, dropped or wrong): too short for
        # a similarity ratio, within one edit of a single country.
        ("Mlai", "ML"),
        ("Mari", "ML"),
        ("Seengal", "SN"),
        ("Toog", "TG"),
        ("Bnein", "BJ"),
        ("Tnuisie", "TN"),
        ("Nigr", "NE"),
        ("", ""),
    ],
)
def test_countries_from_french_or_english_names_codes_and_typos(value, code):
    assert country_code(value) == code


@pytest.mark.parametrize("value", ["Irax", "Guinea-Bisau Equatorial", "Mlaa"])
def test_a_country_name_too_far_or_between_two_is_not_guessed(value):
    """Kept as typed (still comparable to the same spelling elsewhere), never a guess:
    "Irax" is one letter from Iran and from Iraq; "Mlaa" two from Mali."""
    assert country_code(value) == place_name(value)


def test_a_retyped_duplicate_is_recognised_with_reasons_in_words():
    original = record("a")
    retyped = record(
        "b",
        title="Reconstruction du colege de Foundiougne",
        french_authority="Martignas sur Jalle",
        description=FOUNDIOUGNE["description"][:60],
        partner_country="SN",
        start_year=2008,
    )
    judgement = pair_judgement(original, retyped)
    assert judgement.probability >= 0.8
    assert "même localité partenaire : Foundiougne" in judgement.reasons
    assert "titres proches à 80 %" in judgement.reasons  # the actions, without the place
    assert "années proches : 2007 / 2008" in judgement.reasons


def test_another_project_of_the_same_partnership_is_not_a_duplicate():
    other = record(
        "b",
        title="Forage d'un puits au marché de Foundiougne",
        description="Un forage équipé d'une pompe solaire pour le marché central.",
        theme="Accès à l'eau potable",
        start_year=2012,
    )
    assert pair_judgement(record("a"), other).probability < 0.5


def test_same_action_elsewhere_is_not_a_duplicate():
    elsewhere = record(
        "b",
        partner_locality="Kaolack",
        french_authority="Ville de Mérignac",
        description="Vingt jeunes de Mérignac et de Kaolack repeignent l'école pendant l'été.",
        start_year=2015,
    )
    judgement = pair_judgement(record("a"), elsewhere)
    assert judgement.probability < 0.5
    assert "localités différentes : Foundiougne / Kaolack" in judgement.reasons


DESCRIPTION = FOUNDIOUGNE["description"]


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"partner_locality": "fondiougne"}, id="locality-typo"),
        pytest.param({"partner_locality": "Foundoiuge"}, id="locality-two-typos"),
        pytest.param({"partner_locality": "Found iougne"}, id="locality-space"),
        pytest.param(
            {"title": "RECONSTRUCTION DU COLLEGE DE FOUNDIOUGNE PAR UN CHANTIER DE JEUNES"},
            id="title-capitals-no-accents",
        ),
        pytest.param({"title": "Reconstruction collège Foundiougne"}, id="title-dropped-words"),
        pytest.param({"title": "Reconstrution du colège de Foundiougne par un chantier de jeuens"}),
        pytest.param({"french_authority": "Commune de Martignas-sur-Jalle"}, id="commune"),
        pytest.param({"french_authority": "Métropole de Martignas-sur-Jalle"}, id="metropole"),
        pytest.param({"french_authority": "Département de Martignas-sur-Jalle"}, id="departement"),
        pytest.param({"french_authority": "Ville de Martignas-sur-Jale"}, id="authority-typo"),
        pytest.param({"theme": "Éducation"}, id="theme-recoded"),
        pytest.param({"start_year": 2008}, id="year-off-by-one"),
        pytest.param({"partner_country": "Seengal"}, id="country-typo"),
        pytest.param(
            {"description": DESCRIPTION.replace("jeunes", "jeuens").replace("collège", "colège")},
            id="description-typos",
        ),
        pytest.param(
            {
                "partner_locality": "fondiougne",
                "title": "RECONSTRUCTION COLLEGE FOUNDIOUGNE CHANTIER",
                "french_authority": "Métropole de Martignas sur Jalle",
                "theme": "Éducation",
                "start_year": 2006,
                "description": "",
            },
            id="five-corruptions",
        ),
    ],
)
def test_each_kind_of_corruption_still_matches(changes):
    """What the independent set's duplicates look like: no field is trusted to be exact."""
    judgement = pair_judgement(record("a"), record("b", **changes))
    assert judgement.probability >= 0.5, judgement.reasons


def test_a_misspelt_locality_is_named_close_not_different():
    judgement = pair_judgement(record("a"), record("b", partner_locality="fondiougne"))
    assert (
        "localités partenaires d'orthographe proche : Foundiougne / fondiougne" in judgement.reasons
    )


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param(
            {
                "title": "Forage d'un puits au marché de Foundiougne",
                "description": "Un forage équipé d'une pompe solaire pour le marché central.",
                "theme": "Accès à l'eau potable",
                "start_year": 2012,
            },
            id="same-authority-same-locality-other-project",
        ),
        pytest.param(
            {
                "french_authority": "Comité de jumelage de Martignas-sur-Jalle",
                "title": "Échanges culturels avec Foundiougne",
                "description": "Une troupe de théâtre de Foundiougne est accueillie à Martignas "
                "pendant le festival d'été.",
                "theme": "Culture",
                "start_year": 2012,
            },
            id="the-commune-and-its-twinning-committee",
        ),
    ],
)
def test_near_misses_do_not_match(changes):
    assert pair_judgement(record("a"), record("b", **changes)).probability < 0.5


def test_thin_records_never_give_false_certainty():
    a = Record(id="a", title="Jumelage", partner_locality="Foundiougne", partner_country="SN")
    b = Record(id="b", title="Jumelage", partner_locality="Foundiougne", partner_country="SN")
    judgement = pair_judgement(a, b)
    assert judgement.probability <= 0.5
    assert any("peu d'information" in r for r in judgement.reasons)


@pytest.mark.parametrize(
    "changes",
    [
        {"title": ""},
        {"title": "x"},
        {"partner_locality": ""},
        {"description": "é " * 5000},
        {"title": "Water supply for the health centre of Foundiougne"},
        {"start_year": None},
    ],
)
def test_odd_records_are_scored_without_crashing(changes):
    judgement = pair_judgement(record("a"), record("b", **changes))
    assert 0.0 <= judgement.probability <= 1.0


def test_blocking_pairs_only_records_that_share_something():
    records = [
        record("a"),
        record("b", title="Collège de Foundiougne"),
        Record(
            id="c",
            title="Festival Latitudes",
            partner_locality="La Roche-sur-Yon",
            partner_country="FR",
        ),
    ]
    left, right = candidate_pairs(records)
    assert list(zip(left.tolist(), right.tolist(), strict=True)) == [(0, 1)]


def test_scan_returns_pairs_and_clusters_best_first():
    records = [
        record("a"),
        record("b", title="Reconstruction du collège de Foundiougne"),
        record("c", french_authority="Mairie de Martignas sur Jalle"),
        Record(id="d", title="Festival Latitudes", partner_locality="La Roche-sur-Yon"),
    ]
    pairs, stats = scan(records)
    assert {(p.id_a, p.id_b) for p in pairs} == {("a", "b"), ("a", "c"), ("b", "c")}
    assert pairs == sorted(pairs, key=lambda p: -p.probability)
    assert clusters(pairs, strong=0.5) == [{"a", "b", "c"}]
    assert stats["candidate_pairs"] == 3


def test_groups_come_from_near_certain_pairs_and_doubtful_links_are_flagged():
    pairs = [
        ScoredPair("a", "b", 0.97, ()),
        ScoredPair("b", "c", 0.92, ()),
        ScoredPair("e", "f", 0.95, ()),
        ScoredPair("c", "d", 0.60, ()),  # would pull d into {a, b, c}
        ScoredPair("b", "e", 0.70, ()),  # would join two groups
        ScoredPair("a", "c", 0.80, ()),  # inside one group: no harm
        ScoredPair("x", "y", 0.55, ()),  # two loose records: an ordinary pair
    ]
    groups = clusters(pairs)
    assert sorted(map(sorted, groups)) == [["a", "b", "c"], ["e", "f"]]
    assert weak_bridges(pairs, groups) == {("c", "d"), ("b", "e")}


def write_csv(path, rows, *, delimiter=",", encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)


def csv_row(id_, **changes):
    return {
        "id": id_,
        **{k: str(v) for k, v in {**FOUNDIOUGNE, **changes}.items()},
        "extra": "ignored",
    }


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-8-sig"])
def test_cli_scans_a_french_excel_csv(tmp_path, capsys, encoding):
    source, target = tmp_path / "projets.csv", tmp_path / "paires.csv"
    write_csv(
        source,
        [
            csv_row("1"),
            csv_row("2", title="Reconstruction du collège"),
            csv_row(
                "3",
                title="Festival",
                partner_locality="Nantes",
                description="",
                french_authority="Ville de Nantes",
            ),
        ],
        delimiter=";",
        encoding=encoding,
    )
    call_command("dedup", "scan", "--input", str(source), "--output", str(target))
    with open(target, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["id_a"], r["id_b"]) for r in rows] == [("1", "2")]
    assert 0.5 <= float(rows[0]["probability"]) <= 1
    assert "paires retenues" in capsys.readouterr().err


def test_cli_names_missing_columns_and_bad_rows(tmp_path):
    source = tmp_path / "projets.csv"
    source.write_text("id,title\n1,Puits\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"Colonnes manquantes.*description"):
        call_command("dedup", "scan", "--input", str(source), "--output", str(tmp_path / "o.csv"))
    write_csv(source, [csv_row("1"), csv_row("1")])
    with pytest.raises(CommandError, match="Ligne 3 : l'identifiant « 1 » est en double"):
        call_command("dedup", "scan", "--input", str(source), "--output", str(tmp_path / "o.csv"))
    assert gc.isenabled(), "reading paused the cycle collector and did not restore it"
    # A blank line is skipped, and the line named is the file's own (one after the blank).
    source.write_text(source.read_text(encoding="utf-8").replace("\n", "\n\n", 1), encoding="utf-8")
    with pytest.raises(CommandError, match="Ligne 4 : l'identifiant « 1 » est en double"):
        call_command("dedup", "scan", "--input", str(source), "--output", str(tmp_path / "o.csv"))
    with pytest.raises(CommandError, match="Impossible de lire"):
        call_command(
            "dedup",
            "scan",
            "--input",
            str(tmp_path / "absent.csv"),
            "--output",
            str(tmp_path / "o.csv"),
        )


@pytest.mark.parametrize("chunk", [3, 200_000])
def test_batch_scores_equal_the_per_pair_reference(monkeypatch, chunk):
    """The scan's levels, compared for all pairs at once, give exactly the score `judge`
    explains for one pair, whatever the number of pairs compared at once."""
    from icilabas.matching import batch

    monkeypatch.setattr(batch, "PAIR_CHUNK", chunk)
    records = [
        record("a"),
        record("b", title="Reconstruction du colege", start_year=2008),
        record("c", partner_locality="Foundiougne (centre)", partner_country="SN", description=""),
        record("d", title="Forage", description="", theme="Eau", start_year=2015),
        record("e", french_authority="", partner_locality="", start_year=None),
        record("f", partner_locality="Kaolack", partner_country="Senegal", start_year=2001),
        Record(id="g", title="Jumelage"),
        record("h", partner_locality="Fundiougne"),
    ]
    rarity = Rarity(records)
    pairs = [(i, j) for i in range(len(records)) for j in range(i + 1, len(records))]
    left, right = (np.array(side) for side in zip(*pairs, strict=True))
    columns = Columns(records, rarity)
    scores = probabilities(
        default_model(), columns.levels(left, right), columns.thin_pairs(left, right)
    )
    for (i, j), p in zip(pairs, scores, strict=True):
        assert p == pytest.approx(judge(records[i], records[j], rarity).probability, abs=1e-6)


def test_the_splink_engine_scores_a_file_into_the_same_pairs_format(tmp_path):
    import csv

    from django.core.management import call_command

    from benchmarks.dedup import labelled

    source, output = tmp_path / "projets.csv", tmp_path / "paires.csv"
    labelled.write(labelled.build(300, 3, 80), source)
    with open(source, encoding="utf-8") as stream:
        ids = {row["id"] for row in csv.DictReader(stream)}
    call_command(
        "dedup", "scan", "--input", str(source), "--output", str(output), "--engine", "splink"
    )
    with open(output, encoding="utf-8") as stream:
        pairs = list(csv.DictReader(stream))
    assert pairs and set(pairs[0]) == {"id_a", "id_b", "probability"}
    assert all(p["id_a"] in ids and p["id_b"] in ids and p["id_a"] < p["id_b"] for p in pairs)
    assert all(0.5 <= float(p["probability"]) <= 1 for p in pairs)


def test_a_crowded_place_still_pairs_the_same_project_written_twice():
    """Forty projects with one title at one place, by forty authorities: every block is too big
    to expand, yet the project recorded twice (another authority label) is a candidate pair,
    and far fewer than all pairs are."""
    crowd = [
        Record(
            id=f"p{n}",
            title="Puits de Kayes",
            description=f"Forage numéro {n} pour le quartier {n}, avec un comité de gestion {n}.",
            french_authority=f"Commune {n}",
            partner_locality="Kayes",
            partner_country="ML",
        )
        for n in range(40)
    ]
    twin = Record(
        id="p7-bis",
        title="Puits de Kayes",
        description="Forage numéro 7 pour le quartier 7, avec un comité de gestion 7.",
        french_authority="Association Commune 7 Solidarité",
        partner_locality="Kayes",
        partner_country="Mali",
    )
    records = [*crowd, twin]
    left, right = candidate_pairs(records, max_block=5)
    pairs = set(zip(left.tolist(), right.tolist(), strict=True))
    assert (7, 40) in pairs
    assert len(pairs) < len(records) * (len(records) - 1) // 4


def test_two_crowded_places_pair_their_twins_and_never_each_other():
    """Two places too crowded to expand, split and paired by title order all at once: each
    place's project written twice is found, and no pair joins records of the two places,
    which share no authority, no place and no title word pair small enough to expand."""

    def crowd(place: str, prefix: str) -> list[Record]:
        return [
            Record(
                id=f"{prefix}{n}",
                title=f"Puits de {place}",
                description=f"Forage numéro {n} pour le quartier {n}, avec un comité {n}.",
                french_authority=f"Commune {prefix}{n}x",
                partner_locality=place,
                partner_country="ML",
            )
            for n in range(45)
        ]

    kayes, segou = crowd("Kayes", "k"), crowd("Ségou", "s")
    twins = [
        Record(
            id=f"{prefix}7-bis",
            title=f"Puits de {place}",
            description="Forage numéro 7 pour le quartier 7, avec un comité 7.",
            french_authority=f"Association {prefix}7x {motto}",
            partner_locality=place,
            partner_country="Mali",
        )
        for place, prefix, motto in (("Kayes", "k", "Solidarité"), ("Ségou", "s", "Entraide"))
    ]
    records = [*kayes, *segou, *twins]
    stats = {}
    left, right = candidate_pairs(records, max_block=5, stats=stats)
    pairs = {
        tuple(sorted((records[i].id, records[j].id))) for i, j in zip(left, right, strict=True)
    }
    assert stats["oversized_blocks"] > 0
    assert ("k7", "k7-bis") in pairs and ("s7", "s7-bis") in pairs
    assert all(a[0] == b[0] for a, b in pairs), "a pair across the two places"


# ---------------------------------------------------------------- weights estimated on the data

PLACES = ["Kayes", "Bamako", "Ségou", "Mopti", "Sikasso", "Koulikoro", "Gao", "Tombouctou"]
ACTIONS = [
    "Forage et bornes-fontaines",
    "Maternité",
    "Bibliothèque scolaire",
    "Maraîchage des femmes",
    "Banque de céréales",
    "Formation des élus",
]
TOWNS = ["Pessac", "Talence", "Bègles", "Mérignac", "Cenon", "Lormont", "Blanquefort", "Eysines"]


def small_registry(*, noisy: str, seed: int) -> list[Record]:
    """About 400 projects, a third written twice; `noisy` says which field the second writer
    gets wrong: the locality or the title."""
    import random

    rng = random.Random(seed)
    records = []
    for number in range(400):
        town, place, action = rng.choice(TOWNS), rng.choice(PLACES), rng.choice(ACTIONS)
        fields = {
            "title": f"{action} à {place}",
            "description": f"Projet {number} de {town} : {rng.randint(10, 999)} familles, "
            f"{rng.randint(2, 90)} ouvrages, comité {rng.choice(['Benkadi', 'Jigiya'])}.",
            "french_authority": f"Ville de {town}",
            "partner_locality": place,
            "partner_country": "ML",
            "start_year": rng.randint(1995, 2025),
        }
        records.append(Record(id=f"p{number}", **fields))
        if number % 3 == 0:
            copy = dict(fields)
            if noisy == "locality":
                copy["partner_locality"] = place.lower()[:-1] + "x"
            else:
                copy["title"] = action.upper()[:12]
            records.append(Record(id=f"p{number}-bis", **copy))
    return records


def test_estimation_converges_and_fits_each_file_its_own_weights():
    """EM converges on a small file, and a file whose second writers misspell the locality gets
    another weight for "locality close but not the same" than one where they keep it."""
    models = {}
    for noisy in ("locality", "title"):
        records = small_registry(noisy=noisy, seed=5)
        left, right = candidate_pairs(records)
        levels = Columns(records, Rarity(records)).levels(left, right)
        model = estimate(levels, max_iterations=500)
        assert model.iterations < 2 * 500  # both phases stopped before their cap: converged
        assert 0 < model.prior < 0.5
        models[noisy] = model
        pairs, _stats = scan(records)
        found = {(p.id_a, p.id_b) for p in pairs}
        truth = {
            tuple(sorted((r.id, r.id.removesuffix("-bis"))))
            for r in records
            if r.id.endswith("-bis")
        }
        assert len(found & truth) / len(truth) >= 0.9
        assert len(found & truth) / len(found) >= 0.9

    close_place = {name: model.m["identity"] for name, model in models.items()}
    assert close_place["locality"] != close_place["title"]
    # A misspelt locality is common among the first file's duplicates, rare in the second's.
    column = list(COMPARISONS).index("identity")
    codes = comparison_codes(np.array([[5, -1, 3, 1, 1, -1, -1]], dtype=np.int8))[0, column]
    assert models["locality"].weight("identity", codes) > models["title"].weight("identity", codes)
    assert FIELDS.index("locality") == 3


def test_too_few_pairs_to_estimate_use_the_default_weights():
    pairs, stats = scan([record("a"), record("b", start_year=2008)])
    assert [(p.id_a, p.id_b) for p in pairs] == [("a", "b")]
    assert stats["model"]["pairs"] == default_model().pairs


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param([], id="no-record"),
        pytest.param([record("only")], id="a-single-record"),
        pytest.param(
            [Record(id=str(n), title="", partner_country="ML") for n in range(50)],
            id="empty-titles",
        ),
    ],
)
def test_odd_files_give_an_empty_result(rows):
    pairs, stats = scan(rows)
    assert pairs == []
    assert stats["candidate_pairs"] == 0


def test_ten_thousand_identical_rows_do_not_blow_up_the_candidate_pairs(tmp_path, capsys):
    """Every block is then 10,000 records: split and paired with their neighbours only, and
    the command says so."""
    rows = [record(str(n)) for n in range(10_000)]
    left, _right = candidate_pairs(rows)
    assert 0 < len(left) <= 20 * len(rows)
    source = tmp_path / "projets.csv"
    write_csv(source, [csv_row(str(n)) for n in range(10_000)])
    call_command("dedup", "scan", "--input", str(source), "--output", str(tmp_path / "o.csv"))
    assert "blocs de plus de 60 projets" in capsys.readouterr().err


def test_a_single_record_file_is_scanned_to_no_pair(tmp_path, capsys):
    source, target = tmp_path / "projets.csv", tmp_path / "paires.csv"
    write_csv(source, [csv_row("1")])
    call_command("dedup", "scan", "--input", str(source), "--output", str(target))
    assert target.read_text(encoding="utf-8").splitlines() == ["id_a,id_b,probability"]
    assert "poids par défaut" in capsys.readouterr().err


def test_an_implausible_estimate_falls_back_to_the_default_weights():
    """If EM splits the pairs some other way (duplicates agreeing *less* on titles than other
    pairs), the scan does not use it."""
    from icilabas.matching.model import Model, is_plausible

    default = default_model()
    assert is_plausible(default)
    swapped = Model(default.prior, default.u, default.m)
    assert not is_plausible(swapped)
    assert not is_plausible(Model(0.7, default.m, default.u))
