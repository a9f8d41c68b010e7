"""The glossary and the experience sheets of the demo world. Each says where it comes from:
the seed (the report of the study day of 10 February 2011), or illustrative wording written for
the demo where the seed names a word without defining it."""

from .world import ILLUSTRATIVE, SEED

# name, definition (Markdown), source, variants (actor kind, wording, meaning),
# translations (language, label), related, contrasted
TERMS = [
    {
        "name": "coopération décentralisée",
        "definition": (
            "Forme de partenariat entre collectivités territoriales françaises et autorités "
            "locales étrangères dans un objectif de développement et d'échange mutuels. Elle se "
            "matérialise par une **convention** conclue pour une durée variable, mettant "
            "l'accent sur la **réciprocité** des engagements. Depuis la loi Thiollière (2007), "
            "c'est une compétence de toutes les collectivités territoriales."
        ),
        "source": SEED,
        "variants": [
            ("region", "coopération internationale", "Politique régionale, souvent par pays."),
            ("commune", "jumelage-coopération", "Le jumelage qui devient projet de développement."),
            (
                "association",
                "solidarité internationale",
                "Les actions des citoyens et associations.",
            ),
        ],
        "translations": [
            ("en", "decentralised cooperation"),
            ("es", "cooperación descentralizada"),
            ("pt", "cooperação descentralizada"),
            ("ar", "التعاون اللامركزي"),
        ],
        "related": ["réciprocité", "convention"],
        "contrasted": ["humanitaire"],
    },
    {
        "name": "réciprocité",
        "definition": (
            "Socle de la coopération décentralisée : chaque partenaire apporte et reçoit. "
            "Connaître la collectivité partenaire, l'écouter et dialoguer avec elle compensent "
            "l'asymétrie longtemps entretenue entre Nord et Sud."
        ),
        "source": SEED,
        "variants": [],
        "translations": [("en", "reciprocity"), ("es", "reciprocidad"), ("ar", "المعاملة بالمثل")],
        "related": [],
        "contrasted": [],
    },
    {
        "name": "humanitaire",
        "definition": (
            "Aide d'urgence apportée à des populations en crise. Le compte-rendu note que la "
            "confusion entre « humanitaire » et coopération véhicule une approche "
            "sentimentaliste plutôt que professionnelle."
        ),
        "source": SEED,
        "variants": [],
        "translations": [("en", "humanitarian aid"), ("es", "ayuda humanitaria")],
        "related": [],
        "contrasted": ["coopération décentralisée"],
    },
    {
        "name": "solidarité internationale",
        "definition": (
            "Ensemble des actions de citoyens, d'associations et de collectivités en faveur "
            "d'un développement partagé ; la coopération décentralisée en est la part portée "
            "par les collectivités."
        ),
        "source": ILLUSTRATIVE,
        "variants": [],
        "translations": [("en", "international solidarity"), ("es", "solidaridad internacional")],
        "related": ["coopération décentralisée"],
        "contrasted": [],
    },
    {
        "name": "co-développement",
        "definition": (
            "Coopération qui valorise le rôle des migrants : la participation des populations "
            "d'origine immigrée rapproche la société civile d'ici et de là-bas."
        ),
        "source": SEED,
        "variants": [],
        "translations": [("en", "co-development"), ("pt", "co-desenvolvimento")],
        "related": [],
        "contrasted": [],
    },
    {
        "name": "éducation au développement",
        "definition": (
            "Aborder la réalité des pays partenaires pour combattre les idées reçues et faire "
            "évoluer les mentalités, et donc les comportements (conférences, projections, "
            "débats)."
        ),
        "source": SEED,
        "variants": [],
        "translations": [("en", "development education")],
        "related": [],
        "contrasted": [],
    },
    {
        "name": "convention",
        "definition": (
            "Accord signé entre les collectivités partenaires, pour une durée variable, qui "
            "fixe les objectifs, les rôles de chacun et les engagements réciproques."
        ),
        "source": SEED,
        "variants": [],
        "translations": [("en", "agreement"), ("es", "convenio")],
        "related": [],
        "contrasted": [],
    },
    {
        "name": "jumelage",
        "definition": (
            "Lien d'amitié entre deux communes, souvent animé par un comité de jumelage ; il "
            "peut devenir une coopération décentralisée quand il porte un projet de "
            "développement."
        ),
        "source": ILLUSTRATIVE,
        "variants": [("jumelage", "comité de jumelage", "L'association qui fait vivre le lien.")],
        "translations": [("en", "twinning"), ("es", "hermanamiento")],
        "related": ["coopération décentralisée"],
        "contrasted": [],
    },
]

