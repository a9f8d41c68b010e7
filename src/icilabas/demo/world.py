"""The world of the seed: the 10 February 2011 study day of Aquitaine's local authorities at the
Maison des Suds (Pessac), report by Cap Coopération.

Every record carries its provenance in `source`: SEED for facts stated in the report, TWINNING
for pairs listed in the twin-cities data set, ILLUSTRATIVE for details added to make the demo
usable (dates, amounts, objectives, coordinates of villages missing from the gazetteer).
"""

SEED = "Compte-rendu Cap Coopération, journée du 10 février 2011"
TWINNING = "Jumelage recensé (jeu de données twin cities, Wikipédia) ; détails illustratifs"
ILLUSTRATIVE = "Illustratif (démo)"

# (name, kind, insee_code / departement code / region code, acronym, description, source)
ORGANISATIONS = [
    {
        "name": "Cap Coopération",
        "kind": "reseau",
        "insee_code": "33318",
        "description": "Centre régional de ressources pour la coopération internationale en "
        "Aquitaine, Maison des Suds, 12 esplanade des Antilles, domaine universitaire de Pessac.",
        "address": "Maison des Suds, 12 esplanade des Antilles",
        "postcode": "33607",
        "email": "contact@capcooperation.org",
        "is_network_member": True,
        "source": SEED,
    },
    {
        "name": "Réseau aquitain pour le développement et la solidarité internationale",
        "acronym": "RADSI",
        "kind": "reseau",
        "departement": "33",
        "description": "Participe au renforcement de la citoyenneté mondiale par des conférences, "
        "des projections de films et des débats.",
        "is_network_member": True,
        "source": SEED,
    },
    {
        "name": "Association nationale des directeurs et responsables des relations "
        "internationales et de la coopération décentralisée des collectivités territoriales",
        "acronym": "ARRICOD",
        "kind": "reseau",
        "source": SEED,
    },
    {
        "name": "Conseil régional d'Aquitaine",
        "kind": "region",
        "region": "75",
        "description": "Distingue ses actions de coopération décentralisée stricto sensu de ses "
        "dispositifs d'animation du territoire (soutien à Cap Coopération et au RADSI).",
        "is_network_member": True,
        "source": SEED,
    },
    {
        "name": "Conseil général de la Gironde",
        "kind": "departement",
        "departement": "33",
        "description": "S'engage dans la Semaine de la solidarité internationale.",
        "is_network_member": True,
        "source": SEED,
    },
    {
        "name": "Conseil général de l'Essonne",
        "kind": "departement",
        "departement": "91",
        "source": SEED,
    },
    {
        "name": "Ville de Bègles",
        "kind": "commune",
        "insee_code": "33039",
        "is_network_member": True,
        "source": SEED,
    },
    {
        "name": "Ville de Billère",
        "kind": "commune",
        "insee_code": "64129",
        "is_network_member": True,
        "source": SEED,
    },
    {
        "name": "Ville de Blanquefort",
        "kind": "commune",
        "insee_code": "33056",
        "is_network_member": True,
        "source": SEED,
    },
    {
        "name": "Ville de Bordeaux",
        "kind": "commune",
        "insee_code": "33063",
        "is_network_member": True,
        "source": SEED,
    },
    {
        "name": "Ville de Martignas-sur-Jalle",
        "kind": "commune",
        "insee_code": "33273",
        "description": "Petite commune qui s'appuie sur les associations, sur des collectivités "
        "plus importantes et sur Cap Coopération pour mener sa coopération décentralisée.",
        "is_network_member": True,
        "source": SEED,
    },
    {
        "name": "Ville de Mérignac",
        "kind": "commune",
        "insee_code": "33281",
        "is_network_member": True,
        "source": SEED,
    },
    {
        "name": "Ville de Pessac",
        "kind": "commune",
        "insee_code": "33318",
        "is_network_member": True,
        "source": SEED,
    },
    {
        "name": "Ville de Salies-de-Béarn",
        "kind": "commune",
        "insee_code": "64499",
        "is_network_member": True,
        "source": SEED,
    },
    {
        "name": "Ville de Talence",
        "kind": "commune",
        "insee_code": "33522",
        "is_network_member": True,
        "source": SEED,
    },
    {
        "name": "Parc naturel régional des Landes de Gascogne",
        "kind": "pnr_pays",
        "insee_code": "33042",
        "is_network_member": True,
        "source": SEED,
        "description": "Coopération avec le Maroc dans le domaine de l'écotourisme.",
    },
    {
        "name": "Pays Bassin d'Arcachon – Val de l'Eyre",
        "kind": "pnr_pays",
        "departement": "33",
        "is_network_member": True,
        "source": SEED,
    },
    {
        "name": "Pays et Quartiers d'Aquitaine",
        "kind": "reseau",
        "departement": "33",
        "source": SEED,
    },
    {
        "name": "Sciences Po Bordeaux",
        "kind": "universite",
        "insee_code": "33318",
        "description": "Master « Politique et développement dans les pays du Sud » ; étude « Les "
        "enjeux de la coopération décentralisée pour le territoire au Nord » (2011).",
        "source": SEED,
    },
    {
        "name": "AJ 162",
        "kind": "association",
        "insee_code": "94037",
        "description": "Association de Gentilly.",
        "source": SEED,
    },
    {
        "name": "Agence d'urbanisme de Dunkerque",
        "kind": "autre",
        "insee_code": "59183",
        "source": SEED,
    },
    {"name": "Mairie de Paris", "kind": "commune", "insee_code": "75056", "source": SEED},
    {
        "name": "Associations issues de l'immigration marocaine (Paris)",
        "kind": "osim",
        "insee_code": "75056",
        "source": SEED,
    },
    {"name": "Région Nord-Pas-de-Calais", "kind": "region", "region": "32", "source": SEED},
    {"name": "Ville de La Roche-sur-Yon", "kind": "commune", "insee_code": "85191", "source": SEED},
    {
        "name": "Comité de jumelage de Martignas-sur-Jalle",
        "kind": "jumelage",
        "insee_code": "33273",
        "source": ILLUSTRATIVE,
    },
]

