"""The network's meetings in the demo world: the study day of 10 February 2011 in full, as its
report tells it (programme, speakers, the registered authorities of its Annexe 2, debates,
"éléments de réflexion", what it proposed next), and the follow-up it led to. The report gives
the day and its hours, not the time of each part: those are marked illustrative, as are the
meetings that follow."""

from .world import SEED

SEED_TIMES = f"{SEED} ; horaires des séquences illustratifs"

STUDY_DAY = {
    "title": "La coopération décentralisée : un atout pour les territoires ici et là-bas",
    "kind": "journee",
    "summary": (
        "Journée de réflexion et de partage d'expériences destinée aux collectivités "
        "territoriales d'Aquitaine."
    ),
    "description": (
        "En réponse aux sollicitations des collectivités aquitaines engagées en coopération "
        "internationale de se retrouver pour échanger sur leurs pratiques et sur les enjeux "
        "actuels de la coopération décentralisée, Cap Coopération organise à la Maison des "
        "Suds une rencontre sur le thème : « La coopération décentralisée : un atout pour les "
        "territoires ici et là-bas ».\n\n"
        "Que peut apporter, à l'échelle d'un territoire, la coopération internationale ? "
        "L'expérience en coopération internationale est-elle un atout du développement local "
        "au Nord ? Quelles sont les attentes du Nord dans une démarche de coopération ?"
    ),
    "day": (2011, 2, 10),
    "hours": ((10, 0), (16, 30)),
    "venue": "Maison des Suds",
    "address": "12 Esplanade des Antilles, Domaine universitaire",
    "postal_code": "33600",
    "city": "Pessac",
    "source": SEED,
}

# (start, end, title, description, speakers (first, last), organisations)
SESSIONS = [
    ((10, 0), (10, 15), "Accueil et constats de départ", "", [], ["Cap Coopération"]),
    (
        (10, 15),
        (11, 0),
        "Présentation de l'étude « Les enjeux de la coopération décentralisée pour le "
        "territoire au Nord »",
        "Étude réalisée dans le cadre d'un partenariat entre Sciences Po Bordeaux (master "
        "« Politique et développement dans les pays du Sud »), la Ville de Pessac et Cap "
        "Coopération (annexe 1 du compte-rendu).",
        [("Cyrielle", "Maingaud"), ("Angelica", "Polanco"), ("Mame Fatou", "Sene")],
        ["Sciences Po Bordeaux"],
    ),
    (
        (11, 0),
        (12, 30),
        "Partages d'expériences de réciprocité et de retour sur les territoires",
        "",
        [
            ("Christophe", "Peyron"),
            ("Michel", "Bastida"),
            ("Bernard", "Bénéteau"),
            ("Béatrice", "Renaud"),
        ],
        [],
    ),
    (
        (14, 0),
        (15, 0),
        "Coopération décentralisée et mobilisation des citoyens sur le territoire : vers des "
        "objectifs et des méthodes partagés ?",
        "",
        [("Laure", "Feret")],
        ["Conseil général de l'Essonne"],
    ),
    ((15, 0), (16, 0), "Échange de pratiques entre collectivités d'Aquitaine", "", [], []),
    ((16, 0), (16, 30), "Éléments de conclusion", "", [("Pierre-Jean", "Roca")], []),
]

# Who came (Annexe 2): the invited speakers and the organising team; every other person of
# the demo's Annexe 2 registered as a participant.
SPEAKERS = {
    ("Laure", "Feret"),
    ("Cyrielle", "Maingaud"),
    ("Angelica", "Polanco"),
    ("Mame Fatou", "Sene"),
}
ORGANISERS_FROM = "Cap Coopération"

