/*
 * dir_demo.c: a realistic, deterministic demo data set (see dir_demo.h).
 *
 * Everything is written through dir_coop_create() and dir_ent_create(),
 * the path an API client takes, so the demo passes the same validation as
 * real data. The cooperatives sit at the most populous communes (one per
 * département, none closer than DEMO_COOP_GAP_KM to another); the
 * entrepreneurs live in communes drawn by population and belong to the
 * nearest cooperative. Their trades come from a curated table of job
 * profiles below, each checked against data/rome.tsv, data/naf.tsv and
 * data/rome_appellations.tsv. Not thread-safe beyond its struct db.
 */
#include "dir_demo.h"

#include "../util/viewer.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../search/search_place.h"
#include "../util/buf.h"
#include "../util/log.h"
#include "dir_coop.h"
#include "dir_ent.h"

#define DEMO_COOPS 30         /* cooperatives to create */
#define DEMO_COOP_GAP_KM 40.0 /* no two cooperatives closer than this */
#define DEMO_REACH_KM 250.0   /* entrepreneurs live at most this far from
                                 their cooperative (drops the overseas
                                 communes that have no cooperative) */
#define DEMO_BATCH 1000       /* records per transaction */

/* ------------------------------------------------------------ the PRNG */

/* splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough to
 * make plausible data; never rand(), so that a seed means the same data
 * on every platform. */
struct rng {
    uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
    uint64_t z;

    r->s += 0x9E3779B97F4A7C15ULL;
    z = r->s;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* rng_for: the stream of record i, independent of the other records, so
 * that demo-N is the same person whatever the size of the run. */
static struct rng rng_for(unsigned long seed, uint64_t i)
{
    struct rng r = {(uint64_t)seed * 0xD1B54A32D192ED03ULL ^
                    (i + 1) * 0x9E3779B97F4A7C15ULL};