# Partner authorities abroad. Coordinates are given only for places the gazetteer lacks.
FOREIGN_AUTHORITIES = [
    {
        "name": "Commune de Foundiougne",
        "country": "SN",
        "locality": "Foundiougne",
        "admin_area": "Fatick",
        "latitude": 14.1333,
        "longitude": -16.4667,
        "source": SEED,
    },
    {
        "name": "Village de Kolobo",
        "country": "ML",
        "locality": "Kolobo",
        "latitude": 13.35,
        "longitude": -6.25,
        "description": "Coordonnées approximatives (illustratives) : le village n'est pas dans "
        "le gazetteer.",
        "source": SEED,
    },
    {"name": "Ville de São Paulo", "country": "BR", "locality": "Sao Paulo", "source": SEED},
    {"name": "Commune de Figuig", "country": "MA", "locality": "Figuig", "source": SEED},
    {
        "name": "Province d'Ifrane",
        "kind": "province",
        "country": "MA",
        "locality": "Ifrane",
        "description": "Partenaire illustratif : le compte-rendu ne nomme pas la collectivité "
        "marocaine partenaire du Parc.",
        "source": ILLUSTRATIVE,
    },
    {"name": "Ville de Bamako", "country": "ML", "locality": "Bamako", "source": TWINNING},
    {
        "name": "Ville de Ouagadougou",
        "country": "BF",
        "locality": "Ouagadougou",
        "source": TWINNING,
    },
    {"name": "Ville de Kaolack", "country": "SN", "locality": "Kaolack", "source": TWINNING},
    {"name": "Ville de Banfora", "country": "BF", "locality": "Banfora", "source": TWINNING},
]

