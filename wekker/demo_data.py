"""The demo's cast and story: partner bodies, people, three groups, a year of the mixité group.

Read by wekker.demo, which writes it into the database (`manage.py seed_demo`).
"""

from groups.models import Membership
from meetings.models import Action, Lever
from stakeholders.models import Organisation

ORGANISATIONS = [
    # name, kind, ROME sector, territory
    ("Mission Locale du Bassin Rennais", Organisation.Kind.MISSION_LOCALE, "K", "35"),
    ("Mission Locale du Pays de Brest", Organisation.Kind.MISSION_LOCALE, "K", "29"),
    ("Conseil départemental d'Ille-et-Vilaine", Organisation.Kind.COLLECTIVITE, "K", "35"),
    ("Région Bretagne", Organisation.Kind.COLLECTIVITE, "K", "53"),
    ("Chambre d'agriculture de Bretagne", Organisation.Kind.CHAMBRE, "A", "53"),
    ("Transports Armor Mobilités", Organisation.Kind.ENTREPRISE, "N", "22"),
    ("CFA Bâtiment Bretagne", Organisation.Kind.FORMATION, "F", "56"),
    ("France Travail Bretagne", Organisation.Kind.ETAT, "K", "53"),
    ("Association Elles bougent Bretagne", Organisation.Kind.ASSOCIATION, "H", "35"),
]

PEOPLE = [
    # username or None, first, last, organisation index, job title, role model trade
    ("coordinatrice", "Claire", "Le Gall", 0, "Chargée de mission mixité", ""),
    ("membre", "Yann", "Morvan", 2, "Chargé de projet insertion", ""),
    (None, "Nolwenn", "Kerbrat", 1, "Conseillère en insertion", ""),
    (None, "Erwan", "Le Bihan", 3, "Chargé de mission emploi-formation", ""),
    (None, "Gwenaëlle", "Tanguy", 4, "Responsable emploi et formation", ""),
    (None, "Loïc", "Guillou", 5, "Responsable recrutement", ""),
    (None, "Maëlle", "Riou", 6, "Directrice pédagogique", ""),
    (None, "Sophie", "Le Roux", 7, "Conseillère entreprises", ""),
    (None, "Anaïs", "Cadiou", 8, "Coordinatrice régionale", ""),
    (None, "Julie", "Le Floch", 5, "Conductrice de bus", "Conductrice de transport en commun"),
    (None, "Thomas", "Briand", 1, "Auxiliaire de puériculture", "Auxiliaire de puériculture"),
    (None, "Laura", "Quéré", 6, "Maçonne, formatrice", "Maçonne"),
    (None, "Pierre", "Jézéquel", 0, "Chargé de mission seniors", ""),
    (None, "Marie", "Nédélec", 3, "Chargée de mission mobilité", ""),
]

GROUPS = [
    (
        "mixite",
        "Mixité des métiers",
        "Mixité des métiers",
        "53",
        "Faire évoluer les choix d'orientation des filles et des garçons vers les métiers "
        "dits non mixtes : sensibiliser, former, montrer des rôles modèles.",
    ),
    (
        "seniors",
        "Emploi des seniors",
        "Emploi des seniors",
        "53",
        "Partager les pratiques d'accompagnement des publics de plus de 50 ans.",
    ),
    (
        "mobilite",
        "Mobilité durable",
        "Mobilité durable",
        "35",
        "Lever les freins de mobilité des jeunes en milieu rural.",
    ),
]

# A group's own levers (WorkingGroup.levers); the others follow the network's.
GROUP_LEVERS = {"mobilite": ["Permis de conduire", "Transports solidaires", "Mobilité douce"]}

# (group slug, username or "first last", role)
MEMBERSHIPS = [
    ("mixite", "coordinatrice", Membership.Role.COORDINATOR),
    ("mixite", "membre", Membership.Role.MEMBER),
    ("mixite", "Nolwenn Kerbrat", Membership.Role.MEMBER),
    ("mixite", "Erwan Le Bihan", Membership.Role.MEMBER),
    ("mixite", "Gwenaëlle Tanguy", Membership.Role.MEMBER),
    ("mixite", "Loïc Guillou", Membership.Role.MEMBER),
    ("mixite", "Maëlle Riou", Membership.Role.MEMBER),
    ("mixite", "Sophie Le Roux", Membership.Role.MEMBER),
    ("mixite", "Anaïs Cadiou", Membership.Role.GUEST),
    ("seniors", "Pierre Jézéquel", Membership.Role.COORDINATOR),
    ("seniors", "Sophie Le Roux", Membership.Role.MEMBER),
    ("seniors", "Erwan Le Bihan", Membership.Role.MEMBER),
    ("mobilite", "coordinatrice", Membership.Role.COORDINATOR),
    ("mobilite", "Marie Nédélec", Membership.Role.MEMBER),
    ("mobilite", "Loïc Guillou", Membership.Role.MEMBER),
]