    rng_next(&r);
    return r;
}

/* rng_int: uniform in [lo, hi]. */
static int rng_int(struct rng *r, int lo, int hi)
{
    return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

/* rng_pct: true with the given probability in percent. */
static int rng_pct(struct rng *r, int percent)
{
    return (int)(rng_next(r) % 100) < percent;
}

/* ----------------------------------------------------------- the words */

/* Strings below may hold "{masculine|feminine}" groups, resolved by put()
 * according to the person's first name. */

static const char *const women[] = {
    "Marie", "Camille", "Léa", "Manon", "Chloé", "Emma", "Julie", "Sarah",
    "Laura", "Pauline", "Mathilde", "Claire", "Anne", "Sophie", "Isabelle",
    "Nathalie", "Céline", "Aurélie", "Émilie", "Élodie", "Charlotte", "Lucie",
    "Alice", "Juliette", "Clémence", "Margaux", "Inès", "Fatima", "Leïla",
    "Yasmine", "Nadia", "Sandrine", "Valérie", "Christine", "Hélène", "Agathe",
    "Louise", "Zoé", "Océane", "Maëlle", NULL};

static const char *const men[] = {
    "Thomas", "Nicolas", "Julien", "Maxime", "Alexandre", "Antoine", "Kévin",
    "Romain", "Pierre", "Mathieu", "Guillaume", "Lucas", "Hugo", "Louis",
    "Paul", "Arthur", "Théo", "Baptiste", "Clément", "Florian", "Benoît",
    "Olivier", "Laurent", "Stéphane", "Philippe", "Christophe", "Sébastien",
    "Frédéric", "David", "Vincent", "Jérôme", "Karim", "Mehdi", "Youssef",
    "Samir", "Mamadou", "Yann", "Erwan", "Gaël", "Jean", NULL};

static const char *const surnames[] = {
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit",
    "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel",
    "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel",
    "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François",
    "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin",
    "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu",
    "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin",
    "Masson", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Roche",
    "Meyer", "Lucas", "Meunier", "Brun", "Dumas", "Schmitt", "Colin",
    "Fernandez", "Renard", "Caron", "Aubert", "Giraud", "Leclerc", "Vidal",
    "Picard", "Le Gall", "Le Goff", "Benali", "Haddad", "Diallo", "Da Silva",
    "Bouvier", "Marchand", NULL};

/* How far a trade travels: a radius around home mostly, or a
 * département, a région, or all of France for work done at a distance. */
enum reach {
    REACH_LOCAL,  /* radius; sometimes the département */
    REACH_REGION, /* radius, département or région */
    REACH_REMOTE  /* often all of France */
};

#define HEADS 4
#define SKILLS 8
#define SAYS 5
#define QUALS 3
#define REFS 3

struct ref {
    const char *title;  /* what was done */
    const char *client; /* a kind of client, never a real name */
};

/* One job profile. Several profiles may share a ROME code. */
struct trade {
    const char *key;           /* name for the pairs below */
    const char *rome;          /* ROME code (data/rome.tsv) */
    const char *naf;           /* a fitting NAF sub-class, or NULL */
    int weight;                /* relative frequency */
    int rmin, rmax;            /* intervention radius range, km */
    enum reach reach;
    const char *heads[HEADS];  /* headlines; mostly ROME appellations */
    const char *skills[SKILLS];
    const char *says[SAYS];    /* [0], [1]: openers; then complements */
    const char *quals[QUALS];  /* qualifications that fit */
    struct ref refs[REFS];
};

static const struct trade trades[] = {
    /* -------------------------------------------------- building trades */
    {"plombier", "F1603", "43.22A", 5, 15, 40, REACH_LOCAL,
     {"{Plombier|Plombière}", "{Plombier|Plombière} chauffagiste",
      "{Installateur|Installatrice} en sanitaire",
      "{Plombier|Plombière} sanitaire"},
     {"Plomberie", "Dépannage de fuites", "Rénovation de salles de bains",
      "Chauffe-eau", "Pose de sanitaires", "Chauffage central",
      "Remplacement de chaudières", "Adoucisseurs d'eau"},
     {"J'installe et je dépanne vos équipements de plomberie : robinetterie,"
      " sanitaires, chauffe-eau et réseaux d'eau.",
      "Je réalise la plomberie de vos projets de rénovation, de la simple"
      " réparation à la salle de bains complète.",
      "Je travaille proprement et je laisse le chantier net après mon"
      " passage.",
      "Chaque intervention commence par un diagnostic et un devis détaillé.",
      "Je conseille sur les économies d'eau et d'énergie, du mitigeur"
      " thermostatique au ballon thermodynamique."},
     {"RGE QualiPAC", "Qualibat", "PG Professionnel du gaz"},
     {{"Rénovation complète d'une salle de bains", "Particulier"},
      {"Remplacement d'un chauffe-eau de 200 litres", "Particulier"},
      {"Reprise des colonnes d'eau d'un petit immeuble",
       "Syndic de copropriété"}}},
    {"chauffage", "I1308", "43.22B", 2, 20, 50, REACH_LOCAL,
     {"{Technicien|Technicienne} de maintenance en chauffage",
      "{Thermicien|Thermicienne} de maintenance",
      "{Technicien|Technicienne} d'entretien et d'exploitation de"
      " chauffage"},
     {"Entretien de chaudières", "Pompes à chaleur", "Régulation",
      "Contrats d'entretien", "Mise en service", "Diagnostic de pannes",
      "Chaudières à condensation"},
     {"J'assure l'entretien annuel et le dépannage des chaudières gaz,"
      " fioul et bois.",
      "J'entretiens et je dépanne les installations de chauffage des"
      " particuliers et des petits locaux professionnels.",
      "Je propose des contrats d'entretien avec passage annuel et"
      " attestation.",
      "Je règle les installations pour réduire la consommation sans perdre"
      " en confort.",
      "En cas de panne, j'interviens rapidement avec les pièces courantes"
      " dans mon véhicule."},
     {"RGE QualiPAC", "Attestation de capacité fluides frigorigènes",
      "PG Professionnel du gaz"},
     {{"Contrat d'entretien des chaudières d'une copropriété",
       "Syndic de copropriété"},
      {"Mise en service d'une pompe à chaleur air-eau", "Particulier"},
      {"Désembouage d'un réseau de chauffage", "Particulier"}}},
    {"electricien", "F1602", "43.21A", 5, 15, 40, REACH_LOCAL,
     {"{Électricien|Électricienne} du bâtiment",
      "{Électricien|Électricienne} d'équipement domestique",
      "{Électricien|Électricienne} photovoltaïque",
      "{Électricien|Électricienne} en rénovation"},
     {"Mise aux normes NF C 15-100", "Rénovation électrique",
      "Tableaux électriques", "Éclairage LED", "Bornes de recharge",
      "Domotique", "Dépannage électrique", "Photovoltaïque"},
     {"Je réalise vos installations électriques neuves et la mise en"
      " sécurité des logements anciens.",
      "J'interviens pour la rénovation électrique, le remplacement de"
      " tableaux et le dépannage.",
      "Je remets un schéma de l'installation et une attestation en fin de"
      " chantier.",
      "Je prépare le passage du Consuel pour les installations neuves.",
      "Je conseille sur l'éclairage économe et les bornes de recharge pour"
      " véhicules électriques."},
     {"Qualifelec", "Habilitation électrique BR", "IRVE niveau 2"},
     {{"Mise en sécurité électrique d'une maison des années 1970",
       "Particulier"},
      {"Installation d'une borne de recharge en copropriété",
       "Syndic de copropriété"},
      {"Rénovation de l'éclairage d'une boutique", "Commerce de proximité"}}},
    {"courants-faibles", "I1307", "43.21A", 1, 20, 60, REACH_REGION,
     {"{Technicien|Technicienne} d'installation en domotique",
      "{Installateur|Installatrice} de systèmes de sécurité, alarme et"
      " détection incendie",
      "Antenniste"},
     {"Domotique", "Alarmes", "Vidéosurveillance", "Réseaux informatiques",
      "Fibre optique", "Antennes et paraboles", "Contrôle d'accès"},
     {"J'installe des systèmes d'alarme, de vidéosurveillance et de"
      " domotique pour les particuliers et les petits commerces.",
      "Je câble et je mets en service les réseaux courants faibles :"
      " informatique, téléphonie, interphonie.",
      "Je paramètre les applications avec vous et je reste joignable pour"
      " les réglages.",
      "J'assure la maintenance des installations que je pose.",
      "Je privilégie le matériel ouvert et réparable."},
     {"Certification APSAD", "Habilitation électrique BR"},
     {{"Alarme et caméras d'une boulangerie", "Commerce de proximité"},
      {"Câblage réseau d'un espace de coworking", "Tiers-lieu associatif"},
      {"Domotique d'une maison rénovée", "Particulier"}}},
    {"peintre", "F1606", "43.34Z", 5, 15, 35, REACH_LOCAL,
     {"Peintre en bâtiment", "{Peintre décorateur|Peintre décoratrice}",
      "Peintre d'intérieur", "{Peintre enduiseur|Peintre enduiseuse}"},
     {"Peinture intérieure", "Enduits", "Papiers peints",
      "Peintures écologiques", "Enduits à la chaux",
      "Préparation des supports", "Laques", "Décoration murale"},
     {"Je réalise vos travaux de peinture intérieure, de la préparation des"
      " murs aux finitions.",
      "Je rénove murs, plafonds et boiseries avec des peintures de qualité,"
      " y compris des peintures biosourcées.",
      "Je protège soigneusement les sols et le mobilier avant chaque"
      " chantier.",
      "Je conseille sur les teintes et les finitions selon la lumière de"
      " chaque pièce.",
      "Je travaille aussi bien pour des particuliers que pour des bureaux et"
      " des commerces."},
     {"Qualibat"},
     {{"Peintures d'un appartement de 80 m²", "Particulier"},
      {"Mise en peinture des parties communes d'une résidence",
       "Syndic de copropriété"},
      {"Décor à la chaux dans un restaurant", "Restaurant"}}},
    {"plaquiste", "F1604", "43.31Z", 3, 15, 40, REACH_LOCAL,
     {"Plaquiste", "{Plâtrier-plaquiste|Plâtrière-plaquiste}",
      "{Plaquiste enduiseur|Plaquiste enduiseuse}",
      "{Monteur|Monteuse} de cloisons"},
     {"Plaques de plâtre", "Cloisons", "Faux-plafonds",
      "Isolation intérieure", "Bandes et enduits", "Aménagement de combles",
      "Doublages"},
     {"Je monte cloisons, doublages et faux-plafonds en plaques de plâtre,"
      " jusqu'aux bandes et enduits.",
      "J'aménage combles et sous-sols : isolation, cloisons et plafonds"
      " prêts à peindre.",
      "Je travaille avec des isolants biosourcés quand le projet le permet.",
      "Je me coordonne volontiers avec l'électricien et le peintre du"
      " chantier.",
      "Mes finitions sont prêtes à peindre, sans reprise."},
     {"Qualibat", "RGE Qualibat"},
     {{"Aménagement de combles de 40 m²", "Particulier"},
      {"Cloisons d'un cabinet médical", "Maison de santé"},
      {"Doublage isolant d'une maison en pierre", "Particulier"}}},
    {"menuisier", "H2206", "43.32A", 3, 20, 50, REACH_LOCAL,
     {"{Menuisier|Menuisière}", "{Menuisier|Menuisière} d'agencement",
      "{Menuisier|Menuisière} atelier et pose",
      "{Menuisier|Menuisière} de restauration"},
     {"Menuiserie sur mesure", "Escaliers", "Placards et dressings",
      "Bibliothèques", "Bois massif", "Restauration de fenêtres anciennes",
      "Agencement"},
     {"Je fabrique dans mon atelier des menuiseries sur mesure : placards,"
      " bibliothèques, escaliers et aménagements.",
      "Je conçois et je pose des agencements en bois massif adaptés à chaque"
      " intérieur.",
      "Je travaille des bois locaux et des finitions naturelles à l'huile ou"
      " à la cire.",
      "Je fournis un plan et un devis détaillé avant la fabrication.",
      "Je restaure aussi les menuiseries anciennes plutôt que de les"
      " remplacer."},
     {"Qualibat", "CAP Menuisier fabricant"},
     {{"Bibliothèque sur mesure d'une médiathèque",
       "Médiathèque municipale"},
      {"Escalier en chêne d'une maison rénovée", "Particulier"},
      {"Agencement d'une boutique de créateurs", "Boutique de créateurs"}}},
    {"poseur", "F1607", "43.32A", 3, 20, 50, REACH_LOCAL,
     {"{Menuisier poseur|Menuisière poseuse} de fermetures",
      "{Poseur|Poseuse} de fermetures",
      "{Poseur|Poseuse} de volets roulants",
      "{Menuisier|Menuisière} aluminium"},
     {"Fenêtres et portes-fenêtres", "Volets roulants", "Portes d'entrée",
      "Stores", "Isolation des ouvertures", "Pose en rénovation",
      "Portails", "Motorisation"},
     {"Je remplace vos fenêtres, portes et volets pour un logement mieux"
      " isolé et plus sûr.",
      "Je pose fenêtres, portes d'entrée, volets roulants et stores, en"
      " neuf comme en rénovation.",
      "Je prends les mesures sur place et je vous aide à choisir entre bois,"
      " PVC et aluminium.",
      "Je monte avec vous le dossier d'aides à la rénovation énergétique.",
      "Je motorise aussi les volets et les portails existants."},
     {"RGE Qualibat", "Qualibat"},
     {{"Remplacement de douze fenêtres d'une maison", "Particulier"},
      {"Volets roulants motorisés d'un appartement", "Particulier"},
      {"Porte d'entrée isolante d'une longère", "Particulier"}}},
    {"facadier", "F1611", "43.99C", 2, 20, 50, REACH_LOCAL,
     {"{Façadier|Façadière}", "{Façadier-enduiseur|Façadière-enduiseuse}",
      "{Ravaleur|Ravaleuse} de façades",
      "{Façadier|Façadière} en isolation thermique par l'extérieur"},
     {"Ravalement de façades", "Enduits à la chaux",
      "Isolation thermique par l'extérieur", "Nettoyage de façades",
      "Traitement des fissures", "Bardage", "Crépis"},
     {"Je rénove les façades : nettoyage, traitement des fissures, enduits"
      " et peintures extérieures.",
      "Je réalise ravalements et isolation thermique par l'extérieur pour"
      " maisons et petits collectifs.",
      "Sur le bâti ancien, je travaille à la chaux pour laisser respirer les"
      " murs.",
      "Je m'occupe de l'échafaudage et de la déclaration préalable en"
      " mairie si besoin.",
      "Un diagnostic de la façade précède chaque devis."},
     {"RGE Qualibat", "Qualibat"},
     {{"Ravalement d'une maison de ville en pierre", "Particulier"},
      {"Isolation par l'extérieur d'un pavillon des années 1980",
       "Particulier"},
      {"Réfection des enduits d'une petite copropriété",
       "Syndic de copropriété"}}},
    {"couvreur", "F1610", "43.91B", 3, 20, 50, REACH_LOCAL,
     {"{Couvreur|Couvreuse}", "{Couvreur zingueur|Couvreuse zingueuse}",
      "{Couvreur ardoisier|Couvreuse ardoisière}",
      "{Couvreur tuilier|Couvreuse tuilière}"},
     {"Couverture en tuiles", "Ardoise", "Zinguerie", "Gouttières",
      "Recherche de fuites", "Fenêtres de toit", "Démoussage",
      "Isolation de toiture"},
     {"J'entretiens, je répare et je refais les toitures en tuiles, en"
      " ardoises et en zinc.",
      "Je m'occupe de vos toitures : réparation de fuites, zinguerie,"
      " gouttières et réfection complète.",
      "J'interviens rapidement après une tempête pour mettre la toiture hors"
      " d'eau.",
      "Je pose aussi des fenêtres de toit et j'isole les rampants.",
      "Je fais un état des lieux photographié de la toiture avant tout"
      " devis."},
     {"Qualibat", "RGE Qualibat", "Formation travail en hauteur"},
     {{"Réfection d'une toiture en ardoises naturelles", "Particulier"},
      {"Remplacement des gouttières d'une école", "Commune rurale"},
      {"Pose de trois fenêtres de toit", "Particulier"}}},
    {"macon", "F1703", "43.99C", 4, 15, 40, REACH_LOCAL,
     {"{Maçon|Maçonne}", "{Maçon|Maçonne} en rénovation",
      "{Maçon|Maçonne} pierre",
      "{Maçon bâtisseur|Maçonne bâtisseuse} de pierres sèches"},
     {"Maçonnerie générale", "Rénovation du bâti ancien", "Murs en pierre",
      "Dalles et fondations", "Ouvertures de murs porteurs", "Enduits",
      "Murets", "Terrasses"},
     {"Je réalise vos travaux de maçonnerie : extensions, ouvertures de"
      " murs, dalles et murets.",
      "Je rénove le bâti ancien dans le respect des matériaux d'origine :"
      " pierre, brique et chaux.",
      "Sur les chantiers plus importants, je m'associe avec d'autres"
      " artisans de la coopérative.",
      "Chaque chantier fait l'objet d'un devis détaillé et d'un planning"
      " clair.",
      "Je reprends aussi les murs de clôture et les petits ouvrages"
      " extérieurs."},
     {"Qualibat", "RGE Qualibat"},
     {{"Ouverture d'un mur porteur dans une maison de ville", "Particulier"},
      {"Restauration d'un mur en pierres sèches",
       "Association de sauvegarde du patrimoine"},
      {"Extension de 25 m² en parpaings", "Particulier"}}},
    {"carreleur", "F1608", "43.33Z", 3, 15, 40, REACH_LOCAL,
     {"{Carreleur|Carreleuse}", "{Carreleur-faïencier|Carreleuse-faïencière}",
      "{Carreleur|Carreleuse} mosaïste"},
     {"Carrelage", "Faïence", "Mosaïque", "Chapes",
      "Douches à l'italienne", "Terrasses extérieures", "Ragréage"},
     {"Je pose carrelage et faïence pour les sols, les murs, les salles de"
      " bains et les terrasses.",
      "Je réalise douches à l'italienne, crédences et sols carrelés, de la"
      " préparation du support aux joints.",
      "Je vous aide à choisir les formats et le calepinage selon la pièce.",
      "Je soigne l'étanchéité sous carrelage dans les pièces d'eau.",
      "Je travaille aussi la mosaïque pour des décors sur mesure."},
     {"Qualibat"},
     {{"Douche à l'italienne et faïence d'une salle de bains",
       "Particulier"},
      {"Carrelage d'une terrasse de 30 m²", "Particulier"},
      {"Sol en grès cérame d'un restaurant", "Restaurant"}}},
    {"isolation", "F1613", "43.29A", 1, 20, 60, REACH_REGION,
     {"{Poseur|Poseuse} en isolation thermique", "Étanchéiste",
      "{Applicateur|Applicatrice} d'étanchéité"},
     {"Isolation des combles", "Isolants biosourcés",
      "Étanchéité de toitures-terrasses", "Ouate de cellulose",
      "Laine de bois", "Pare-vapeur"},
     {"J'isole combles, murs et planchers, de préférence avec des isolants"
      " biosourcés.",
      "Je réalise l'isolation et l'étanchéité des toitures plates et des"
      " terrasses.",
      "Je vous accompagne dans le montage des dossiers d'aides à la"
      " rénovation énergétique.",
      "Je vérifie la continuité du pare-vapeur et le traitement des ponts"
      " thermiques.",
      "Je travaille souvent en équipe avec des charpentiers et des"
      " plaquistes."},
     {"RGE Qualibat", "Qualibat"},
     {{"Isolation en ouate de cellulose de combles perdus", "Particulier"},
      {"Étanchéité d'une toiture-terrasse de 120 m²", "Bailleur social"},
      {"Isolation en laine de bois d'une maison à ossature bois",
       "Particulier"}}},
    {"charpentier", "F1503", "43.91A", 2, 30, 60, REACH_REGION,
     {"{Charpentier|Charpentière}",
      "{Charpentier|Charpentière} de restauration",
      "{Charpentier|Charpentière} ossature bois"},
     {"Charpente traditionnelle", "Ossature bois", "Extensions bois",
      "Traitement des bois", "Restauration de charpentes",
      "Carports et préaux", "Terrasses en bois"},
     {"Je conçois et je pose des charpentes traditionnelles, des extensions"
      " et des maisons à ossature bois.",
      "Je restaure les charpentes anciennes et je construis en bois local.",
      "Je taille les pièces à l'atelier avant la pose pour un chantier plus"
      " court.",
      "Je travaille avec des bois issus de forêts gérées durablement.",
      "Je réalise aussi carports, préaux et terrasses en bois."},
     {"Qualibat", "RGE Qualibat"},
     {{"Extension en ossature bois de 30 m²", "Particulier"},
      {"Restauration de la charpente d'une grange", "Particulier"},
      {"Préau en bois d'une école maternelle", "Commune rurale"}}},
    {"multiservice", "I1203", "43.39Z", 3, 10, 25, REACH_LOCAL,
     {"{Agent|Agente} d'entretien travaux à domicile",
      "{Technicien polyvalent|Technicienne polyvalente} du bâtiment",
      "{Artisan|Artisane} multiservice"},
     {"Petits travaux", "Montage de meubles", "Petite plomberie",
      "Petite électricité", "Pose d'étagères", "Réparations diverses",
      "Entretien de locaux"},
     {"Je réalise les petits travaux de la maison : montage de meubles,"
      " fixations, petites réparations de plomberie et d'électricité.",
      "J'assure l'entretien courant de logements, de commerces et de locaux"
      " associatifs.",
      "Je me déplace pour des interventions courtes, facturées à l'heure.",
      "Je travaille beaucoup pour des personnes âgées qui veulent rester"
      " chez elles.",
      "Pour les chantiers plus importants, je vous oriente vers un artisan"
      " de la coopérative."},
     {"Habilitation électrique BS"},
     {{"Entretien courant de logements associatifs",
       "Association d'insertion par le logement"},
      {"Aménagement d'un logement pour une personne âgée", "Particulier"},
      {"Maintenance d'un local associatif", "Association de quartier"}}},
    {"archi-interieur", "F1102", "74.10Z", 2, 30, 80, REACH_REGION,
     {"Architecte d'intérieur", "{Décorateur|Décoratrice} d'intérieur",
      "{Architecte décorateur|Architecte décoratrice}"},
     {"Aménagement intérieur", "Plans 2D et 3D", "Choix des matériaux",
      "Home staging", "Suivi de chantier", "Petits espaces", "Éclairage"},
     {"Je conçois l'aménagement de vos intérieurs, du plan à la sélection"
      " des matériaux et du mobilier.",
      "J'accompagne particuliers et commerçants dans la transformation de"
      " leurs espaces.",
      "Je remets des plans et des vues en 3D pour décider en connaissance de"
      " cause.",
      "Je peux coordonner les artisans jusqu'à la réception du chantier.",
      "Je propose aussi des consultations courtes pour un conseil"
      " ponctuel."},
     {NULL},
     {{"Réaménagement d'un appartement de 60 m²", "Particulier"},
      {"Agencement d'une librairie-café", "Librairie indépendante"},
      {"Rénovation de l'accueil d'un cabinet médical", "Maison de santé"}}},
    {"diagnostiqueur", "F1103", "71.20B", 2, 30, 70, REACH_REGION,
     {"{Diagnostiqueur|Diagnostiqueuse} bâtiment",
      "{Technicien|Technicienne} de diagnostics immobiliers",
      "{Diagnostiqueur|Diagnostiqueuse} performance énergétique bâtiment"},
     {"DPE", "Diagnostic amiante", "Diagnostic plomb",
      "Diagnostic électricité et gaz", "Mesurage loi Carrez",
      "Audit énergétique", "Termites"},
     {"Je réalise les diagnostics immobiliers obligatoires pour la vente et"
      " la location.",
      "J'établis les DPE et les audits énergétiques des logements.",
      "Je remets les rapports sous 48 heures avec des explications"
      " claires.",
      "J'explique à chaque propriétaire les travaux qui amélioreraient le"
      " classement énergétique.",
      "Je travaille pour des particuliers, des notaires et des agences."},
     {"Certification DPE avec mention", "Certification amiante",
      "Certification plomb"},
     {{"Diagnostics avant vente d'une maison", "Particulier"},
      {"DPE de vingt logements", "Bailleur social"},
      {"Audit énergétique d'une maison de ville", "Particulier"}}},
    {"architecte", "F1101", "71.11Z", 2, 40, 80, REACH_REGION,
     {"Architecte", "Architecte du bâtiment",
      "{Architecte conseiller|Architecte conseillère}"},
     {"Permis de construire", "Rénovation énergétique", "Maîtrise d'œuvre",
      "Construction bois", "Extensions", "Esquisses", "Suivi de chantier",
      "Matériaux biosourcés"},
     {"J'accompagne vos projets de construction, d'extension et de"
      " rénovation, de l'esquisse à la réception.",
      "Je conçois des bâtiments sobres en énergie, en bois et en matériaux"
      " biosourcés.",
      "Je dépose les demandes de permis de construire et les déclarations"
      " préalables.",
      "Je suis les chantiers et je coordonne les entreprises.",
      "Je travaille aussi pour des collectivités et des associations."},
     {"Inscription à l'Ordre des architectes"},
     {{"Extension bois d'une maison familiale", "Particulier"},
      {"Réhabilitation d'une ancienne école en tiers-lieu",
       "Communauté de communes"},
      {"Permis de construire d'une maison passive", "Particulier"}}},

    /* ------------------------------------------------------ green spaces */
    {"paysagiste", "A1203", "81.30Z", 5, 10, 30, REACH_LOCAL,
     {"{Jardinier|Jardinière} paysagiste", "{Jardinier|Jardinière}",
      "{Technicien|Technicienne} paysagiste",
      "{Jardinier|Jardinière} d'espaces verts"},
     {"Entretien de jardins", "Taille de haies", "Création de massifs",
      "Tonte", "Gestion différenciée", "Potagers", "Arrosage économe",
      "Paillage"},
     {"J'entretiens les jardins des particuliers : tonte, taille des haies,"
      " désherbage et soin des massifs.",
      "Je crée et j'entretiens des jardins vivants, économes en eau et sans"
      " produits chimiques.",
      "Je propose des contrats d'entretien à l'année ou des interventions"
      " ponctuelles.",
      "Je valorise les déchets verts sur place en broyat et en paillage.",
      "Je conseille sur le choix de plantes adaptées au sol et au"
      " climat."},
     {"Certiphyto", "CAPa Jardinier paysagiste"},
     {{"Entretien annuel des espaces verts d'une résidence",
       "Syndic de copropriété"},
      {"Création d'un jardin sec", "Particulier"},
      {"Potager pédagogique d'une école", "Commune rurale"}}},
    {"elagueur", "A1201", "81.30Z", 2, 20, 50, REACH_LOCAL,
     {"{Élagueur|Élagueuse}", "{Arboriste grimpeur|Arboriste grimpeuse}",
      "{Grimpeur-élagueur|Grimpeuse-élagueuse}", "Arboriste"},
     {"Élagage", "Taille raisonnée", "Abattage délicat",
      "Démontage d'arbres", "Diagnostic d'arbres", "Broyage", "Haubanage"},
     {"Je taille et je soigne les arbres en respectant leur physiologie.",
      "J'interviens en grimpe pour l'élagage, le démontage et l'abattage"
      " délicat près des habitations.",
      "Chaque intervention commence par un diagnostic de l'état sanitaire"
      " de l'arbre.",
      "Le bois est broyé sur place ou laissé en bûches, selon votre choix.",
      "Je suis {assuré|assurée} pour les travaux en hauteur."},
     {"Certificat de spécialisation Taille et soins des arbres",
      "Certiphyto"},
     {{"Taille raisonnée des platanes d'une place", "Commune rurale"},
      {"Démontage d'un cèdre près d'une maison", "Particulier"},
      {"Diagnostic des arbres d'un parc", "Syndic de copropriété"}}},

    /* ------------------------------------------------------------ crafts */
    {"ceramiste", "B1201", "23.41Z", 2, 20, 60, REACH_REGION,
     {"Céramiste d'art", "{Potier|Potière}",
      "{Tourneur|Tourneuse} en poterie",
      "{Céramiste concepteur|Céramiste conceptrice}"},
     {"Tournage", "Grès", "Porcelaine", "Émaillage",
      "Vaisselle pour restaurants", "Stages de poterie", "Modelage"},
     {"Je façonne dans mon atelier des pièces utilitaires en grès et en"
      " porcelaine.",
      "Je crée de la vaisselle et des objets en céramique, en petites séries"
      " ou sur commande.",
      "Je réalise des services de table sur mesure pour les restaurants.",
      "J'anime aussi des stages d'initiation au tournage.",
      "Mes émaux sont élaborés à l'atelier et sans plomb."},
     {"CAP Tournage en céramique"},
     {{"Service de table d'un restaurant gastronomique", "Restaurant"},
      {"Exposition collective de céramique", "Galerie associative"},
      {"Stages de tournage pour adultes", "Centre social"}}},
    {"bijoutier", "B1603", "32.12Z", 1, 30, 80, REACH_REMOTE,
     {"{Bijoutier|Bijoutière}", "{Bijoutier joaillier|Bijoutière joaillière}",
      "{Bijoutier|Bijoutière} fantaisie", "Orfèvre"},
     {"Création de bijoux", "Argent recyclé", "Alliances sur mesure",
      "Sertissage", "Réparation de bijoux",
      "Transformation de bijoux anciens", "Fonte à la cire perdue"},
     {"Je crée des bijoux en argent et en or recyclés, en pièces uniques ou"
      " en petites séries.",
      "Je dessine et je fabrique des bijoux sur mesure, des alliances aux"
      " pièces de créateur.",
      "Je transforme aussi les bijoux de famille en pièces nouvelles.",
      "Mes créations sont vendues à l'atelier, sur les marchés de créateurs"
      " et en ligne.",
      "Je réalise les réparations courantes : soudures, mises à taille,"
      " fermoirs."},
     {"CAP Art et techniques de la bijouterie-joaillerie"},
     {{"Alliances sur mesure en or recyclé", "Particulier"},
      {"Collection capsule d'une boutique de créateurs",
       "Boutique de créateurs"},
      {"Marché de créateurs de Noël", "Association de commerçants"}}},
    {"tapissier", "B1806", "95.24Z", 1, 20, 60, REACH_REGION,
     {"{Tapissier|Tapissière} d'ameublement",
      "{Tapissier-décorateur|Tapissière-décoratrice}",
      "{Tapissier|Tapissière} en sièges",
      "{Couturier|Couturière} d'ameublement"},
     {"Réfection de sièges", "Garnitures traditionnelles",
      "Rideaux et voilages", "Tentures murales", "Choix de tissus",
      "Coussins sur mesure"},
     {"Je redonne vie aux fauteuils, chaises et canapés, en garniture"
      " traditionnelle ou moderne.",
      "Je réalise rideaux, voilages, coussins et tentures sur mesure.",
      "Je vous conseille sur le choix des tissus, avec des échantillons à"
      " domicile.",
      "Je travaille avec du crin et des fibres naturelles.",
      "Je prends en charge l'enlèvement et la livraison des sièges."},
     {"CAP Tapissier d'ameublement en siège"},
     {{"Réfection de six chaises Louis-Philippe", "Particulier"},
      {"Rideaux occultants d'une salle de spectacle",
       "Association culturelle"},
      {"Banquettes d'un café", "Restaurant"}}},
    {"ebeniste", "H2207", "31.09B", 1, 30, 70, REACH_REGION,
     {"Ébéniste", "Ébéniste d'art",
      "{Restaurateur|Restauratrice} de meubles anciens",
      "{Menuisier-ébéniste|Menuisière-ébéniste}"},
     {"Mobilier sur mesure", "Restauration de meubles", "Marqueterie",
      "Vernis au tampon", "Bois massif", "Design de mobilier"},
     {"Je dessine et je fabrique des meubles sur mesure en bois massif.",
      "Je restaure les meubles anciens dans le respect des techniques"
      " d'origine.",
      "Je travaille des essences locales : chêne, noyer, merisier, frêne.",
      "Chaque pièce est pensée avec vous, du croquis à la finition.",
      "Je pratique aussi la marqueterie et le vernis au tampon."},
     {"CAP Ébéniste", "Brevet des métiers d'art Ébéniste"},
     {{"Table de ferme en chêne massif", "Particulier"},
      {"Restauration d'une commode ancienne", "Particulier"},
      {"Mobilier de l'accueil d'une médiathèque",
       "Communauté de communes"}}},
    {"couturier", "B1803", "14.13Z", 2, 15, 40, REACH_LOCAL,
     {"{Couturier|Couturière}", "{Couturier tailleur|Couturière tailleuse}",
      "{Tailleur|Tailleuse}"},
     {"Couture sur mesure", "Retouches", "Robes de mariée", "Patronage",
      "Upcycling", "Costumes", "Ateliers couture"},
     {"Je crée des vêtements sur mesure, de la prise de mesures aux"
      " essayages.",
      "Je confectionne et je retouche vos vêtements dans mon atelier de"
      " couture.",
      "Je donne une seconde vie aux textiles grâce à l'upcycling.",
      "J'anime aussi des ateliers d'initiation à la couture.",
      "Je réalise des tenues de cérémonie et des robes de mariée."},
     {"CAP Métiers de la mode - vêtement flou"},
     {{"Robe de mariée sur mesure", "Particulier"},
      {"Costumes d'une compagnie de théâtre", "Compagnie de théâtre"},
      {"Ateliers couture zéro déchet", "Centre social"}}},
    {"plasticien", "B1101", "90.03A", 2, 30, 80, REACH_REMOTE,
     {"{Artiste plasticien|Artiste plasticienne}", "Artiste peintre",
      "Peintre en fresque", "Peintre en trompe-l'oeil"},
     {"Fresques murales", "Peinture", "Ateliers artistiques",
      "Trompe-l'œil", "Résidences d'artiste", "Installations",
      "Médiation culturelle"},
     {"Je réalise des fresques et des décors peints pour les lieux publics,"
      " les commerces et les particuliers.",
      "Je développe un travail de peinture et d'installation, exposé en"
      " galerie et dans l'espace public.",
      "J'anime des ateliers artistiques avec les écoles, les centres sociaux"
      " et les maisons de retraite.",
      "Je réponds à des commandes de fresques participatives avec les"
      " habitants d'un quartier.",
      "J'expose régulièrement dans des galeries et des lieux associatifs."},
     {NULL},
     {{"Fresque participative sur un mur de quartier", "Bailleur social"},
      {"Résidence d'artiste en milieu scolaire", "Collège"},
      {"Décor peint d'un restaurant", "Restaurant"}}},

    /* -------------------------------------------------------------- food */
    {"patissier", "D1104", "10.71D", 2, 20, 40, REACH_LOCAL,
     {"{Pâtissier|Pâtissière}",
      "{Pâtissier-chocolatier|Pâtissière-chocolatière}",
      "{Pâtissier-traiteur|Pâtissière-traiteuse}",
      "{Chocolatier|Chocolatière}"},
     {"Gâteaux de fête", "Pièces montées", "Pâtisserie sans gluten",
      "Chocolat", "Viennoiseries", "Buffets sucrés", "Ateliers pâtisserie"},
     {"Je prépare des gâteaux de fête et des buffets sucrés sur commande.",
      "Je fabrique des pâtisseries artisanales avec des produits locaux et"
      " de saison.",
      "Je propose des recettes sans gluten ou sans lactose sur demande.",
      "Je livre pour les mariages, les anniversaires et les événements"
      " d'entreprise.",
      "J'anime aussi des ateliers de pâtisserie pour enfants et adultes."},
     {"CAP Pâtissier", "Formation hygiène alimentaire HACCP"},
     {{"Pièce montée pour un mariage de 120 personnes", "Particulier"},
      {"Buffet sucré d'un séminaire", "PME"},
      {"Ateliers pâtisserie pendant les vacances", "Centre social"}}},
    {"cuisinier", "G1602", "56.21Z", 3, 20, 50, REACH_LOCAL,
     {"{Cuisinier|Cuisinière} à domicile",
      "{Cuisinier traiteur|Cuisinière traiteuse}",
      "{Cuisinier|Cuisinière}"},
     {"Cuisine à domicile", "Traiteur", "Cuisine végétarienne", "Buffets",
      "Cuisine de saison", "Cours de cuisine", "Repas d'entreprise"},
     {"Je cuisine chez vous pour vos repas de famille, vos dîners entre amis"
      " et vos réceptions.",
      "Je prépare des buffets et des repas traiteur à partir de produits"
      " frais, locaux et de saison.",
      "Je compose les menus avec vous, y compris végétariens ou sans"
      " allergènes.",
      "Je m'occupe des courses, du service et de la remise en ordre de la"
      " cuisine.",
      "Je donne aussi des cours de cuisine à domicile."},
     {"Formation hygiène alimentaire HACCP", "CAP Cuisine"},
     {{"Buffet de l'assemblée générale d'une association",
       "Association culturelle"},
      {"Dîner d'anniversaire pour 30 personnes", "Particulier"},
      {"Repas d'un séminaire", "PME"}}},
    {"crepier", "G1604", "56.10C", 1, 20, 50, REACH_LOCAL,
     {"{Crêpier|Crêpière}",
      "{Préparateur-vendeur|Préparatrice-vendeuse} de crêpes",
      "{Crêpier ambulant|Crêpière ambulante}"},
     {"Crêpes et galettes", "Food truck", "Farines bio", "Événements",
      "Marchés", "Mariages"},
     {"Je prépare crêpes et galettes de blé noir devant vos invités, avec"
      " mon camion ou mon stand.",
      "Je sers galettes et crêpes sur les marchés, les fêtes de village et"
      " les événements privés.",
      "J'utilise des farines bio et des produits locaux.",
      "Je me déplace pour les mariages, les anniversaires et les fêtes"
      " d'entreprise.",
      "Je propose des formules à volonté pour les groupes."},
     {"Formation hygiène alimentaire HACCP"},
     {{"Stand crêpes d'un festival de musique", "Association culturelle"},
      {"Soirée crêpes d'un mariage", "Particulier"},
      {"Marché de producteurs estival", "Office de tourisme"}}},

    /* ------------------------------------------------ personal services */
    {"coiffeur", "D1202", "96.02A", 3, 10, 25, REACH_LOCAL,
     {"{Coiffeur|Coiffeuse} à domicile", "{Coiffeur|Coiffeuse} mixte",
      "{Coiffeur|Coiffeuse} visagiste",
      "{Coiffeur barbier|Coiffeuse barbière}"},
     {"Coupe femme", "Coupe homme", "Coloration végétale",
      "Coiffure de mariée", "Coupe enfant", "Taille de barbe",
      "Coiffure en maison de retraite"},
     {"Je me déplace à domicile pour la coupe, la couleur et le coiffage de"
      " toute la famille.",
      "Je coiffe à domicile et en établissement, avec des colorations"
      " végétales.",
      "Je coiffe aussi les mariées et leurs invités le jour J.",
      "J'interviens régulièrement en maison de retraite.",
      "Je propose des rendez-vous en soirée et le samedi."},
     {"BP Coiffure", "CAP Coiffure"},
     {{"Coiffure d'une mariée et de ses témoins", "Particulier"},
      {"Permanences de coiffure en maison de retraite", "EHPAD associatif"},
      {NULL, NULL}}},
    {"estheticien", "D1208", "96.02B", 3, 10, 30, REACH_LOCAL,
     {"{Esthéticien|Esthéticienne}", "{Esthéticien|Esthéticienne} à domicile",
      "Prothésiste ongulaire",
      "{Socio-esthéticien|Socio-esthéticienne}"},
     {"Soins du visage", "Épilation", "Manucure", "Maquillage",
      "Cosmétiques bio", "Socio-esthétique", "Modelages"},
     {"Je propose des soins esthétiques à domicile : visage, épilation,"
      " manucure et maquillage.",
      "Je prends soin de vous avec des cosmétiques bio et des protocoles"
      " doux.",
      "J'interviens aussi en socio-esthétique auprès de personnes"
      " fragilisées.",
      "Je propose des forfaits pour les mariées et leurs proches.",
      "Je travaille sur rendez-vous, du mardi au samedi."},
     {"CAP Esthétique cosmétique parfumerie", "BTS Métiers de l'esthétique"},
     {{"Mise en beauté pour un mariage", "Particulier"},
      {"Ateliers de socio-esthétique", "Centre hospitalier"},
      {NULL, NULL}}},
    {"sophrologue", "K1103", "96.09Z", 3, 15, 40, REACH_LOCAL,
     {"Sophrologue", "Relaxologue", "Coach en développement personnel"},
     {"Sophrologie", "Gestion du stress", "Préparation aux examens",
      "Troubles du sommeil", "Relaxation", "Séances en entreprise",
      "Ateliers collectifs"},
     {"J'accompagne enfants et adultes par la sophrologie : stress,"
      " sommeil, préparation aux examens.",
      "Je propose des séances individuelles et des ateliers collectifs de"
      " relaxation et de gestion du stress.",
      "J'interviens aussi en entreprise pour des ateliers de prévention du"
      " stress.",
      "Les séances ont lieu au cabinet, à domicile ou en visioconférence.",
      "Ma pratique ne remplace pas un suivi médical."},
     {"Titre RNCP Sophrologue"},
     {{"Ateliers de gestion du stress pour une équipe", "PME"},
      {"Séances collectives de relaxation", "Centre social"},
      {"Préparation aux examens de lycéens", "Lycée professionnel"}}},
    {"shiatsu", "K1103", "96.04Z", 2, 15, 40, REACH_LOCAL,
     {"{Praticien|Praticienne} en shiatsu",
      "{Intervenant|Intervenante} en réflexologie plantaire"},
     {"Shiatsu", "Réflexologie plantaire", "Détente", "Massages bien-être",
      "Séances à domicile", "Séances en entreprise"},
     {"Je propose des séances de shiatsu et de réflexologie plantaire pour"
      " la détente et le bien-être.",
      "J'accompagne chacun vers plus de détente par le toucher : shiatsu,"
      " réflexologie et massages bien-être.",
      "Je reçois au cabinet et je me déplace à domicile.",
      "J'interviens aussi en entreprise pour des séances courtes sur"
      " chaise.",
      "Mes séances sont des soins de bien-être, sans visée médicale."},
     {"Formation de praticien shiatsu en trois ans"},
     {{"Shiatsu sur chaise en entreprise", "PME"},
      {"Journée bien-être d'une association", "Association de quartier"},
      {NULL, NULL}}},
    {"menage", "K1304", "88.10A", 3, 10, 20, REACH_LOCAL,
     {"{Aide ménager|Aide ménagère} à domicile",
      "{Employé|Employée} de maison", "Aide à domicile",
      "{Gouvernant|Gouvernante} à domicile"},
     {"Ménage", "Repassage", "Entretien du linge", "Courses",
      "Préparation de repas", "Aide aux personnes âgées",
      "Produits écologiques"},
     {"J'entretiens votre logement : ménage, repassage et entretien du"
      " linge.",
      "Je vous aide au quotidien à domicile : entretien de la maison, linge,"
      " courses et repas.",
      "J'utilise des produits ménagers écologiques.",
      "Mes prestations ouvrent droit au crédit d'impôt pour l'emploi à"
      " domicile.",
      "J'interviens chaque semaine ou ponctuellement, selon vos besoins."},
     {"Titre professionnel Assistant de vie aux familles"},
     {{"Ménage hebdomadaire chez une personne âgée", "Particulier"},
      {"Entretien d'un gîte entre deux locations", "Gîte rural"},
      {NULL, NULL}}},
    {"proprete", "K2204", "81.21Z", 3, 10, 30, REACH_LOCAL,
     {"{Agent|Agente} de propreté de locaux",
      "{Nettoyeur polyvalent|Nettoyeuse polyvalente} de locaux",
      "{Agent|Agente} de propreté et d'hygiène"},
     {"Nettoyage de bureaux", "Cabinets médicaux", "Vitres",
      "Nettoyage de fin de chantier", "Produits écolabellisés",
      "Remise en état", "Parties communes"},
     {"J'assure le nettoyage de bureaux, de commerces et de cabinets"
      " médicaux.",
      "J'entretiens les locaux professionnels et les parties communes"
      " d'immeubles.",
      "J'utilise des produits écolabellisés et du matériel à microfibres.",
      "J'interviens tôt le matin ou en soirée pour ne pas gêner votre"
      " activité.",
      "Je réalise aussi les nettoyages de fin de chantier."},
     {"CQP Agent machiniste classique"},
     {{"Entretien des bureaux d'une agence d'architecture",
       "Cabinet d'architectes"},
      {"Nettoyage de fin de chantier d'une maison neuve",
       "Entreprise du bâtiment"},
      {"Entretien des parties communes d'une résidence",
       "Syndic de copropriété"}}},
    {"coach-sportif", "G1204", "85.51Z", 2, 10, 30, REACH_LOCAL,
     {"{Coach sportif|Coach sportive}",
      "{Éducateur sportif|Éducatrice sportive}",
      "{Préparateur|Préparatrice} physique",
      "{Moniteur|Monitrice} de fitness musculation"},
     {"Coaching à domicile", "Renforcement musculaire", "Remise en forme",
      "Sport santé", "Préparation physique", "Cours en plein air",
      "Pilates"},
     {"J'accompagne la remise en forme à domicile, en extérieur ou en"
      " salle.",
      "Je propose du coaching sportif individuel et des cours collectifs en"
      " plein air.",
      "Chaque programme est adapté à votre condition physique et à vos"
      " objectifs.",
      "J'interviens aussi en sport santé auprès de personnes atteintes de"
      " maladies chroniques.",
      "Je propose des séances en entreprise, à la pause de midi."},
     {"BPJEPS Activités de la forme",
      "Carte professionnelle d'éducateur sportif",
      "Licence STAPS Activité physique adaptée"},
     {{"Cours collectifs de remise en forme", "Comité social et"
       " économique"},
      {"Programme sport santé", "Maison de santé"},
      {"Préparation physique d'une équipe amateur", "Club sportif"}}},
    {"educateur-canin", "A1408", "96.09Z", 1, 15, 40, REACH_LOCAL,
     {"{Éducateur canin|Éducatrice canine}",
      "{Dresseur|Dresseuse} de chiens"},
     {"Éducation canine", "Comportement", "Cours à domicile", "Chiots",
      "Rappel", "Marche en laisse"},
     {"J'accompagne les maîtres et leurs chiens avec des méthodes"
      " d'éducation bienveillantes.",
      "Je donne des cours d'éducation canine à domicile et en petits"
      " groupes.",
      "J'aide à résoudre les difficultés du quotidien : rappel, marche en"
      " laisse, aboiements.",
      "Je propose aussi des séances pour bien accueillir un chiot.",
      "Je travaille sans collier étrangleur ni méthode coercitive."},
     {"ACACED", "BP Éducateur canin"},
     {{"Cours collectifs pour chiots", "Club canin"},
      {"Accompagnement d'un chien adopté en refuge", "Particulier"},
      {NULL, NULL}}},
    {"yoga", "G1202", "85.51Z", 2, 10, 30, REACH_LOCAL,
     {"{Professeur|Professeure} de yoga",
      "{Enseignant|Enseignante} de yoga"},
     {"Hatha yoga", "Yoga doux", "Yoga prénatal", "Méditation",
      "Respiration", "Cours en entreprise", "Stages"},
     {"J'enseigne le hatha yoga en cours collectifs et en séances"
      " individuelles.",
      "Je propose des cours de yoga doux, accessibles à tous les âges et à"
      " tous les corps.",
      "Je donne aussi des cours de yoga prénatal.",
      "J'interviens en entreprise et en association.",
      "J'organise des stages d'un week-end à la campagne."},
     {"Formation de professeur de yoga (500 heures)"},
     {{"Cours hebdomadaires de yoga", "Association de quartier"},
      {"Yoga en entreprise", "PME"},
      {NULL, NULL}}},
    {"depannage-info", "I1401", "95.11Z", 2, 15, 40, REACH_LOCAL,
     {"{Technicien|Technicienne} de maintenance en informatique",
      "{Dépanneur|Dépanneuse} en micro-informatique grand public",
      "{Technicien|Technicienne} en micro-informatique et réseaux"},
     {"Dépannage informatique", "Box et réseaux", "Sauvegardes",
      "Logiciels libres", "Récupération de données",
      "Initiation au numérique", "Parc informatique de TPE"},
     {"Je dépanne ordinateurs, imprimantes et réseaux à domicile et dans les"
      " petites entreprises.",
      "J'installe, j'entretiens et je sécurise le matériel informatique des"
      " particuliers et des TPE.",
      "Je redonne vie aux ordinateurs anciens grâce aux logiciels libres.",
      "J'accompagne les personnes peu à l'aise avec le numérique, à leur"
      " rythme.",
      "Je mets en place des sauvegardes simples et fiables."},
     {"CompTIA A+"},
     {{"Parc informatique d'un cabinet infirmier", "Cabinet infirmier"},
      {"Reconditionnement d'ordinateurs", "Association d'insertion"},
      {"Ateliers d'initiation au numérique", "Médiathèque municipale"}}},
    {"velo", "I1607", "95.29Z", 2, 10, 25, REACH_LOCAL,
     {"{Mécanicien-réparateur|Mécanicienne-réparatrice} de cycles",
      "{Technicien-réparateur|Technicienne-réparatrice} de cycles"},
     {"Réparation de vélos", "Vélos électriques", "Entretien à domicile",
      "Vélos cargos", "Révisions", "Flottes d'entreprise",
      "Ateliers d'autoréparation"},
     {"Je répare et j'entretiens les vélos à domicile ou sur le lieu de"
      " travail, avec mon atelier mobile.",
      "J'entretiens vélos classiques, électriques et cargos, de la crevaison"
      " à la révision complète.",
      "J'assure l'entretien de flottes de vélos d'entreprises et de"
      " collectivités.",
      "J'anime aussi des ateliers d'autoréparation.",
      "J'utilise des pièces d'occasion quand c'est possible."},
     {"CQP Technicien cycles"},
     {{"Entretien d'une flotte de vingt vélos de service",
       "Communauté de communes"},
      {"Ateliers d'autoréparation", "Association de quartier"},
      {NULL, NULL}}},

    /* ------------------------------------- communication, arts, media */
    {"graphiste", "E1205", "74.10Z", 5, 20, 60, REACH_REMOTE,
     {"{Graphiste concepteur|Graphiste conceptrice}",
      "{Designer graphique|Designeuse graphique}",
      "{Illustrateur|Illustratrice} graphiste", "Graphiste multimédia"},
     {"Identité visuelle", "Logos", "Mise en page", "Affiches",
      "Illustration", "Impression", "Adobe InDesign", "Chartes graphiques"},
     {"Je crée des identités visuelles : logos, chartes graphiques, cartes"
      " de visite et supports imprimés.",
      "Je conçois les supports de communication des associations, des"
      " artisans et des PME.",
      "Je suis le travail jusqu'à l'impression, avec des imprimeurs"
      " locaux.",
      "Je travaille par étapes, avec deux ou trois pistes graphiques au"
      " départ.",
      "Je réalise aussi des illustrations et des affiches."},
     {NULL},
     {{"Identité visuelle d'une épicerie coopérative",
       "Épicerie coopérative"},
      {"Affiches d'une saison culturelle", "Association culturelle"},
      {"Rapport d'activité", "Association d'éducation populaire"}}},
    {"webdesign", "E1205", "74.10Z", 3, 20, 60, REACH_REMOTE,
     {"Web designer", "UX designer", "UI designer",
      "{Intégrateur|Intégratrice} multimédia"},
     {"Webdesign", "UX design", "Maquettes Figma", "WordPress",
      "Accessibilité", "Responsive design", "Ergonomie"},
     {"Je conçois des sites web clairs, accessibles et adaptés aux"
      " mobiles.",
      "Je dessine les interfaces de sites et d'applications, des parcours"
      " utilisateurs aux maquettes.",
      "Je travaille sur Figma et je livre des maquettes prêtes à"
      " intégrer.",
      "Je forme mes clients à la mise à jour de leur site.",
      "Je porte une attention particulière à l'accessibilité et à la"
      " sobriété numérique."},
     {"Certification Opquast"},
     {{"Refonte du site d'un réseau d'AMAP", "Réseau associatif"},
      {"Maquettes d'une application de covoiturage", "Start-up"},
      {"Site vitrine d'un artisan", "Artisan"}}},
    {"redacteur", "E1104", "73.11Z", 2, 20, 60, REACH_REMOTE,
     {"{Rédacteur|Rédactrice} web",
      "{Concepteur rédacteur|Conceptrice rédactrice} communication",
      "{Concepteur rédacteur|Conceptrice rédactrice} publicitaire"},
     {"Rédaction web", "Référencement naturel", "Storytelling",
      "Newsletters", "Slogans", "Articles de blog", "Fiches produits"},
     {"J'écris les textes de vos sites, newsletters et brochures, dans un"
      " style clair et vivant.",
      "Je conçois des messages et des slogans pour les campagnes de"
      " communication.",
      "J'optimise les contenus pour le référencement naturel sans sacrifier"
      " la lecture.",
      "Je travaille souvent en binôme avec des graphistes de la"
      " coopérative.",
      "Je m'adapte au ton de chaque marque."},
     {NULL},
     {{"Contenus du site d'une coopérative agricole", "Coopérative agricole"},
      {"Newsletter mensuelle", "Association d'éducation populaire"},
      {"Campagne de recrutement de bénévoles", "Association humanitaire"}}},
    {"communication", "E1103", "70.21Z", 3, 30, 80, REACH_REGION,
     {"{Chargé|Chargée} de communication",
      "{Consultant|Consultante} en communication",
      "{Attaché|Attachée} de presse",
      "{Chargé|Chargée} des relations presse"},
     {"Stratégie de communication", "Relations presse",
      "Plan de communication", "Communication associative", "Événements",
      "Réseaux sociaux", "Communiqués de presse"},
     {"J'aide les associations, les collectivités et les PME à définir et à"
      " mener leur communication.",
      "Je prends en charge les relations presse : communiqués, dossiers de"
      " presse et contacts avec les journalistes.",
      "J'interviens en renfort ponctuel ou sur une mission longue.",
      "Je m'appuie sur un réseau de graphistes, de photographes et de"
      " vidéastes.",
      "Je forme aussi les équipes à la prise de parole."},
     {NULL},
     {{"Plan de communication d'un festival", "Association culturelle"},
      {"Relations presse d'une inauguration", "Communauté de communes"},
      {"Campagne de financement participatif", "Brasserie artisanale"}}},
    {"community", "E1101", "70.21Z", 3, 20, 60, REACH_REMOTE,
     {"Community manager",
      "{Animateur|Animatrice} de communauté virtuelle",
      "{Animateur|Animatrice} web"},
     {"Réseaux sociaux", "Instagram", "LinkedIn", "Calendrier éditorial",
      "Création de visuels", "Modération", "Statistiques d'audience"},
     {"J'anime les réseaux sociaux des commerces, des artisans et des"
      " associations.",
      "Je construis votre calendrier éditorial et je crée des publications"
      " adaptées à chaque réseau.",
      "Je forme aussi les équipes à gérer leurs comptes en autonomie.",
      "Je fournis chaque mois un bilan des statistiques et des pistes"
      " d'amélioration.",
      "Je privilégie une communication sincère plutôt que la course aux"
      " abonnés."},
     {NULL},
     {{"Animation des réseaux d'une librairie", "Librairie indépendante"},
      {"Lancement d'une boutique en ligne",
       "Marque de vêtements éthiques"},
      {"Formation des bénévoles aux réseaux sociaux",
       "Association humanitaire"}}},
    {"photographe", "E1201", "74.20Z", 4, 30, 80, REACH_REGION,
     {"Photographe", "Photographe de reportage", "Photographe de portrait",
      "Photographe d'architecture"},
     {"Reportage", "Portrait", "Photographie d'entreprise", "Mariages",
      "Packshot", "Retouche", "Photographie culinaire"},
     {"Je réalise des reportages photo pour les entreprises, les"
      " associations et les collectivités.",
      "Je photographie les personnes, les lieux et les savoir-faire, en"
      " lumière naturelle.",
      "Je livre des images retouchées, prêtes pour le web et"
      " l'impression.",
      "Je couvre aussi les mariages et les événements familiaux.",
      "Je me déplace avec un studio mobile pour les portraits d'équipe."},
     {NULL},
     {{"Portraits de l'équipe d'une PME", "PME"},
      {"Reportage sur les métiers d'art", "Chambre de métiers"},
      {"Photos d'architecture d'une médiathèque", "Cabinet d'architectes"}}},
    {"traducteur", "E1108", "74.30Z", 3, 30, 80, REACH_REMOTE,
     {"{Traducteur|Traductrice}",
      "{Traducteur technique|Traductrice technique}",
      "{Traducteur-interprète|Traductrice-interprète}",
      "{Traducteur|Traductrice} littéraire"},
     {"Anglais", "Espagnol", "Allemand", "Italien",
      "Localisation de sites web", "Relecture", "Interprétariat de liaison",
      "Sous-titrage"},
     {"Je traduis vers le français des documents techniques, commerciaux et"
      " institutionnels.",
      "Je traduis et j'adapte sites web, brochures et rapports pour les"
      " entreprises et les associations.",
      "Je travaille avec des outils de traduction assistée et des glossaires"
      " propres à chaque client.",
      "Chaque traduction est relue avant livraison.",
      "J'assure aussi l'interprétariat de liaison lors de rendez-vous"
      " professionnels."},
     {"{Traducteur expert|Traductrice experte} près la cour d'appel",
      "Master de traduction spécialisée"},
     {{"Traduction du site d'un domaine viticole", "Domaine viticole"},
      {"Rapport d'activité d'une ONG", "Association humanitaire"},
      {"Notices techniques de machines agricoles", "PME industrielle"}}},
    {"biographe", "E1102", "90.03B", 1, 30, 80, REACH_REMOTE,
     {"Biographe", "{Écrivain public|Écrivaine publique}",
      "{Auteur écrivain|Auteure écrivaine}"},
     {"Récits de vie", "Biographies familiales", "Courriers administratifs",
      "Ateliers d'écriture", "Livres d'entreprise", "Correction"},
     {"J'écris les récits de vie de particuliers, à partir d'entretiens"
      " enregistrés.",
      "J'aide à rédiger courriers, dossiers et récits, pour les particuliers"
      " comme pour les associations.",
      "Chaque livre est remis en quelques exemplaires imprimés et reliés.",
      "J'anime aussi des ateliers d'écriture en médiathèque et en maison de"
      " retraite.",
      "J'écris l'histoire d'entreprises et d'associations pour leurs"
      " anniversaires."},
     {NULL},
     {{"Biographie d'un ancien agriculteur", "Particulier"},
      {"Livre des 50 ans d'une association", "Association sportive"},
      {"Ateliers d'écriture", "Médiathèque municipale"}}},
    {"journaliste", "E1106", NULL, 1, 30, 80, REACH_REMOTE,
     {"Journaliste", "Pigiste", "Journaliste web",
      "{Journaliste rédacteur|Journaliste rédactrice}"},
     {"Reportage", "Interviews", "Presse écrite", "Podcasts",
      "Journalisme de solutions", "Magazines", "Vérification des faits"},
     {"Je propose des reportages et des enquêtes aux journaux, magazines et"
      " sites d'information.",
      "Je travaille à la pige pour la presse régionale et spécialisée.",
      "Je réalise aussi des magazines et des lettres d'information pour des"
      " collectivités et des associations.",
      "Je m'intéresse particulièrement à l'économie sociale, à"
      " l'environnement et aux territoires ruraux.",
      "Je produis aussi des podcasts."},
     {"Carte de presse"},
     {{"Série de reportages sur les tiers-lieux", "Magazine régional"},
      {"Magazine municipal", "Commune rurale"},
      {"Podcast sur les métiers du soin", "Association de patients"}}},
    {"correcteur", "E1305", "90.03B", 1, 30, 80, REACH_REMOTE,
     {"{Correcteur|Correctrice}", "{Correcteur|Correctrice} d'édition",
      "{Lecteur-correcteur|Lectrice-correctrice}",
      "{Correcteur-réviseur|Correctrice-réviseuse}"},
     {"Correction orthotypographique", "Relecture de romans",
      "Mémoires et thèses", "Préparation de copie", "Rapports",
      "Sites web"},
     {"Je corrige et je relis romans, essais, rapports et mémoires.",
      "Je relis vos textes avant publication : orthographe, grammaire,"
      " typographie et cohérence.",
      "Je travaille pour des maisons d'édition, des associations et des"
      " particuliers.",
      "Je rends le texte corrigé en suivi des modifications, avec mes"
      " remarques.",
      "Je respecte les délais serrés des bouclages."},
     {NULL},
     {{"Correction d'un roman de 300 pages",
       "Maison d'édition indépendante"},
      {"Relecture d'une thèse de doctorat", "Particulier"},
      {"Correction d'un rapport annuel", "Fondation"}}},
    {"evenementiel", "E1107", "82.30Z", 2, 40, 80, REACH_REGION,
     {"{Organisateur|Organisatrice} de mariages et de séminaires",
      "Wedding planner", "Chef de projet évènementiel",
      "{Régisseur|Régisseuse} d'évènementiel"},
     {"Organisation de mariages", "Séminaires",
      "Coordination de prestataires", "Gestion de budget", "Logistique",
      "Événements écoresponsables", "Recherche de lieux"},
     {"J'organise mariages, séminaires et fêtes de famille, de la recherche"
      " du lieu au jour J.",
      "Je coordonne les événements d'entreprises et d'associations : lieux,"
      " traiteurs, technique et accueil.",
      "Je travaille avec des prestataires locaux et je limite l'empreinte"
      " des événements.",
      "Je tiens le budget et le planning à jour dans un document partagé.",
      "Le jour de l'événement, je suis sur place du montage au"
      " démontage."},
     {NULL},
     {{"Séminaire de deux jours pour 80 personnes", "PME"},
      {"Mariage champêtre de 150 invités", "Particulier"},
      {"Fête des 20 ans d'une association", "Association culturelle"}}},
    {"videaste", "L1304", "59.11B", 3, 40, 80, REACH_REGION,
     {"{Réalisateur|Réalisatrice} de film d'entreprise",
      "{Réalisateur audiovisuel|Réalisatrice audiovisuelle}",
      "Documentariste", "{Réalisateur|Réalisatrice} de documentaire"},
     {"Films d'entreprise", "Tournage", "Montage vidéo", "Documentaires",
      "Interviews filmées", "Vidéos pour les réseaux sociaux",
      "Motion design"},
     {"Je réalise des films d'entreprise, des portraits et des vidéos pour"
      " les réseaux sociaux.",
      "Je filme et je monte des documentaires courts sur les initiatives des"
      " territoires.",
      "Je prends en charge toute la chaîne : écriture, tournage, montage et"
      " sous-titrage.",
      "Je travaille en petite équipe, discrète sur les tournages.",
      "Je livre des versions adaptées à chaque diffusion."},
     {NULL},
     {{"Film de présentation d'une entreprise d'insertion",
       "Entreprise d'insertion"},
      {"Documentaire de 26 minutes sur une vallée",
       "Parc naturel régional"},
      {"Vidéos d'une campagne de recrutement",
       "Collectivité territoriale"}}},
    {"monteur", "L1507", "59.12Z", 1, 30, 80, REACH_REMOTE,
     {"{Monteur|Monteuse} vidéo",
      "{Monteur audiovisuel|Monteuse audiovisuelle}",
      "{Monteur|Monteuse} son", "{Étalonneur|Étalonneuse} numérique"},
     {"Montage vidéo", "DaVinci Resolve", "Adobe Premiere", "Étalonnage",
      "Mixage son", "Sous-titrage", "Podcasts"},
     {"Je monte films documentaires, vidéos d'entreprise et contenus pour"
      " le web.",
      "J'assure la post-production de vos vidéos : montage, étalonnage,"
      " mixage et sous-titres.",
      "Je travaille à distance, avec des échanges de fichiers sécurisés.",
      "Je propose plusieurs allers-retours de validation avant la version"
      " finale.",
      "Je monte aussi des podcasts."},
     {NULL},
     {{"Montage d'un documentaire de 52 minutes", "Société de production"},
      {"Post-production de vidéos pédagogiques", "Organisme de formation"},
      {"Montage d'un podcast mensuel", "Association culturelle"}}},
    {"musicien", "L1202", "90.01Z", 2, 40, 80, REACH_REGION,
     {"{Musicien|Musicienne}", "{Chanteur|Chanteuse}",
      "{Musicien-accompagnateur|Musicienne-accompagnatrice}",
      "{Auteur-compositeur-interprète|Auteure-compositrice-interprète}"},
     {"Concerts", "Animation de mariages", "Guitare", "Piano", "Chant",
      "Interventions en milieu scolaire", "Musique pour l'image"},
     {"Je joue en concert, en solo ou en formation, pour les festivals, les"
      " mariages et les événements.",
      "J'écris et j'interprète des chansons, sur scène et en studio.",
      "J'interviens aussi dans les écoles et les médiathèques pour des"
      " projets musicaux.",
      "Je compose des musiques originales pour des films et des"
      " spectacles.",
      "Je propose des répertoires adaptés à chaque événement."},
     {NULL},
     {{"Concert d'ouverture d'un festival", "Association culturelle"},
      {"Projet musical avec trois classes", "École élémentaire"},
      {"Musique originale d'un court métrage", "Société de production"}}},

    /* ---------------------------------------------------------------- IT */
    {"developpeur", "M1805", "62.01Z", 4, 30, 80, REACH_REMOTE,
     {"{Développeur|Développeuse} web",
      "{Développeur|Développeuse} informatique",
      "{Développeur|Développeuse} d'application",
      "{Analyste développeur|Analyste développeuse}"},
     {"Python", "JavaScript", "PHP", "Développement web", "API",
      "Bases de données", "Logiciels libres", "Applications mobiles"},
     {"Je développe des sites et des applications web sur mesure pour les"
      " PME et les associations.",
      "Je conçois et je maintiens des applications métier, du recueil des"
      " besoins à la mise en production.",
      "Je privilégie les logiciels libres et un code maintenable, documenté"
      " et testé.",
      "Je travaille à distance et je me déplace pour les ateliers de"
      " lancement.",
      "J'assure la maintenance et l'hébergement des applications que je"
      " livre."},
     {NULL},
     {{"Application de gestion des adhésions", "Réseau associatif"},
      {"Boutique en ligne d'un torréfacteur", "Torréfacteur artisanal"},
      {"Outil de planification des tournées",
       "Entreprise de livraison à vélo"}}},
    {"consultant-si", "M1806", "62.02A", 2, 40, 80, REACH_REMOTE,
     {"{Consultant|Consultante} en système d'information", "Product Owner",
      "{Consultant|Consultante} informatique"},
     {"Cahier des charges", "Choix de logiciels", "Gestion de projet",
      "Conduite du changement", "ERP", "Méthodes agiles",
      "Logiciels libres"},
     {"J'aide les PME et les associations à choisir et à déployer les bons"
      " outils informatiques.",
      "Je rédige les cahiers des charges et j'accompagne vos projets"
      " informatiques jusqu'à la mise en service.",
      "Je facilite le dialogue entre les équipes métier et les"
      " développeurs.",
      "Je forme les utilisateurs et j'accompagne le changement.",
      "Je n'ai aucun lien commercial avec les éditeurs que je"
      " recommande."},
     {NULL},
     {{"Choix d'un logiciel de gestion", "Épicerie coopérative"},
      {"Déploiement d'un ERP", "PME industrielle"},
      {"Schéma directeur informatique", "Fédération d'associations"}}},
    {"accessibilite", "M1806", "62.02A", 1, 40, 80, REACH_REMOTE,
     {"{Consultant|Consultante} en accessibilité numérique"},
     {"RGAA", "Audits d'accessibilité", "Formation des équipes",
      "Lecteurs d'écran", "Conception inclusive", "Documents accessibles"},
     {"Je réalise des audits d'accessibilité de sites et d'applications"
      " selon le RGAA.",
      "J'accompagne les organisations pour rendre leurs services numériques"
      " accessibles à tous.",
      "Je forme les équipes de conception et de développement.",
      "Je teste avec des lecteurs d'écran et avec des personnes en situation"
      " de handicap.",
      "Je remets un rapport priorisé et des recommandations concrètes."},
     {"Certification Opquast"},
     {{"Audit RGAA du site d'une collectivité", "Collectivité territoriale"},
      {"Formation accessibilité d'une équipe de développeurs", "Start-up"},
      {NULL, NULL}}},
    {"geomaticien", "M1808", "71.12B", 1, 40, 80, REACH_REMOTE,
     {"{Géomaticien|Géomaticienne}", "Cartographe",
      "{Chargé|Chargée} d'études SIG"},
     {"QGIS", "PostGIS", "Cartographie", "Analyse spatiale",
      "Données ouvertes", "Cartes interactives"},
     {"Je produis des cartes et des analyses géographiques pour les"
      " collectivités, les bureaux d'études et les associations.",
      "Je structure et j'analyse vos données géographiques avec QGIS et"
      " PostGIS.",
      "Je réalise des cartes interactives pour le web.",
      "Je forme aussi les équipes à QGIS.",
      "Je travaille volontiers avec les données ouvertes."},
     {NULL},
     {{"Atlas des mobilités d'une intercommunalité",
       "Communauté de communes"},
      {"Carte interactive des circuits courts", "Réseau associatif"},
      {"Formation QGIS", "Bureau d'études"}}},

    /* ------------------------------------------- consulting and support */
    {"consultant", "M1402", "70.22Z", 2, 40, 80, REACH_REGION,
     {"{Consultant|Consultante} en organisation",
      "{Consultant|Consultante} en management",
      "{Chargé|Chargée} de mission RSE",
      "{Conseiller|Conseillère} en conduite du changement"},
     {"Organisation du travail", "Gouvernance partagée",
      "Conduite du changement", "Facilitation", "RSE",
      "Animation de séminaires", "Diagnostic organisationnel"},
     {"J'accompagne les PME, les associations et les coopératives dans"
      " l'évolution de leur organisation.",
      "J'aide les équipes à clarifier leurs rôles, leur gouvernance et leurs"
      " façons de décider.",
      "J'anime des séminaires et des ateliers de facilitation.",
      "Je réalise un diagnostic partagé avant toute recommandation.",
      "J'interviens aussi sur la démarche RSE des petites entreprises."},
     {NULL},
     {{"Passage à la gouvernance partagée",
       "Association d'éducation populaire"},
      {"Diagnostic organisationnel", "PME industrielle"},
      {"Démarche RSE", "Entreprise du bâtiment"}}},
    {"comptable", "M1203", "69.20Z", 2, 30, 60, REACH_REGION,
     {"Comptable", "{Assistant|Assistante} comptable",
      "{Comptable général|Comptable générale}"},
     {"Saisie comptable", "Facturation", "Rapprochements bancaires",
      "Suivi de trésorerie", "Paie", "Tableaux de bord",
      "Logiciels de comptabilité"},
     {"Je prends en charge la saisie comptable, la facturation et le suivi"
      " de trésorerie des TPE et des associations.",
      "J'aide les petites structures à tenir leur comptabilité au quotidien"
      " et à préparer le bilan avec leur expert-comptable.",
      "Je mets en place des tableaux de bord simples pour suivre"
      " l'activité.",
      "Je travaille sur place ou à distance, selon vos habitudes.",
      "Je forme aussi les trésoriers bénévoles."},
     {NULL},
     {{"Comptabilité d'une association sportive", "Association sportive"},
      {"Suivi de trésorerie", "Épicerie coopérative"},
      {"Formation des trésoriers bénévoles", "Fédération d'associations"}}},
    {"secretaire", "M1607", "82.11Z", 2, 20, 50, REACH_REGION,
     {"{Secrétaire polyvalent|Secrétaire polyvalente}", "Télésecrétaire",
      "{Assistant administratif|Assistante administrative}", "Secrétaire"},
     {"Secrétariat", "Gestion d'agenda", "Télésecrétariat",
      "Devis et factures", "Mise en forme de documents", "Classement",
      "Relances clients"},
     {"J'assure le secrétariat des artisans, des professions libérales et"
      " des petites entreprises.",
      "Je prends en charge vos tâches administratives : agenda, devis,"
      " factures, courriers et relances.",
      "Je travaille à distance ou quelques demi-journées par semaine dans"
      " vos locaux.",
      "Je m'adapte à vos outils et à vos logiciels.",
      "Je garantis la confidentialité des informations qui me sont"
      " confiées."},
     {NULL},
     {{"Secrétariat d'un cabinet de kinésithérapie",
       "Cabinet de kinésithérapie"},
      {"Gestion administrative d'un artisan électricien", "Artisan"},
      {"Organisation d'un congrès", "Fédération d'associations"}}},
    {"marketing", "M1705", "73.11Z", 2, 40, 80, REACH_REMOTE,
     {"{Consultant|Consultante} marketing", "Responsable marketing digital",
      "Web marketer", "{Chargé|Chargée} d'acquisition online"},
     {"Stratégie marketing", "Référencement", "Publicité en ligne",
      "Emailing", "Études de marché", "Marketing de contenu",
      "Analyse d'audience"},
     {"J'aide les petites entreprises à construire leur stratégie marketing"
      " et à trouver leurs clients.",
      "Je pilote le marketing digital : référencement, campagnes, emailing"
      " et analyse des résultats.",
      "Je commence toujours par une étude de marché et une analyse de la"
      " concurrence.",
      "Je transmets mes méthodes pour que vous gardiez la main.",
      "Je travaille beaucoup avec des entreprises de l'économie sociale et"
      " solidaire."},
     {NULL},
     {{"Plan marketing d'une brasserie artisanale", "Brasserie artisanale"},
      {"Campagnes d'emailing", "Boutique en ligne"},
      {"Étude de marché d'un tiers-lieu", "Tiers-lieu associatif"}}},
    {"rh", "M1502", "70.22Z", 2, 40, 80, REACH_REGION,
     {"{Consultant|Consultante} en recrutement",
      "{Consultant|Consultante} en gestion des ressources humaines",
      "{Chargé|Chargée} de recrutement",
      "Coach en développement des compétences"},
     {"Recrutement", "Entretiens annuels", "Fiches de poste",
      "Marque employeur", "GPEC", "Intégration des nouveaux salariés",
      "Formation des managers"},
     {"J'accompagne les TPE et les associations dans leurs recrutements, de"
      " la fiche de poste à l'intégration.",
      "J'aide les petites structures à organiser leur gestion des"
      " ressources humaines.",
      "Je mets en place des entretiens annuels utiles et simples.",
      "Je conseille aussi les dirigeants sur la qualité de vie au"
      " travail.",
      "Je fais le lien avec les acteurs de l'emploi du territoire."},
     {NULL},
     {{"Recrutement de trois techniciens", "PME industrielle"},
      {"Mise en place des entretiens annuels",
       "Association d'aide à domicile"},
      {"Formation des managers de proximité", "Entreprise d'insertion"}}},
    {"etudes", "M1403", "73.20Z", 1, 40, 80, REACH_REMOTE,
     {"Data analyst", "{Chargé|Chargée} d'études statistiques",
      "{Chargé|Chargée} d'études socio-économiques",
      "{Statisticien|Statisticienne}"},
     {"Analyse de données", "Enquêtes", "R", "Python", "Tableaux de bord",
      "Questionnaires", "Visualisation de données",
      "Évaluation de politiques publiques"},
     {"Je conçois et j'analyse des enquêtes pour les collectivités, les"
      " associations et les entreprises.",
      "Je transforme vos données en analyses claires et en tableaux de bord"
      " utiles.",
      "Je travaille avec R et Python et je livre des résultats"
      " reproductibles.",
      "Je réalise aussi des évaluations de dispositifs publics.",
      "Je présente les résultats en ateliers pour faciliter les"
      " décisions."},
     {NULL},
     {{"Enquête de satisfaction auprès de 2 000 usagers",
       "Syndicat de transport"},
      {"Évaluation d'un dispositif d'insertion",
       "Collectivité territoriale"},
      {"Tableau de bord d'activité", "Fédération d'associations"}}},
    {"insertion", "K1801", "70.22Z", 1, 30, 70, REACH_REGION,
     {"{Conseiller|Conseillère} en insertion professionnelle",
      "{Accompagnateur|Accompagnatrice} reconversion professionnelle",
      "{Conseiller|Conseillère} en création d'entreprise"},
     {"Accompagnement à l'emploi", "Reconversion professionnelle",
      "Création d'entreprise", "Techniques de recherche d'emploi",
      "Ateliers collectifs", "Relations entreprises"},
     {"J'accompagne les personnes en reconversion ou en recherche d'emploi,"
      " de la définition du projet à l'embauche.",
      "J'aide les porteurs de projet à structurer leur idée de création"
      " d'entreprise.",
      "J'anime des ateliers collectifs : CV, entretiens, réseau"
      " professionnel.",
      "Je travaille en lien avec les structures de l'emploi et les"
      " entreprises du territoire.",
      "Mes accompagnements sont individuels et confidentiels."},
     {NULL},
     {{"Ateliers de recherche d'emploi", "Centre social"},
      {"Accompagnement de créateurs d'entreprise",
       "Communauté de communes"},
      {NULL, NULL}}},
    {"redac-technique", "H1207", "74.90B", 1, 40, 80, REACH_REMOTE,
     {"{Rédacteur|Rédactrice} technique",
      "{Rédacteur|Rédactrice} de notices techniques",
      "{Rédacteur|Rédactrice} technique en informatique"},
     {"Documentation technique", "Notices d'utilisation", "Procédures",
      "Documentation logicielle", "Rédaction en anglais", "Markdown",
      "Illustrations techniques"},
     {"Je rédige notices, manuels et procédures pour les industriels et les"
      " éditeurs de logiciels.",
      "Je transforme des savoirs techniques en documents clairs pour leurs"
      " utilisateurs.",
      "Je travaille avec les ingénieurs et les techniciens pour vérifier"
      " chaque étape.",
      "Je livre en français et en anglais.",
      "Je mets en place des chaînes de documentation simples à"
      " maintenir."},
     {NULL},
     {{"Manuel d'une machine de conditionnement", "PME industrielle"},
      {"Documentation d'un logiciel libre", "Éditeur de logiciels"},
      {NULL, NULL}}},

    /* ------------------------------------------------ training, tourism */
    {"formateur", "K2111", "85.59A", 4, 40, 80, REACH_REGION,
     {"{Formateur|Formatrice}", "{Formateur|Formatrice} d'adultes",
      "{Formateur consultant|Formatrice consultante}",
      "{Concepteur-formateur|Conceptrice-formatrice}"},
     {"Ingénierie pédagogique", "Formation d'adultes",
      "Animation de groupes", "Classes virtuelles",
      "Prise de parole en public", "Gestion de conflits",
      "Formation de formateurs"},
     {"Je conçois et j'anime des formations pour adultes, en présentiel et"
      " à distance.",
      "Je forme salariés et bénévoles à la prise de parole, à l'animation de"
      " réunions et à la gestion de conflits.",
      "Mes formations alternent apports, mises en situation et retours"
      " d'expérience.",
      "J'adapte chaque programme au public et aux objectifs de la"
      " structure.",
      "J'interviens pour des entreprises, des associations et des"
      " organismes de formation."},
     {"Qualiopi (via la coopérative)",
      "Titre professionnel Formateur professionnel d'adultes"},
     {{"Formation à la gestion de conflits", "Association d'aide à domicile"},
      {"Parcours de formation de formateurs", "Organisme de formation"},
      {"Formation à la prise de parole", "PME"}}},
    {"fle", "K2111", "85.59A", 2, 20, 50, REACH_REGION,
     {"{Formateur|Formatrice} de français langue étrangère",
      "{Formateur|Formatrice} FLE"},
     {"Français langue étrangère", "Alphabétisation",
      "Préparation au DELF", "Français professionnel",
      "Ateliers sociolinguistiques"},
     {"J'enseigne le français langue étrangère aux adultes, du niveau"
      " débutant au DELF B2.",
      "J'anime des ateliers de français pour les personnes allophones, avec"
      " les associations et les entreprises.",
      "Je donne aussi des cours de français professionnel aux salariés.",
      "Mes cours s'appuient sur des situations de la vie quotidienne.",
      "Je prépare aux examens du DELF et du TCF."},
     {"Master FLE", "Habilitation examinateur-correcteur DELF",
      "Qualiopi (via la coopérative)"},
     {{"Ateliers sociolinguistiques", "Centre social"},
      {"Français professionnel pour des agents d'entretien",
       "Entreprise de propreté"},
      {NULL, NULL}}},
    {"ingenierie-formation", "K2101", "85.59A", 1, 40, 80, REACH_REMOTE,
     {"{Consultant|Consultante} en ingénierie de formation",
      "{Consultant|Consultante} en ingénierie pédagogique",
      "{Conseiller|Conseillère} en formation"},
     {"Ingénierie de formation", "Qualiopi", "Formation à distance",
      "Référentiels de compétences",
      "Plans de développement des compétences",
      "Évaluation des formations"},
     {"J'aide les organismes de formation et les entreprises à concevoir"
      " leurs parcours.",
      "Je construis des dispositifs de formation, du référentiel de"
      " compétences à l'évaluation.",
      "J'accompagne la préparation de la certification Qualiopi.",
      "Je conçois aussi des modules de formation à distance.",
      "Je travaille en lien étroit avec les formateurs qui animeront les"
      " parcours."},
     {"Titre RNCP Responsable de l'ingénierie de formation"},
     {{"Préparation à la certification Qualiopi", "Organisme de formation"},
      {"Parcours d'intégration des nouveaux salariés", "PME industrielle"},
      {"Modules de formation à distance", "Réseau associatif"}}},
    {"prof-musique", "K2105", "85.52Z", 2, 15, 30, REACH_LOCAL,
     {"{Professeur|Professeure} de guitare",
      "{Professeur|Professeure} de piano",
      "{Professeur|Professeure} de chant",
      "{Musicien intervenant|Musicienne intervenante}"},
     {"Cours particuliers", "Éveil musical", "Formation musicale",
      "Cours à domicile", "Musiques actuelles", "Préparation aux examens"},
     {"Je donne des cours de musique à domicile, pour les enfants comme"
      " pour les adultes.",
      "J'enseigne la musique en cours particuliers et en petits groupes, à"
      " tous les niveaux.",
      "J'adapte les cours aux envies de chaque élève, du classique aux"
      " musiques actuelles.",
      "J'interviens aussi dans les écoles pour des projets d'éveil"
      " musical.",
      "Je prépare aux examens des conservatoires."},
     {"Diplôme d'État de professeur de musique",
      "Diplôme d'études musicales"},
     {{"Éveil musical en maternelle", "École maternelle"},
      {"Cours collectifs pour adultes", "Association culturelle"},
      {NULL, NULL}}},
    {"bilan", "K2112", "85.59A", 1, 30, 70, REACH_REGION,
     {"{Praticien|Praticienne} de bilan professionnel",
      "{Conseiller|Conseillère} d'orientation professionnelle",
      "Psychologue du travail"},
     {"Bilans de compétences", "Orientation", "Reconversion",
      "Tests d'intérêts professionnels", "VAE",
      "Accompagnement individuel"},
     {"Je réalise des bilans de compétences pour les salariés qui veulent"
      " faire le point ou changer de voie.",
      "J'accompagne les projets d'orientation et de reconversion, à tout"
      " âge.",
      "Les bilans peuvent être financés par le compte personnel de"
      " formation.",
      "Je reçois en présentiel ou en visioconférence.",
      "J'accompagne aussi les démarches de validation des acquis de"
      " l'expérience."},
     {"Qualiopi (via la coopérative)", "Master de psychologie du travail"},
     {{"Bilans de compétences de salariés", "Entreprise de transport"},
      {"Accompagnement VAE", "Particulier"},
      {NULL, NULL}}},
    {"guide", "G1201", "79.90Z", 1, 20, 50, REACH_REGION,
     {"{Guide conférencier|Guide conférencière}", "Guide touristique"},
     {"Visites guidées", "Patrimoine", "Anglais", "Groupes scolaires",
      "Visites théâtralisées", "Histoire locale"},
     {"Je fais découvrir le patrimoine et l'histoire de la ville lors de"
      " visites guidées.",
      "Je conçois des visites sur mesure pour les groupes, les scolaires et"
      " les entreprises.",
      "Je guide en français et en anglais.",
      "Je propose aussi des visites insolites et des balades contées.",
      "Je travaille avec les offices de tourisme et les musées."},
     {"Carte professionnelle de guide-conférencier"},
     {{"Visites guidées estivales", "Office de tourisme"},
      {"Parcours patrimoine pour des classes", "Collège"},
      {NULL, NULL}}},
    {"randonnee", "G1201", "79.90Z", 1, 30, 80, REACH_REGION,
     {"{Accompagnateur|Accompagnatrice} en moyenne montagne",
      "{Accompagnateur|Accompagnatrice} de randonnée", "Guide nature"},
     {"Randonnée", "Raquettes", "Faune et flore", "Sorties scolaires",
      "Séjours itinérants", "Lecture de paysage"},
     {"J'emmène petits et grands en randonnée à la découverte des paysages,"
      " de la faune et de la flore.",
      "J'organise des sorties nature à la journée et des séjours"
      " itinérants.",
      "L'hiver, je propose des sorties en raquettes.",
      "J'accueille les groupes scolaires et les centres de loisirs.",
      "Mes sorties sont adaptées au niveau de chacun."},
     {"Diplôme d'État d'accompagnateur en moyenne montagne", "PSC1"},
     {{"Séjour itinérant de cinq jours", "Association de randonneurs"},
      {"Sorties nature pour des classes", "École élémentaire"},
      {NULL, NULL}}},
};

#define NTRADES (sizeof trades / sizeof trades[0])

/* Two trades that one person often holds, with the headline that names
 * both (a ROME appellation where one exists). */
struct pair {
    const char *a, *b; /* trade keys: a is the main trade */
    const char *head;
};

static const struct pair pairs[] = {
    {"plombier", "chauffage", "{Plombier|Plombière} chauffagiste"},
    {"peintre", "plaquiste", "Peintre et plaquiste"},
    {"electricien", "courants-faibles",
     "{Électricien|Électricienne}, alarmes et domotique"},
    {"menuisier", "poseur", "{Menuisier|Menuisière} atelier et pose"},
    {"macon", "facadier", "{Maçon-ravaleur|Maçonne-ravaleuse}"},
    {"couvreur", "charpentier",
     "{Couvreur charpentier|Couvreuse charpentière}"},
    {"paysagiste", "elagueur",
     "{Jardinier paysagiste et élagueur|Jardinière paysagiste et"
     " élagueuse}"},
    {"graphiste", "webdesign", "Graphiste et web designer"},
    {"webdesign", "developpeur", "Web designer et {développeur|développeuse}"},
    {"photographe", "videaste", "Photographe et vidéaste"},
    {"videaste", "monteur", "{Réalisateur|Réalisatrice} et"
                            " {monteur|monteuse} vidéo"},
    {"communication", "community",
     "{Chargé|Chargée} de communication et community manager"},
    {"traducteur", "correcteur",
     "{Traducteur|Traductrice} et {correcteur|correctrice}"},
    {"formateur", "consultant",
     "{Formateur consultant|Formatrice consultante}"},
    {"cuisinier", "patissier",
     "{Cuisinier|Cuisinière} à domicile et {pâtissier|pâtissière}"},
    {"coiffeur", "estheticien",
     "{Coiffeur|Coiffeuse} et {esthéticien|esthéticienne} à domicile"},
    {"sophrologue", "yoga", "Sophrologue et {professeur|professeure} de yoga"},
    {"redacteur", "community",
     "{Rédacteur|Rédactrice} web et community manager"},
    {"bilan", "insertion",
     "{Conseiller|Conseillère} en évolution professionnelle"},
    {"comptable", "secretaire",
     "{Assistant administratif|Assistante administrative} et comptable"},
    {"couturier", "tapissier", "{Couturier|Couturière} d'ameublement"},
    {"developpeur", "consultant-si",
     "{Développeur|Développeuse} et {consultant|consultante} informatique"},
};

#define NPAIRS (sizeof pairs / sizeof pairs[0])

/* Cooperative names, invented (no real cooperative's name), by the INSEE
 * code of the commune where they sit; other communes get a generated
 * name (coop_json()). Kinds: mostly CAE, a few SCOP and SCIC. */
struct coop_name {
    const char *insee, *name, *kind;
};

static const struct coop_name coop_names[] = {
    {"75056", "Coopérative des Faubourgs", "cae"},
    {"13055", "Calanques Entreprendre", "cae"},
    {"69123", "Les Traboules coopératives", "cae"},
    {"31555", "Brique Rose Coopérative", "cae"},
    {"06088", "Coopérative d'activité et d'emploi Baie des Anges", "cae"},
    {"44109", "Coopérative d'activité et d'emploi du Pays nantais", "cae"},
    {"34172", "Garrigue Coopérative", "scic"},
    {"67482", "Coopérative rhénane d'entrepreneurs", "cae"},
    {"33063", "Coopérative des Chartrons", "cae"},
    {"59350", "Les Ateliers du Beffroi", "scop"},
    {"35238", "Entreprendre en Pays rennais", "cae"},
    {"83137", "Rade Coopérative", "cae"},
    {"51454", "Coopérative des Coteaux rémois", "cae"},
    {"42218", "Forez Métiers Coopérative", "cae"},
    {"76351", "Estuaire Coopératif", "cae"},
    {"21231", "Les Ouvrages de Bourgogne", "scop"},
    {"49007", "Anjou Entreprendre Ensemble", "cae"},
    {"38185", "Trois Massifs Coopérative", "cae"},
    {"97411", "Coopérative Péi Entreprendre", "cae"},
    {"30189", "Coopérative des Arènes", "cae"},
    {"63113", "Volcans Coopérative", "scic"},
    {"72181", "Coopérative d'activité et d'emploi de la Sarthe", "cae"},
    {"29019", "Penn ar Bed Coopérative", "cae"},
    {"37261", "Coopérative Val de Touraine", "cae"},
    {"80021", "Hortillonnages Coopérative", "cae"},
    {"74010", "Lac et Montagnes Coopérative", "cae"},
    {"87085", "Limousin Coopératif", "cae"},
    {"57463", "Moselle Entreprendre Coopérative", "cae"},
    {"66136", "Tramontane Coopérative", "cae"},
    {"25056", "La Boucle Coopérative", "scop"},
};

#define NCOOPNAMES (sizeof coop_names / sizeof coop_names[0])

/* ----------------------------------------------------------- the places */

/* A located commune, as the walk saw it. */
struct town {
    char insee[8];   /* INSEE code */
    char name[96];   /* official name */
    char dep[4];     /* département code */
    char reg[4];     /* région code */
    double lat, lon; /* WGS84 */
    long pop;        /* population, > 0 */
    int coop;        /* index in demo.coops of the nearest, -1: too far */
    uint64_t cum;    /* cumulative sampling weight up to this town */
};

/* The state of one run. */
struct demo {
    struct db *db;            /* borrowed */
    struct town *towns;       /* owned; in INSEE order */
    size_t ntowns, cap;       /* used and allocated entries of towns */
    int oom;                  /* the walk ran out of memory */
    size_t coops[DEMO_COOPS]; /* index in towns of each cooperative */
    int ncoops;               /* cooperatives picked */
    int trade_total;          /* sum of the trade weights */
};

/* collect: search_place_each callback keeping every populated commune. */
static int collect(const struct place *p, void *arg)
{
    struct demo *d = arg;
    struct town *t;

    if (p->population <= 0) return 0;
    if (d->ntowns == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 40000;
        struct town *grown = realloc(d->towns, cap * sizeof *grown);

        if (!grown) {
            d->oom = 1;
            return 1;
        }
        d->towns = grown;
        d->cap = cap;
    }
    t = &d->towns[d->ntowns++];
    memset(t, 0, sizeof *t);
    snprintf(t->insee, sizeof t->insee, "%s", p->insee);
    snprintf(t->name, sizeof t->name, "%s", p->name);
    snprintf(t->dep, sizeof t->dep, "%s", p->departement);
    snprintf(t->reg, sizeof t->reg, "%s", p->region);
    t->lat = p->lat;
    t->lon = p->lon;
    t->pop = p->population;
    return 0;
}

/* A town in the ranking by population. */
struct rank {
    long pop;
    size_t i; /* index in towns, which are in INSEE order */
};

/* by_population: most populous first, then by INSEE code. */
static int by_population(const void *a, const void *b)
{
    const struct rank *x = a, *y = b;

    if (x->pop != y->pop) return x->pop < y->pop ? 1 : -1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* pick_coops: the DEMO_COOPS most populous communes, at most one per
 * département and none within DEMO_COOP_GAP_KM of a previous pick (so
 * the Paris suburbs do not all get one). */
static enum rc pick_coops(struct demo *d)
{
    struct rank *order = malloc(d->ntowns * sizeof *order);
    enum rc rc = RC_NOMEM;
    size_t i;
    int j;

    if (!order) goto out;
    for (i = 0; i < d->ntowns; i++) {
        order[i].pop = d->towns[i].pop;
        order[i].i = i;
    }
    qsort(order, d->ntowns, sizeof *order, by_population);
    d->ncoops = 0;
    for (i = 0; i < d->ntowns && d->ncoops < DEMO_COOPS; i++) {
        const struct town *t = &d->towns[order[i].i];
        int ok = 1;

        for (j = 0; j < d->ncoops && ok; j++) {
            const struct town *c = &d->towns[d->coops[j]];

            if (!strcmp(c->dep, t->dep) ||
                search_place_km(c->lat, c->lon, t->lat, t->lon) <
                    DEMO_COOP_GAP_KM)
                ok = 0;
        }
        if (ok) d->coops[d->ncoops++] = order[i].i;
    }
    rc = d->ncoops ? RC_OK : RC_NOTFOUND;
out:
    free(order);
    return rc;
}

/* attach: each town's nearest cooperative and the cumulative weights
 * (population; 0 beyond DEMO_REACH_KM). Returns the total weight. */
static uint64_t attach(struct demo *d)
{
    uint64_t total = 0;
    size_t i;
    int j;

    for (i = 0; i < d->ntowns; i++) {
        struct town *t = &d->towns[i];
        double best = DEMO_REACH_KM;

        t->coop = -1;
        for (j = 0; j < d->ncoops; j++) {
            const struct town *c = &d->towns[d->coops[j]];
            double km = search_place_km(c->lat, c->lon, t->lat, t->lon);

            if (km <= best) {
                best = km;
                t->coop = j;
            }
        }
        if (t->coop >= 0) total += (uint64_t)t->pop;
        t->cum = total;
    }
    return total;
}

/* draw_town: a town drawn with probability proportional to its weight. */
static const struct town *draw_town(const struct demo *d, struct rng *r,
                                    uint64_t total)
{
    uint64_t x = rng_next(r) % total;
    size_t lo = 0, hi = d->ntowns - 1;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (d->towns[mid].cum > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return &d->towns[lo];
}

/* ------------------------------------------------------------ the text */

/* put: append tmpl to b, keeping the masculine or the feminine side of
 * each "{masculine|feminine}" group. */
static void put(struct buf *b, const char *tmpl, int fem)
{
    const char *p = tmpl;

    for (;;) {
        const char *open = strchr(p, '{'), *bar, *close;

        bar = open ? strchr(open, '|') : NULL;
        close = bar ? strchr(bar, '}') : NULL;
        if (!close) break;
        buf_add(b, p, (size_t)(open - p));
        if (fem)
            buf_add(b, bar + 1, (size_t)(close - bar - 1));
        else
            buf_add(b, open + 1, (size_t)(bar - open - 1));
        p = close + 1;
    }
    buf_adds(b, p);
}

/* gstr: tmpl in the person's gender, as a new JSON string. */
static json_t *gstr(struct buf *b, const char *tmpl, int fem)
{
    buf_reset(b);
    put(b, tmpl, fem);
    return buf_oom(b) ? NULL : json_string(buf_str(b));
}

/* at_city: "à Nantes", "au Mans", "aux Abymes" into out. */
static void at_city(char *out, size_t size, const char *city)
{
    if (!strncmp(city, "Le ", 3))
        snprintf(out, size, "au %s", city + 3);
    else if (!strncmp(city, "Les ", 4))
        snprintf(out, size, "aux %s", city + 4);
    else
        snprintf(out, size, "à %s", city);
}

static int count(const char *const *list, int max)
{
    int n = 0;

    while (n < max && list[n]) n++;
    return n;
}

/* shuffle_first: put k random distinct indices of [0, n) in idx[0..k). */
static void shuffle_first(struct rng *r, int *idx, int n, int k)
{
    int i;

    for (i = 0; i < n; i++) idx[i] = i;
    for (i = 0; i < k && i < n - 1; i++) {
        int j = rng_int(r, i, n - 1), t = idx[i];

        idx[i] = idx[j];
        idx[j] = t;
    }
}

static const struct trade *trade_by_key(const char *key)
{
    size_t i;

    for (i = 0; i < NTRADES; i++)
        if (!strcmp(trades[i].key, key)) return &trades[i];
    return NULL;
}

static const struct trade *draw_trade(const struct demo *d, struct rng *r)
{
    int x = rng_int(r, 0, d->trade_total - 1);
    size_t i;

    for (i = 0; i < NTRADES - 1; i++) {
        x -= trades[i].weight;
        if (x < 0) break;
    }
    return &trades[i];
}

/* draw_pair: a second trade for t (35% when t has one), else NULL. */
static const struct pair *draw_pair(struct rng *r, const struct trade *t)
{
    const struct pair *found[4];
    int n = 0;
    size_t i;

    for (i = 0; i < NPAIRS && n < 4; i++)
        if (!strcmp(pairs[i].a, t->key)) found[n++] = &pairs[i];
    if (!n || !rng_pct(r, 35)) return NULL;
    return found[rng_int(r, 0, n - 1)];
}

/* ---------------------------------------------------------- the people */

/* Everything drawn for one entrepreneur before writing it out. */
struct person {
    int fem;
    const struct town *town;
    const struct trade *t1, *t2; /* t2 may be NULL */
    const struct pair *pair;
    const char *status;          /* porteur, salarie, associe */
    int since;                   /* year they joined the cooperative */
};

static json_t *trades_json(struct rng *r, const struct person *p)
{
    json_t *a = json_array();

    json_array_append_new(a, json_pack("{s:s, s:s}", "code", p->t1->rome,
                                       "scheme", "rome"));
    if (p->t2)
        json_array_append_new(a, json_pack("{s:s, s:s}", "code",
                                           p->t2->rome, "scheme", "rome"));
    if (p->t1->naf && rng_pct(r, 30))
        json_array_append_new(a, json_pack("{s:s, s:s}", "code", p->t1->naf,
                                           "scheme", "naf"));
    return a;
}

static json_t *skills_json(struct rng *r, const struct person *p,
                           struct buf *b)
{
    json_t *a = json_array();
    int idx[SKILLS], n, k, i;

    n = count(p->t1->skills, SKILLS);
    k = rng_int(r, 3, n < 6 ? n : 6);
    shuffle_first(r, idx, n, k);
    for (i = 0; i < k; i++)
        json_array_append_new(a, gstr(b, p->t1->skills[idx[i]], p->fem));
    if (p->t2) {
        n = count(p->t2->skills, SKILLS);
        k = rng_int(r, 1, 3);
        shuffle_first(r, idx, n, k);
        for (i = 0; i < k; i++)
            json_array_append_new(a,
                                  gstr(b, p->t2->skills[idx[i]], p->fem));
    }
    return a;
}

static json_t *headline_json(struct rng *r, const struct person *p,
                             struct buf *b)
{
    char where[128];

    buf_reset(b);
    if (p->pair)
        put(b, p->pair->head, p->fem);
    else
        put(b, p->t1->heads[rng_int(r, 0, count(p->t1->heads, HEADS) - 1)],
            p->fem);
    if (p->t1->reach == REACH_LOCAL && rng_pct(r, 15)) {
        at_city(where, sizeof where, p->town->name);
        buf_addf(b, " %s", where);
    }
    return buf_oom(b) ? NULL : json_string(buf_str(b));
}

/* intervention_json: the intervention, and the sentence that tells it
 * into say (may stay empty). */
static json_t *intervention_json(struct demo *d, struct rng *r,
                                 const struct person *p, char *say,
                                 size_t size)
{
    const struct trade *t = p->t1;
    int roll = rng_int(r, 0, 99), radius;
    char zone[16], name[128], where[128];
    json_t *iv = json_object(), *zones = NULL;

    radius = rng_int(r, t->rmin / 5, t->rmax / 5) * 5;
    at_city(where, sizeof where, p->town->name);
    *say = 0;
    if ((t->reach == REACH_LOCAL && roll < 88) ||
        (t->reach == REACH_REGION && roll < 55) ||
        (t->reach == REACH_REMOTE && roll < 20)) {
        /* LOCAL 88%, REGION 55%, REMOTE 20%: a radius around home */
        json_object_set_new(iv, "radius_km", json_integer(radius));
        snprintf(say, size, "J'interviens %s et dans un rayon de %d km.",
                 where, radius);
    } else if (t->reach == REACH_LOCAL ||
               (t->reach == REACH_REGION && roll < 85)) {
        snprintf(zone, sizeof zone, "dep:%s", p->town->dep);
        zones = json_pack("[s]", zone);
        if (search_place_departement_name(d->db, p->town->dep, name,
                                          sizeof name) == RC_OK)
            snprintf(say, size, "Zone d'intervention : %s (%s).", name,
                     p->town->dep);
    } else if (t->reach == REACH_REGION || roll < 40) {
        snprintf(zone, sizeof zone, "reg:%s", p->town->reg);
        zones = json_pack("[s]", zone);
        if (search_place_region_name(d->db, p->town->reg, name,
                                     sizeof name) == RC_OK)
            snprintf(say, size, "Zone d'intervention : région %s.", name);
    } else {
        zones = json_pack("[s]", "FR");
        if (roll < 70) {
            /* Nearby on site, anywhere at a distance. */
            json_object_set_new(iv, "radius_km", json_integer(radius));
            snprintf(say, size,
                     "Je me déplace dans un rayon de %d km autour de chez"
                     " moi et je travaille à distance partout en France.",
                     radius);
        } else {
            snprintf(say, size, "Je travaille à distance partout en"
                                " France.");
        }
    }
    if (zones) json_object_set_new(iv, "zones", zones);
    return iv;
}

/* status_say: a sentence on the person's place in the cooperative. */
static void status_say(const struct person *p, struct buf *b)
{
    if (!strcmp(p->status, "porteur"))
        buf_addf(b, "Je teste mon activité au sein de la coopérative depuis"
                    " %d.", p->since);
    else if (!strcmp(p->status, "salarie"))
        buf_addf(b, "%s de la coopérative depuis %d.",
                 p->fem ? "Entrepreneuse salariée" : "Entrepreneur salarié",
                 p->since);
    else
        buf_addf(b, "%s de la coopérative depuis %d, je participe à ses"
                    " décisions.",
                 p->fem ? "Associée" : "Associé", p->since);
}

/* description_json: an opener of each trade, one or two complements,
 * and sometimes a sentence on the status or the area: 2 to 4 sentences. */
static json_t *description_json(struct rng *r, const struct person *p,
                                const char *area, struct buf *b)
{
    const struct trade *t = p->t1;
    int idx[SAYS], n = count(t->says, SAYS) - 2, k, i;

    buf_reset(b);
    put(b, t->says[rng_int(r, 0, 1)], p->fem);
    if (p->t2) {
        buf_addc(b, ' ');
        put(b, p->t2->says[rng_int(r, 0, 1)], p->fem);
    }
    k = p->t2 ? 1 : rng_int(r, 1, 2);
    shuffle_first(r, idx, n, k);
    for (i = 0; i < k; i++) {
        buf_addc(b, ' ');
        put(b, t->says[2 + idx[i]], p->fem);
    }
    i = rng_int(r, 0, 9);
    if (i < 3) {
        buf_addc(b, ' ');
        status_say(p, b);
    } else if (i < 6 && *area) {
        buf_addc(b, ' ');
        buf_adds(b, area);
    }
    return buf_oom(b) ? NULL : json_string(buf_str(b));
}

static json_t *qualifications_json(struct rng *r, const struct person *p,
                                   struct buf *b)
{
    json_t *a = json_array();
    int n = count(p->t1->quals, QUALS), idx[QUALS], k = 0, i;

    if (n && !strcmp(p->status, "porteur") && rng_pct(r, 15))
        k = 1;
    else if (n && strcmp(p->status, "porteur") && rng_pct(r, 60))
        k = rng_int(r, 1, n < 2 ? n : 2);
    shuffle_first(r, idx, n, k);
    for (i = 0; i < k; i++)
        json_array_append_new(a, gstr(b, p->t1->quals[idx[i]], p->fem));
    return a;
}

static int count_refs(const struct trade *t)
{
    int n = 0;

    while (n < REFS && t->refs[n].title) n++;
    return n;
}

/* references_json: beginners mostly have none, partners one to three. */
static json_t *references_json(struct rng *r, const struct person *p)
{
    json_t *a = json_array();
    int n = count_refs(p->t1), idx[REFS], k, i, roll = rng_int(r, 0, 99);

    if (!strcmp(p->status, "porteur"))
        k = roll < 75 ? 0 : 1;
    else if (!strcmp(p->status, "salarie"))
        k = roll < 20 ? 0 : roll < 55 ? 1 : roll < 85 ? 2 : 3;
    else
        k = rng_int(r, 1, 3);
    if (k > n) k = n;
    shuffle_first(r, idx, n, k);
    for (i = 0; i < k; i++) {
        int lo = p->since > 2015 ? p->since : 2015;

        json_array_append_new(
            a, json_pack("{s:s, s:s, s:i}", "title",
                         p->t1->refs[idx[i]].title, "client",
                         p->t1->refs[idx[i]].client, "year",
                         rng_int(r, lo < 2025 ? lo : 2025, 2025)));
    }
    return a;
}

/* availability_json: for 40% of people, a window that opens between
 * January 2026 and October 2027 and, for most, closes one to ten months
 * later (at the latest in December 2027); else NULL. */
static json_t *availability_json(struct rng *r)
{
    int start, end, day;
    char from[16], until[16];
    json_t *av;

    if (!rng_pct(r, 40)) return NULL;
    start = rng_int(r, 0, 21); /* months since January 2026 */
    day = rng_int(r, 1, 28);
    snprintf(from, sizeof from, "%d-%02d-%02d", 2026 + start / 12,
             start % 12 + 1, day);
    av = json_pack("{s:s, s:i}", "from", from, "days_per_week",
                   rng_int(r, 1, 5));
    if (av && rng_pct(r, 60)) {
        end = start + rng_int(r, 1, 10);
        if (end > 23) end = 23;
        snprintf(until, sizeof until, "%d-%02d-%02d", 2026 + end / 12,
                 end % 12 + 1, day);
        json_object_set_new(av, "until", json_string(until));
    }
    return av;
}

static const char *draw_visibility(struct rng *r)
{
    int roll = rng_int(r, 0, 99);

    return roll < 85   ? "public"
           : roll < 90 ? "network"
           : roll < 96 ? "cooperative"
                       : "private";
}

/* person_json: entrepreneur i as the document dir_ent_create() takes;
 * a new object, or NULL when out of memory. */
static json_t *person_json(struct demo *d, unsigned long seed, long i,
                           uint64_t total)
{
    struct rng r = rng_for(seed, (uint64_t)i);
    struct person p;
    struct buf b = {0};
    const char *first, *last;
    char name[128], coop[32], ext[32], area[256];
    json_t *o = json_object(), *av;
    int roll, n;

    if (!o) return NULL;
    memset(&p, 0, sizeof p);
    p.fem = rng_pct(&r, 50);
    first = p.fem ? women[rng_int(&r, 0, count(women, 100) - 1)]
                  : men[rng_int(&r, 0, count(men, 100) - 1)];
    n = count(surnames, 100);
    last = surnames[rng_int(&r, 0, n - 1)];
    if (!strcmp(first, last)) last = surnames[(rng_next(&r) % (uint64_t)n)];
    if (!strcmp(first, last)) last = "Martin";
    p.town = draw_town(d, &r, total);
    p.t1 = draw_trade(d, &r);
    p.pair = draw_pair(&r, p.t1);
    if (p.pair) p.t2 = trade_by_key(p.pair->b);
    roll = rng_int(&r, 0, 99);
    if (roll < 30) {
        p.status = "porteur";
        p.since = rng_int(&r, 2024, 2025);
    } else if (roll < 80) {
        p.status = "salarie";
        p.since = rng_int(&r, 2017, 2024);
    } else {
        p.status = "associe";
        p.since = rng_int(&r, 2010, 2022);
    }
    snprintf(name, sizeof name, "%s %s", first, last);
    snprintf(ext, sizeof ext, "demo-%ld", i + 1);
    snprintf(coop, sizeof coop, "demo-coop-%d", p.town->coop + 1);

    json_object_set_new(o, "external_id", json_string(ext));
    json_object_set_new(o, "cooperative_external_id", json_string(coop));
    json_object_set_new(o, "display_name", json_string(name));
    json_object_set_new(o, "headline", headline_json(&r, &p, &b));
    json_object_set_new(o, "trades", trades_json(&r, &p));
    json_object_set_new(o, "skills", skills_json(&r, &p, &b));
    json_object_set_new(o, "location",
                        json_pack("{s:s}", "insee", p.town->insee));
    json_object_set_new(o, "intervention",
                        intervention_json(d, &r, &p, area, sizeof area));
    json_object_set_new(o, "description",
                        description_json(&r, &p, area, &b));
    av = availability_json(&r);
    if (av) json_object_set_new(o, "availability", av);
    json_object_set_new(o, "status", json_string(p.status));
    json_object_set_new(o, "qualifications",
                        qualifications_json(&r, &p, &b));
    json_object_set_new(o, "visibility",
                        json_string(draw_visibility(&r)));
    json_object_set_new(o, "references", references_json(&r, &p));
    if (buf_oom(&b) || json_object_size(o) < 13) {
        json_decref(o);
        o = NULL;
    }
    buf_free(&b);
    return o;
}

/* ----------------------------------------------------- the cooperatives */

static int starts_with_vowel(const char *s)
{
    static const char *const vowels[] = {"A", "E", "I", "O", "U", "Y", "É",
                                         "È", "Ê", "Î", "Ô", NULL};
    const char *const *v;

    for (v = vowels; *v; v++)
        if (!strncmp(s, *v, strlen(*v))) return 1;
    return 0;
}

/* of_city: "de Lyon", "d'Amiens", "du Havre", "des Abymes". */
static void of_city(char *out, size_t size, const char *city)
{
    if (!strncmp(city, "Le ", 3))
        snprintf(out, size, "du %s", city + 3);
    else if (!strncmp(city, "Les ", 4))
        snprintf(out, size, "des %s", city + 4);
    else if (starts_with_vowel(city))
        snprintf(out, size, "d'%s", city);
    else
        snprintf(out, size, "de %s", city);
}

/* coop_json: cooperative n (0-based) at town t, as dir_coop_create()
 * takes it; a new object or NULL. */
static json_t *coop_json(int n, const struct town *t)
{
    /* By kind (cae, scop, scic): what it is, then what it does. */
    static const char *const what[] = {
        "Coopérative d'activité et d'emploi",
        "Société coopérative et participative",
        "Société coopérative d'intérêt collectif"};
    static const char *const does[] = {
        "Elle accueille des entrepreneurs de tous métiers, qui y testent"
        " puis y développent leur activité sous le statut"
        " d'entrepreneur-salarié, et peuvent en devenir associés.",
        "Elle réunit des artisans et des indépendants qui mutualisent la"
        " gestion, les assurances et les réponses aux marchés.",
        "Entrepreneurs, clients, partenaires et collectivités y sont"
        " associés autour de l'emploi local."};
    const char *name = NULL, *kind = "cae";
    char ext[32], buf[160], where[128], desc[512];
    size_t i;
    int k;

    for (i = 0; i < NCOOPNAMES; i++)
        if (!strcmp(coop_names[i].insee, t->insee)) {
            name = coop_names[i].name;
            kind = coop_names[i].kind;
        }
    if (!name) {
        of_city(where, sizeof where, t->name);
        snprintf(buf, sizeof buf, "Coopérative d'activité et d'emploi %s",
                 where);
        name = buf;
    }
    k = !strcmp(kind, "scop") ? 1 : !strcmp(kind, "scic") ? 2 : 0;
    at_city(where, sizeof where, t->name);
    snprintf(desc, sizeof desc, "%s basée %s. %s", what[k], where,
             does[k]);
    snprintf(ext, sizeof ext, "demo-coop-%d", n + 1);
    return json_pack("{s:s, s:s, s:s, s:[{s:s, s:s}], s:s}", "external_id",
                     ext, "name", name, "kind", kind, "sites", "insee",
                     t->insee, "label", "Siège", "description", desc);
}

/* ---------------------------------------------------------------- run */

/* refused: log why the validator refused generated data (a bug here). */
static void refused(const char *what, json_t *errs)
{
    char *s = json_dumps(errs, JSON_COMPACT);

    log_error("demo: %s refused: %s", what, s ? s : "?");
    free(s);
}

/* create_one: write one document through the public path; RC_INTERNAL
 * when it is refused, since the generator should only make valid data. */
static enum rc create_one(struct db *db, json_t *doc, int coop)
{
    json_t *errs = json_array();
    enum rc rc = RC_NOMEM;
    int created;

    if (!errs || !doc) goto out;
    if (coop)
        rc = dir_coop_create(db, &viewer_system, doc, errs, &created, NULL);
    else
        rc = dir_ent_create(db, &viewer_system, doc, errs, &created, NULL);
    if (rc == RC_INVALID || rc == RC_CONFLICT) {
        refused(json_string_value(json_object_get(doc, "external_id")),
                errs);
        rc = RC_INTERNAL;
    }
out:
    json_decref(errs);
    return rc;
}

enum rc dir_demo(struct db *db, int size, unsigned long seed,
                 struct dir_demo_stats *st)
{
    struct demo d;
    uint64_t total;
    long i, pending = 0;
    enum rc rc;
    int j, in_tx = 0;

    memset(&d, 0, sizeof d);
    d.db = db;
    st->cooperatives = 0;
    st->entrepreneurs = 0;
    for (i = 0; i < (long)NTRADES; i++) d.trade_total += trades[i].weight;
    rc = search_place_each(db, collect, &d);
    if (rc == RC_OK && d.oom) rc = RC_NOMEM;
    if (rc != RC_OK) goto out;
    rc = pick_coops(&d);
    if (rc != RC_OK) {
        log_error("demo: no located commune to put a cooperative in");
        goto out;
    }
    total = attach(&d);
    rc = db_begin(db);
    if (rc != RC_OK) goto out;
    in_tx = 1;
    for (j = 0; j < d.ncoops && rc == RC_OK; j++) {
        json_t *doc = coop_json(j, &d.towns[d.coops[j]]);

        rc = create_one(db, doc, 1);
        json_decref(doc);
        if (rc == RC_OK) st->cooperatives++;
    }
    for (i = 0; i < size && rc == RC_OK; i++) {
        json_t *doc = person_json(&d, seed, i, total);

        rc = create_one(db, doc, 0);
        json_decref(doc);
        if (rc != RC_OK) break;
        st->entrepreneurs++;
        if (++pending < DEMO_BATCH) continue;
        pending = 0;
        in_tx = 0;
        rc = db_commit(db);
        if (rc == RC_OK) rc = db_begin(db);
        if (rc == RC_OK) in_tx = 1;
    }
    if (in_tx && rc == RC_OK) {
        in_tx = 0;
        rc = db_commit(db);
    }
out:
    if (in_tx) db_rollback(db);
    free(d.towns);
    return rc;
}