PARTNERSHIPS = [
    {
        "title": "Martignas-sur-Jalle – Foundiougne",
        "french_partners": ["Ville de Martignas-sur-Jalle"],
        "foreign_authority": "Commune de Foundiougne",
        "first_convention_year": 2004,
        "status": "en_cours",
        "description": "En 2004 la ville de Martignas signe un protocole d'accord de coopération "
        "avec la ville de Foundiougne portant la création d'espaces de concertation et d'échanges "
        "pour mieux faciliter les échanges entre les jeunes.",
        "source": SEED,
        "commitments": [
            (
                "ici",
                "Accueillir des jeunes de Foundiougne et mobiliser les associations de la "
                "commune (illustratif).",
            ),
            (
                "la_bas",
                "Ouvrir des espaces de concertation entre les jeunes et la commune (illustratif).",
            ),
        ],
    },
    {
        "title": "PNR des Landes de Gascogne – Maroc : écotourisme",
        "french_partners": ["Parc naturel régional des Landes de Gascogne"],
        "foreign_authority": "Province d'Ifrane",
        "status": "en_cours",
        "first_convention_year": 2008,
        "description": "Coopération dans le domaine de l'écotourisme : développement de l'offre "
        "touristique et sensibilisation à la fragilité et au respect des milieux naturels.",
        "source": SEED,
        "commitments": [],
    },
    {
        "title": "AJ 162 (Gentilly) – Kolobo",
        "french_partners": ["AJ 162"],
        "foreign_authority": "Village de Kolobo",
        "status": "en_cours",
        "description": "Arrivée à Kolobo avec le projet de construire une école, l'association "
        "constate après concertation que la préoccupation première de la population est la "
        "création d'un centre de santé.",
        "source": SEED,
        "commitments": [],
    },
    {
        "title": "Dunkerque – São Paulo : logement en aide mutuelle",
        "french_partners": ["Agence d'urbanisme de Dunkerque"],
        "foreign_authority": "Ville de São Paulo",
        "status": "termine",
        "source": SEED,
        "description": "L'agence d'urbanisme de Dunkerque s'est inspirée des politiques de "
        "logement dans les quartiers défavorisés de São Paulo.",
        "commitments": [],
    },
    {
        "title": "Paris – Figuig : co-développement",
        "french_partners": [
            "Mairie de Paris",
            "Associations issues de l'immigration marocaine (Paris)",
        ],
        "foreign_authority": "Commune de Figuig",
        "status": "en_cours",
        "first_convention_year": 2006,
        "description": "Le label Paris Co-développement Sud, lancé en 2006, a débouché sur un "
        "partenariat tripartite entre la mairie de Paris, les associations issues de l'immigration "
        "marocaine et les associations locales de Figuig.",
        "source": SEED,
        "commitments": [],
    },
    {
        "title": "Bordeaux – Bamako",
        "french_partners": ["Ville de Bordeaux"],
        "foreign_authority": "Ville de Bamako",
        "status": "en_cours",
        "source": TWINNING,
        "commitments": [],
    },
    {
        "title": "Bordeaux – Ouagadougou",
        "french_partners": ["Ville de Bordeaux"],
        "foreign_authority": "Ville de Ouagadougou",
        "status": "en_cours",
        "source": TWINNING,
        "commitments": [],
    },
    {
        "title": "Mérignac – Kaolack",
        "french_partners": ["Ville de Mérignac"],
        "foreign_authority": "Ville de Kaolack",
        "status": "en_cours",
        "source": TWINNING,
        "commitments": [],
    },
    {
        "title": "Pessac – Banfora",
        "french_partners": ["Ville de Pessac"],
        "foreign_authority": "Ville de Banfora",
        "status": "en_cours",
        "source": TWINNING,
        "commitments": [],
    },
]