# (title, kind, text, quotes (speaker first and last name or a name, organisation, text))
MINUTES = [
    (
        "Quelques constats de départ",
        "partie",
        "Plus nombreuses que lors de la première rencontre organisée en 2009, quatorze "
        "collectivités se sont réunies pour échanger sur leurs pratiques.\n\n"
        "- Il existe une nécessité de dialogue entre les collectivités qui débutent et les "
        "collectivités expérimentées : une mutualisation est nécessaire.\n"
        "- Le partage d'informations est un élément essentiel à l'amélioration de la qualité "
        "des projets, et à l'échange sur la méthodologie.\n"
        "- La coopération décentralisée contribue à l'image de marque de la région à "
        "l'extérieur.\n"
        "- Le contexte a changé : la coopération internationale est aussi du ressort des "
        "collectivités, et implique d'inclure de nouveaux publics comme les élus et les "
        "citoyens.",
        [],
    ),
    (
        "Les fondements de la coopération décentralisée",
        "partie",
        "**La réciprocité** semble constituer l'un des socles principaux de la coopération "
        "décentralisée : l'écoute et le dialogue avec les partenaires, sans oublier les "
        "populations bénéficiaires, sont des gages de pertinence du projet.\n\n"
        "**S'enrichir des pratiques ici et là-bas** : les pratiques de coopération "
        "internationale sont souvent très proches de celles du développement local (démarche "
        "de projet, diversité des acteurs, méthodologie partenariale, approche transversale).\n\n"
        "**La transversalité des actions et des acteurs** : rechercher les synergies, connaître "
        "et reconnaître l'ensemble des acteurs, cadrer les objectifs en définissant clairement "
        "les responsabilités de chacun.",
        [
            (
                "Association AJ 162 (Gentilly), citée par l'étude",
                "",
                "Cela nous a permis de comprendre qu'on ne pouvait pas arriver avec nos idées "
                "et les imposer.",
            ),
        ],
    ),
    (
        "Une question en débat : la coopération décentralisée est-elle un outil d'animation "
        "des territoires ?",
        "partie",
        "Le Conseil régional distingue ses actions de coopération décentralisée stricto sensu "
        "de ses dispositifs d'animation du territoire (dont son soutien à Cap Coopération et "
        "au RADSI). Pour Michel Bastida (Martignas-sur-Jalle), les « petites » collectivités "
        "ont besoin de s'appuyer sur les associations, sur des collectivités plus importantes "
        "et sur des structures ressources ; il n'y a pas de distinction à opérer. Selon "
        "Bernard Bénéteau (Salies-de-Béarn), près de 90 % des opérateurs de la coopération "
        "décentralisée sont des associations. Le Parc naturel régional des Landes de Gascogne "
        "présente sa coopération avec le Maroc dans l'écotourisme.\n\n"
        "L'une des forces de la coopération est d'être une action de territoire à territoire "
        "et non « de mairie à mairie ». La difficulté repose sur un manque d'explication et de "
        "communication envers les citoyens.",
        [
            (
                ("Christophe", "Peyron"),
                "Conseil régional d'Aquitaine",
                "La coopération décentralisée est un outil de développement réglementé ayant "
                "pour objectif de renforcer les partenaires au Sud pour les aider à mener des "
                "politiques publiques plus solides.",
            ),
        ],
    ),
    (
        "Pourquoi mobiliser les acteurs du territoire ?",
        "partie",
        "Présentation de Laure Feret (Conseil général de l'Essonne, présidente de "
        "l'ARRICOD) :\n\n"
        "- pour mieux connaître son territoire ;\n"
        "- pour orienter son territoire à l'international ;\n"
        "- pour construire une politique de coopération internationale ;\n"
        "- pour assurer la pérennité et l'efficacité des projets.\n\n"
        "L'action internationale d'un territoire doit être définie dans une logique plus "
        "partenariale entre collectivités, associations, universités et autres acteurs, pour "
        "maximiser l'efficacité des actions « là-bas » et améliorer les retombées « ici ».",
        [],
    ),
    (
        "Échange de pratiques entre collectivités d'Aquitaine",
        "partie",
        "Les élus sont souvent réticents à s'engager : la confusion subsiste entre "
        "« humanitaire » et « coopération internationale » ; ils demandent l'intérêt concret "
        "de la démarche pour la collectivité ; l'organisation technique reste problématique "
        "(confier la coopération au comité de jumelage ? créer un groupe de travail mixte ? "
        "inclure les services techniques de la mairie ?).",
        [],
    ),
    (
        "Éléments de réflexion",
        "conclusions",
        "- Il n'existe pas de langage commun de la coopération décentralisée entre les "
        "collectivités (Conseil régional, Conseil général, communes) : clarifier les mots et "
        "le sens qu'on leur accorde serait une piste de travail.\n"
        "- Une rencontre entre élus organisée par Cap Coopération serait pertinente ; les "
        "élus doivent fonder leur discours sur l'expérience des techniciens.\n"
        "- Ces temps d'échange sont indispensables aux petites collectivités, sans service "
        "technique ni salarié dédié.\n"
        "- Il est intéressant de connaître les expériences des autres régions : d'où "
        "l'intérêt d'inviter des intervenants extérieurs.",
        [],
    ),
]

WORKING_GROUP = {
    "name": "Groupe de travail « Coopération décentralisée en Aquitaine »",
    "purpose": (
        "Proposé à la journée du 10 février 2011 : les participants accordent un réel intérêt "
        "à un groupe de travail organisé par un centre de ressources autonome et impartial. "
        "Il suit les actions décidées, prépare la rencontre d'élus et le glossaire commun."
    ),
    "source": SEED,
}

# (what, responsible organisation, status, progress, due in days from the load, source)
ACTIONS = [
    ("Organiser une rencontre entre élus", "Cap Coopération", "en_cours", 40, 60, SEED),
    (
        "Clarifier les mots de la coopération décentralisée : un glossaire commun",
        "Cap Coopération",
        "en_cours",
        60,
        90,
        SEED,
    ),
    (
        "Inviter des intervenants d'autres régions aux prochains temps d'échange",
        "Cap Coopération",
        "prevu",
        0,
        120,
        SEED,
    ),
    (
        "Constituer le groupe de travail animé par Cap Coopération",
        "Cap Coopération",
        "fait",
        100,
        -30,
        SEED,
    ),
]

# Meetings to come (illustrative): days from the load, hours, and what they are.
UPCOMING = [
    {
        "title": "Groupe de travail : préparer la rencontre d'élus",
        "kind": "groupe",
        "in_days": 20,
        "hours": ((14, 0), (16, 30)),
        "venue": "Maison des Suds",
        "postal_code": "33600",
        "city": "Pessac",
        "capacity": 25,
        "summary": "Suite de la journée du 10 février : l'argumentaire pour les élus.",
        "group": True,
    },
    {
        "title": "Rencontre d'élus : la coopération décentralisée, quel intérêt pour nos "
        "territoires ?",
        "kind": "elus",
        "in_days": 60,
        "hours": ((18, 0), (20, 30)),
        "venue": "Hôtel de Région",
        "postal_code": "33000",
        "city": "Bordeaux",
        "capacity": 60,
        "summary": "Proposée par la journée du 10 février 2011 : des élus parlent aux élus.",
        "questions": "Vous venez en tant qu'élu·e ou technicien·ne ?",
        "group": True,
    },
    {
        "title": "Festival des Solidarités : ciné-débat « Ici et là-bas »",
        "kind": "festisol",
        "in_days": 35,
        "hours": ((19, 0), (22, 0)),
        "venue": "Cinéma Jean Eustache",
        "postal_code": "33600",
        "city": "Pessac",
        "capacity": 120,
        "summary": "Projection suivie d'un débat avec des associations de solidarité.",
        "group": False,
    },
]