SHEETS = [
    {
        "title": "Un chantier de jeunes pour reconstruire le collège de Foundiougne",
        "organisation": "Ville de Martignas-sur-Jalle",
        "summary": "Trente jeunes des deux pays ont reconstruit ensemble un collège en 2007.",
        "context": (
            "En 2004, Martignas-sur-Jalle signe avec Foundiougne (Sénégal) un protocole "
            "d'accord qui crée des espaces de concertation et d'échange entre les jeunes."
        ),
        "what_was_done": "En 2007, 30 jeunes des deux pays reconstruisent un collège.",
        "results_here": (
            "Les jeunes matérialisent leur engagement de solidarité internationale ; l'action "
            "renforce la cohésion sociale de la commune."
        ),
        "lessons": "Des projets portés par les jeunes forment des citoyens du monde.",
        "projects": ["Reconstruction du collège de Foundiougne par un chantier de jeunes"],
        "countries": ["SN"],
        "source": SEED,
    },
    {
        "title": "À Kolobo, un centre de santé plutôt que l'école prévue",
        "organisation": "AJ 162",
        "summary": "Le dialogue avec la population a changé le projet.",
        "context": (
            "L'association AJ 162, de Gentilly, arrive à Kolobo (Mali) avec le projet de "
            "construire une école."
        ),
        "what_was_done": (
            "Après concertation avec la population locale, la préoccupation première apparaît "
            "être un centre de santé : c'est lui qui est construit."
        ),
        "lessons": (
            "« Cela nous a permis de comprendre qu'on ne pouvait pas arriver avec nos idées "
            "et les imposer. » Le dialogue avec la population garantit la pertinence du projet."
        ),
        "projects": ["Un centre de santé à Kolobo"],
        "countries": ["ML"],
        "source": SEED,
    },
    {
        "title": "Paris et Figuig : les associations de migrants au cœur du partenariat",
        "organisation": "Mairie de Paris",
        "summary": "Le Label Paris Co-développement Sud a fait naître un partenariat à trois.",
        "context": "Le Label Paris Co-développement Sud est lancé en 2006 par la mairie de Paris.",
        "actors": (
            "La mairie de Paris, les associations issues de l'immigration marocaine et les "
            "associations locales de la ville de Figuig (Maroc)."
        ),
        "lessons": (
            "La participation des populations d'origine immigrée rapproche la société civile "
            "d'ici et de là-bas : c'est le co-développement."
        ),
        "projects": ["Label Paris Co-développement Sud à Figuig"],
        "countries": ["MA"],
        "source": SEED,
    },
    {
        "title": "L'écotourisme au Maroc fédère les acteurs aquitains",
        "organisation": "Parc naturel régional des Landes de Gascogne",
        "summary": "Un projet d'écotourisme qui renforce aussi les liens entre acteurs d'ici.",
        "what_was_done": (
            "Coopération avec le Maroc dans le domaine de l'écotourisme, qui sensibilise à la "
            "fragilité et au respect des milieux naturels."
        ),
        "results_here": (
            "Le projet développe l'offre touristique en Aquitaine et fédère des acteurs qui "
            "opéraient chacun de leur côté sur le territoire."
        ),
        "lessons": "Les retours ici ne sont pas seulement écologiques et économiques.",
        "projects": ["Écotourisme et préservation des milieux naturels au Maroc"],
        "countries": ["MA"],
        "source": SEED,
    },
    {
        "title": "Dépollution : valoriser un savoir-faire régional",
        "organisation": "Région Nord-Pas-de-Calais",
        "summary": "Un savoir-faire acquis ici partagé avec des partenaires là-bas.",
        "what_was_done": (
            "La région partage ses compétences en dépollution et en reconversion industrielle."
        ),
        "results_here": "L'image et le rayonnement de la région en sortent renforcés.",
        "lessons": (
            "Le projet de coopération a un effet dynamisant sur la collectivité : mobilisation "
            "des services, approche projet."
        ),
        "projects": ["Valorisation des compétences en dépollution et reconversion industrielle"],
        "countries": [],
        "source": SEED,
    },
]

# The seed's "transversalité des actions" as a method guide: (title, text, checklist, feature).
GUIDE = {
    "title": "La démarche projet de coopération décentralisée",
    "introduction": (
        "Les étapes que la journée d'échanges du 10 février 2011 a dégagées pour un projet de "
        "qualité, **territoire à territoire** plutôt que mairie à mairie. Choisissez votre "
        "projet pour cocher ce qui est fait."
    ),
    "source": SEED,
    "steps": [
        (
            "Rechercher systématiquement les synergies",
            "Qui agit déjà dans ce pays, cette localité, sur ce thème ? Évitez les "
            "projets-doublons.",
            "Consulter les acteurs présents dans le pays\nVérifier les projets semblables",
            "others_here",
        ),
        (
            "Connaître et reconnaître les acteurs",
            "Associations, écoles, comités de jumelage, migrants : ici et là-bas.",
            "Lister les acteurs du territoire concernés\nIdentifier les acteurs de là-bas",
            "actors",
        ),
        (
            "Cadrer les objectifs du projet",
            "Avec la population : « on ne peut pas arriver avec nos idées et les imposer ».",
            "Écrire les objectifs avec le partenaire\nConsulter la population bénéficiaire",
            "project",
        ),
        (
            "Clarifier les rôles de chacun et conventionner",
            "Une convention aux engagements réciproques.",
            "Signer la convention\nÉcrire les engagements ici et là-bas",
            "partnerships",
        ),
        (
            "Élaborer un plan d'action",
            "Étapes, responsables, dates.",
            "Décrire les étapes et leurs responsables",
            "project",
        ),
        (
            "Montrer le retour sur le territoire",
            "Ce que le projet apporte ici : animation locale, éducation, savoir-faire…",
            "Décrire au moins un retour sur le territoire\nPartager une fiche d'expérience",
            "sheets",
        ),
    ],
}