PROJECTS = [
    {
        "title": "Reconstruction du collège de Foundiougne par un chantier de jeunes",
        "partnership": "Martignas-sur-Jalle – Foundiougne",
        "status": "termine",
        "start_on": "2007-07-01",
        "end_on": "2007-08-31",
        "primary_theme": "4.3.1",
        "secondary_themes": ["4.2.1"],
        "sdgs": ["4"],
        "dac_sector": "11120",
        "summary": "En 2007, 30 jeunes des deux pays travaillent ensemble à la reconstruction "
        "d'un collège.",
        "description": "Action de solidarité internationale portée par des jeunes : matérialiser "
        "leur engagement, agir sur la cohésion sociale, former des citoyens du monde.",
        "source": SEED,
        "participations": [
            ("Ville de Martignas-sur-Jalle", "pilote"),
            ("Comité de jumelage de Martignas-sur-Jalle", "operateur"),
        ],
        "locations": [("Foundiougne", "SN", 14.1333, -16.4667)],
        "budget": [
            ("Chantier et matériaux", "12000", 2007, "Ville de Martignas-sur-Jalle"),
            ("Voyage des jeunes", "8000", 2007, None),
        ],
        "impacts": [
            (
                "education_jeunesse",
                "Trente jeunes des deux pays mobilisés sur un chantier commun.",
                30,
                1,
            )
        ],
        "steps": [
            ("Préparation avec les jeunes des deux communes", "2007-01-15", "2007-06-30", "fait"),
            ("Chantier de reconstruction", "2007-07-01", "2007-08-31", "fait"),
        ],
    },
    {
        "title": "Écotourisme et préservation des milieux naturels au Maroc",
        "partnership": "PNR des Landes de Gascogne – Maroc : écotourisme",
        "status": "en_cours",
        "start_on": "2009-01-01",
        "primary_theme": "2.2.1",
        "secondary_themes": ["3.4"],
        "sdgs": ["8", "15"],
        "dac_sector": "33210",
        "summary": "Développer l'offre touristique et fédérer les acteurs aquitains autour d'un "
        "projet original.",
        "source": SEED,
        "participations": [("Parc naturel régional des Landes de Gascogne", "pilote")],
        "locations": [],
        "budget": [],
        "impacts": [
            (
                "savoir_faire",
                "Renforcement des liens entre les acteurs d'un territoire sur "
                "lequel chacun opère de manière individuelle.",
                None,
                None,
            ),
            (
                "image_rayonnement",
                "Contribution au développement de l'offre touristique en Aquitaine.",
                None,
                None,
            ),
        ],
        "steps": [],
    },
    {
        "title": "Un centre de santé à Kolobo",
        "partnership": "AJ 162 (Gentilly) – Kolobo",
        "status": "en_cours",
        "primary_theme": "4.1.1",
        "sdgs": ["3"],
        "dac_sector": "12220",
        "summary": "Le dialogue avec la population a transformé un projet d'école en centre de "
        "santé.",
        "objectives": "Répondre à la préoccupation première exprimée par la population "
        "de Kolobo : l'accès aux soins.",
        "source": SEED,
        "participations": [("AJ 162", "pilote")],
        "locations": [],
        "budget": [],
        "impacts": [],
        "steps": [],
    },
    {
        "title": "Accession sociale par la construction en aide mutuelle",
        "partnership": "Dunkerque – São Paulo : logement en aide mutuelle",
        "status": "termine",
        "primary_theme": "1.3.2",
        "sdgs": ["11"],
        "dac_sector": "16030",
        "summary": "S'enrichir ici des pratiques de là-bas : un projet de logement à Dunkerque "
        "inspiré de São Paulo.",
        "source": SEED,
        "participations": [("Agence d'urbanisme de Dunkerque", "pilote")],
        "locations": [],
        "budget": [],
        "impacts": [
            (
                "savoir_faire",
                "Méthode d'aide mutuelle transposée aux quartiers de Dunkerque.",
                None,
                None,
            )
        ],
        "steps": [],
    },
    {
        "title": "Label Paris Co-développement Sud à Figuig",
        "partnership": "Paris – Figuig : co-développement",
        "status": "en_cours",
        "start_on": "2006-01-01",
        "primary_theme": "4.5",
        "sdgs": ["10", "17"],
        "summary": "Partenariat tripartite mairie de Paris, associations issues de l'immigration "
        "marocaine et associations locales de Figuig.",
        "source": SEED,
        "participations": [
            ("Mairie de Paris", "financeur"),
            ("Associations issues de l'immigration marocaine (Paris)", "operateur"),
        ],
        "locations": [("Figuig", "MA", None, None)],
        "budget": [],
        "impacts": [
            (
                "codeveloppement",
                "Participation des populations d'origine immigrée et "
                "rapprochement des sociétés civiles d'ici et de là-bas.",
                None,
                None,
            )
        ],
        "steps": [],
    },
    {
        "title": "Valorisation des compétences en dépollution et reconversion industrielle",
        "status": "en_cours",
        "primary_theme": "3.2",
        "sdgs": ["9", "12"],
        "summary": "La région Nord-Pas-de-Calais valorise ses compétences en dépollution et "
        "reconversion industrielle.",
        "source": SEED,
        "participations": [("Région Nord-Pas-de-Calais", "pilote")],
        "locations": [],
        "budget": [],
        "impacts": [
            (
                "image_rayonnement",
                "Rayonnement des compétences de la région à l'international.",
                None,
                None,
            )
        ],
        "steps": [],
    },
    {
        "title": "Festival Latitudes",
        "status": "en_cours",
        "primary_theme": "6.2",
        "summary": "Le festival « Latitudes » à La Roche-sur-Yon : un espace de rencontre qui lie "
        "les actions de la commune à sa coopération.",
        "source": SEED,
        "country": "FR",
        "participations": [("Ville de La Roche-sur-Yon", "pilote")],
        "locations": [],
        "budget": [],
        "impacts": [
            (
                "animation_locale",
                "Création d'espaces de rencontre et dynamique de territoire.",
                None,
                None,
            )
        ],
        "steps": [],
    },
    {
        "title": "Semaine de la solidarité internationale en Gironde",
        "status": "en_cours",
        "primary_theme": "6.2",
        "country": "FR",
        "summary": "Le Conseil général de la Gironde s'engage dans la Semaine de la solidarité "
        "internationale.",
        "source": SEED,
        "participations": [("Conseil général de la Gironde", "pilote"), ("RADSI", "partenaire")],
        "locations": [],
        "budget": [("Animations du territoire", "15000", 2011, "Conseil général de la Gironde")],
        "impacts": [
            (
                "animation_locale",
                "Mobilisation des acteurs du territoire autour de la solidarité internationale.",
                2500,
                12,
            )
        ],
        "steps": [],
    },
    {
        "title": "Conférences, projections et débats pour la citoyenneté mondiale",
        "status": "en_cours",
        "primary_theme": "6.1",
        "country": "FR",
        "source": SEED,
        "summary": "Le RADSI participe au renforcement de la citoyenneté mondiale.",
        "participations": [("RADSI", "pilote")],
        "locations": [],
        "budget": [],
        "impacts": [
            (
                "education_developpement",
                "Aborder la réalité pour combattre les idées "
                "reçues et faire évoluer les mentalités.",
                None,
                None,
            )
        ],
        "steps": [],
    },
    {
        "title": "Accès à l'eau potable dans les quartiers de Kaolack",
        "partnership": "Mérignac – Kaolack",
        "status": "en_cours",
        "start_on": "2012-03-01",
        "end_on": "2015-12-31",
        "primary_theme": "3.1.1",
        "sdgs": ["6"],
        "dac_sector": "14030",
        "summary": "Bornes-fontaines et comités de gestion de l'eau (illustratif).",
        "source": ILLUSTRATIVE,
        "participations": [("Ville de Mérignac", "pilote")],
        "locations": [("Kaolack", "SN", None, None)],
        "budget": [("Bornes-fontaines", "45000", 2013, "Ville de Mérignac")],
        "impacts": [],
        "steps": [],
    },
    {
        "title": "Appui à l'état civil de Banfora",
        "partnership": "Pessac – Banfora",
        "status": "en_cours",
        "start_on": "2014-01-01",
        "primary_theme": "1.1.2",
        "sdgs": ["16"],
        "summary": "Informatisation et formation des agents de l'état civil (illustratif).",
        "source": ILLUSTRATIVE,
        "participations": [("Ville de Pessac", "pilote")],
        "locations": [("Banfora", "BF", None, None)],
        "budget": [],
        "impacts": [],
        "steps": [],
    },
]