MIXITE_AGENDA = [
    ("Tour de table des partenaires", 15, Lever.AUTRE),
    ("Bilan de la Semaine de la mixité des métiers", 30, Lever.SENSIBILISER),
    ("Places en formation BTP et transport pour les jeunes femmes", 30, Lever.FORMER),
    ("Tournage des vidéos de rôles modèles", 20, Lever.ROLES_MODELES),
    ("Lecture des indicateurs : de la formation à l'emploi", 25, Lever.AUTRE),
]

MIXITE_ACTIONS = [
    # title, lever, owner key, due in days (negative: overdue), status, kind
    (
        "Organiser la Semaine de la mixité des métiers",
        Lever.SENSIBILISER,
        "Anaïs Cadiou",
        60,
        Action.Status.IN_PROGRESS,
        Action.Kind.EVENT,
    ),
    (
        "Intervenir au forum des métiers du lycée de Saint-Brieuc",
        Lever.SENSIBILISER,
        "membre",
        20,
        Action.Status.TODO,
        Action.Kind.ACTION,
    ),
    (
        "Recenser les places en CAP maçonnerie ouvertes aux filles",
        Lever.FORMER,
        "Maëlle Riou",
        -5,
        Action.Status.TODO,
        Action.Kind.ACTION,
    ),
    (
        "Monter une session « découverte conduite de bus » pour jeunes femmes",
        Lever.FORMER,
        "Loïc Guillou",
        45,
        Action.Status.IN_PROGRESS,
        Action.Kind.ACTION,
    ),
    (
        "Publier trois vidéos de rôles modèles sur YouTube",
        Lever.ROLES_MODELES,
        "coordinatrice",
        30,
        Action.Status.TODO,
        Action.Kind.ACTION,
    ),
    (
        "Suivre l'accès à l'emploi des filles sorties de formation BTP",
        Lever.AUTRE,
        "Erwan Le Bihan",
        -12,
        Action.Status.IN_PROGRESS,
        Action.Kind.ACTION,
    ),
    (
        "Diffuser la plaquette « Les métiers n'ont pas de sexe »",
        Lever.SENSIBILISER,
        "membre",
        -40,
        Action.Status.DONE,
        Action.Kind.ACTION,
    ),
    # Earlier years, so that the dashboard shows the work beside the indicators.
    (
        "Semaine de la mixité des métiers, première édition",
        Lever.SENSIBILISER,
        "Anaïs Cadiou",
        -1000,
        Action.Status.DONE,
        Action.Kind.EVENT,
    ),
    (
        "Partenariat CFA : places réservées aux jeunes femmes",
        Lever.FORMER,
        "Maëlle Riou",
        -820,
        Action.Status.DONE,
        Action.Kind.ACTION,
    ),
    (
        "Premières vidéos de rôles modèles",
        Lever.ROLES_MODELES,
        "coordinatrice",
        -700,
        Action.Status.DONE,
        Action.Kind.ACTION,
    ),
    (
        "Semaine de la mixité des métiers, deuxième édition",
        Lever.SENSIBILISER,
        "Anaïs Cadiou",
        -630,
        Action.Status.DONE,
        Action.Kind.EVENT,
    ),
    (
        "Stages de découverte du transport routier",
        Lever.FORMER,
        "Loïc Guillou",
        -450,
        Action.Status.DONE,
        Action.Kind.ACTION,
    ),
    (
        "Semaine de la mixité des métiers, troisième édition",
        Lever.SENSIBILISER,
        "Anaïs Cadiou",
        -270,
        Action.Status.DONE,
        Action.Kind.EVENT,
    ),
]


# The young people each edition of the Semaine de la mixité reached (women, men, not recorded):
# a few hundred, more each year.
MIXITE_REACH = {
    "Semaine de la mixité des métiers, première édition": (96, 84, 6),
    "Semaine de la mixité des métiers, deuxième édition": (151, 118, 9),
    "Semaine de la mixité des métiers, troisième édition": (214, 163, 11),
    "Diffuser la plaquette « Les métiers n'ont pas de sexe »": (58, 41, None),
}

MINUTES_DECISIONS = [
    [
        "La Semaine de la mixité des métiers aura lieu en mars.",
        "Le CFA ouvre une session découverte réservée aux jeunes femmes.",
    ],
    [
        "Le groupe soutient le tournage de trois vidéos de rôles modèles.",
        "Transports Armor Mobilités accueille une session « découverte conduite de bus ».",
    ],
    [
        "Les indicateurs 2025 seront présentés par le Conseil régional à la prochaine réunion.",
        "Une intervention au forum des métiers de Saint-Brieuc est confiée au Département.",
    ],
    [
        "Le bilan de la Semaine de la mixité est adopté.",
        "Un groupe de travail restreint prépare la plaquette « Les métiers n'ont pas de sexe ».",
    ],
]