# Annexe 2 of the report: speakers and participants, with their position.
PEOPLE = [
    (
        "Laure",
        "Feret",
        "Conseil général de l'Essonne",
        "Responsable des relations internationales ; présidente de l'ARRICOD",
        "technicien",
    ),
    (
        "Narcisse",
        "Kamayenwode",
        "Ville de Bègles",
        "Conseiller municipal Éducation Citoyenneté",
        "elu",
    ),
    ("Nadine", "Archambeau", "Ville de Billère", "Conseillère municipale", "elu"),
    ("Jacques", "Cabanes", "Ville de Billère", "Conseiller municipal", "elu"),
    ("Michel", "Saint-Bois", "Ville de Blanquefort", "Conseiller municipal", "elu"),
    ("Sophie", "Senghor", "Ville de Bordeaux", "Chargée de mission", "technicien"),
    (
        "Laurent",
        "Viguié",
        "Ville de Bordeaux",
        "Directeur des relations internationales",
        "technicien",
    ),
    (
        "Michel",
        "Bastida",
        "Ville de Martignas-sur-Jalle",
        "Conseiller municipal, délégué RI",
        "elu",
    ),
    (
        "Jean-Jacques",
        "Frouté",
        "Ville de Mérignac",
        "Secrétaire des Jumelages et partenariats internationaux",
        "benevole",
    ),
    (
        "Monique",
        "Caffier",
        "Ville de Mérignac",
        "Représentante de la présidente des Jumelages et partenariats internationaux",
        "benevole",
    ),
    ("Françoise", "Bourdeau", "Ville de Pessac", "Conseillère municipale", "elu"),
    ("Thierry", "Créteur", "Ville de Pessac", "Chef de cabinet", "technicien"),
    ("Bernard", "Bénéteau", "Ville de Salies-de-Béarn", "Adjoint au maire", "elu"),
    ("Yoann", "Bénard", "Ville de Talence", "Chargé de mission Agenda 21", "technicien"),
    (
        "Béatrice",
        "Renaud",
        "Parc naturel régional des Landes de Gascogne",
        "Chargée de mission",
        "technicien",
    ),
    (
        "Séverine",
        "Fleith",
        "Pays Bassin d'Arcachon – Val de l'Eyre",
        "Chargée de mission",
        "technicien",
    ),
    ("Anne-Sophie", "Gillion", "Pays et Quartiers d'Aquitaine", "Chargée de mission", "technicien"),
    (
        "Philippe-Henri",
        "Ledru",
        "Conseil général de la Gironde",
        "Chef du service des relations internationales",
        "technicien",
    ),
    ("Emmanuelle", "Janin", "Conseil régional d'Aquitaine", "Chargée de mission", "technicien"),
    ("Alexandra", "Naud", "Conseil régional d'Aquitaine", "Chargée de mission", "technicien"),
    (
        "Pierre",
        "Pédico",
        "Conseil régional d'Aquitaine",
        "Chef de mission, Délégation aux affaires européennes et internationales",
        "technicien",
    ),
    ("Christophe", "Peyron", "Conseil régional d'Aquitaine", "Chargé de mission", "technicien"),
    ("Dany", "Bauer", "Cap Coopération", "Secrétaire du bureau", "benevole"),
    ("Lucie", "Prédinas", "Cap Coopération", "Chargée de mission", "technicien"),
    ("Bénédicte", "Récappé", "Cap Coopération", "Coordinatrice", "technicien"),
    (
        "Pierre-Jean",
        "Roca",
        "Cap Coopération",
        "Délégué ; ingénieur de recherche Sciences Po / LAM",
        "technicien",
    ),
    (
        "Cyrielle",
        "Maingaud",
        "Sciences Po Bordeaux",
        "Étudiante, étude sur les enjeux de la coopération décentralisée",
        "autre",
    ),
    ("Angelica", "Polanco", "Sciences Po Bordeaux", "Étudiante", "autre"),
    ("Mame Fatou", "Sene", "Sciences Po Bordeaux", "Étudiante", "autre"),
]
