"""Names and places for ``seed_scale``, drawn with realistic frequencies.

Most parents in the field offices' families are from Guatemala, Honduras, El Salvador and Mexico,
so most names are Hispanic: one or two given names, then the father's and the mother's surname.
The surname weights follow the relative frequencies of Central American and Mexican surnames
(García, Hernández, López first), with compound surnames (``de León``, ``de la Cruz``) and a long
tail; ``COMMON_SURNAME`` is drawn for about 1.1% of surname slots, so with two surnames it names
about 2% of parents. Mayan-language parents carry a Mayan surname; Haitian, Brazilian, Indian and
other parents have names of their own customs.
"""

import bisect
import itertools
import random

COMMON_SURNAME = "García"

# (surname, relative weight). García is set apart so its share is exact (``surname_share``).
HISPANIC_SURNAMES = [
    ("Hernández", 105), ("López", 95), ("Martínez", 90), ("Pérez", 85), ("González", 80),
    ("Rodríguez", 75), ("Ramírez", 60), ("Sánchez", 55), ("Cruz", 50), ("Flores", 48),
    ("Gómez", 45), ("Díaz", 42), ("Reyes", 42), ("Morales", 40), ("Mejía", 38),
    ("Castillo", 36), ("Ramos", 34), ("Aguilar", 33), ("Torres", 32), ("Rivera", 32),
    ("Vásquez", 30), ("Chávez", 30), ("Ortiz", 28), ("Mendoza", 28), ("Jiménez", 26),
    ("Gutiérrez", 26), ("Álvarez", 25), ("Romero", 24), ("Herrera", 24), ("Medina", 22),
    ("Méndez", 22), ("Velásquez", 22), ("Ordóñez", 20), ("Orellana", 20), ("Alvarado", 20),
    ("Domínguez", 18), ("Moreno", 18), ("Ruiz", 18), ("Santos", 18), ("Juárez", 17),
    ("Escobar", 16), ("Salazar", 16), ("Guzmán", 16), ("Cardona", 15), ("Rosales", 15),
    ("Zelaya", 14), ("Portillo", 14), ("Barrios", 14), ("Pineda", 14), ("Rivas", 13),
    ("Fuentes", 13), ("Ayala", 13), ("Cabrera", 12), ("Estrada", 12), ("Figueroa", 12),
    ("Maldonado", 12), ("Navarro", 11), ("Paz", 11), ("Quintanilla", 11), ("Recinos", 10),
    ("Sosa", 10), ("Valle", 10), ("Villatoro", 10), ("Zepeda", 10), ("Argueta", 10),
    ("Bonilla", 9), ("Carranza", 9), ("Chinchilla", 9), ("Cifuentes", 9), ("Girón", 9),
    ("Lemus", 8), ("Monterroso", 8), ("Núñez", 8), ("Ochoa", 8), ("Peña", 8),
    ("Quiñónez", 8), ("Solís", 8), ("Tobar", 7), ("Umaña", 7), ("Villeda", 7),
    ("Yáñez", 7), ("Zúñiga", 7), ("Ávila", 7), ("Bautista", 6), ("Calderón", 6),
    ("Cortez", 6), ("Duarte", 6), ("Espinoza", 6), ("Funes", 6), ("Galdámez", 6),
    ("Henríquez", 6), ("Interiano", 5), ("Lara", 5), ("Mancía", 5), ("Matamoros", 5),
    ("Osorio", 5), ("Padilla", 5), ("Rosa", 5), ("Sandoval", 5), ("Trejo", 5),
    # Compound surnames, written as the family writes them.
    ("de León", 14), ("de la Cruz", 10), ("de Paz", 5), ("del Cid", 5), ("de Jesús", 5),
    ("de la Rosa", 4), ("San Martín", 3), ("Pérez-Ramos", 1), ("López-Portillo", 1),
    ("Sáenz de Tejada", 1), ("Ponce de León", 1), ("Montes de Oca", 2),
]  # fmt: skip
MAYAN_SURNAMES = [
    ("Tzul", 6), ("Ixcoy", 5), ("Batz", 5), ("Chumil", 4), ("Tambriz", 4), ("Cac", 4),
    ("Xiloj", 3), ("Pu", 3), ("Tuy", 3), ("Ixcot", 3), ("Sic", 3), ("Coj", 3), ("Tuc", 3),
    ("Chitay", 2), ("Ajanel", 2), ("Xicay", 2), ("Quiché", 2), ("Tzoc", 2), ("Toj", 2),
    ("Bámaca", 2), ("Ajcot", 1), ("Cux", 1), ("Ixchop", 1), ("Kʼoxtun", 1),
]  # fmt: skip
WOMEN = [
    ("María", 60), ("Ana", 14), ("Rosa", 10), ("Sandra", 8), ("Glenda", 6), ("Dina", 6),
    ("Yesenia", 6), ("Marta", 6), ("Elvia", 5), ("Olga", 5), ("Karla", 7), ("Wendy", 5),
    ("Sonia", 5), ("Blanca", 5), ("Gladys", 4), ("Reina", 4), ("Delmy", 3), ("Yolanda", 4),
    ("Juana", 6), ("Lidia", 4), ("Ingrid", 3), ("Marleny", 3), ("Brenda", 4), ("Evelyn", 4),
    ("Jessica", 4), ("Cindy", 3), ("Leticia", 3), ("Magdalena", 3), ("Francisca", 3),
]  # fmt: skip
WOMEN_SECOND = [
    ("Guadalupe", 8), ("Lucía", 6), ("Elena", 6), ("Marisol", 5), ("Patricia", 6),
    ("Isabel", 6), ("del Carmen", 8), ("de los Ángeles", 6), ("José", 3), ("Fernanda", 3),
    ("Alejandra", 4), ("Concepción", 3), ("Esperanza", 3), ("Margarita", 3), ("Inés", 2),
]  # fmt: skip
MEN = [
    ("José", 50), ("Juan", 25), ("Carlos", 14), ("Luis", 10), ("Edwin", 6), ("Santos", 6),
    ("Wilmer", 6), ("Óscar", 7), ("Francisco", 7), ("Mario", 7), ("Jorge", 7), ("Marvin", 5),
    ("Nelson", 5), ("Elmer", 4), ("Selvin", 3), ("Miguel", 8), ("Pedro", 6), ("Héctor", 4),
    ("Rigoberto", 3), ("Byron", 3), ("Erick", 4), ("Kevin", 3), ("Jesús", 5), ("Ángel", 5),
    ("Víctor", 5), ("Fredy", 4), ("Walter", 4), ("Cristian", 4), ("Julio", 4),
]  # fmt: skip
MEN_SECOND = [
    ("Antonio", 10), ("Rolando", 4), ("Ernesto", 5), ("Alberto", 6), ("Luis", 8),
    ("Armando", 5), ("Enrique", 5), ("Manuel", 8), ("de Jesús", 5), ("Francisco", 5),
    ("Alexander", 4), ("Ramón", 3), ("Humberto", 3), ("Efraín", 2), ("Israel", 2),
]  # fmt: skip
GIRLS = [
    ("Génesis", 8), ("Dayana", 6), ("Sofía", 8), ("Allison", 5), ("Kimberly", 6),
    ("Valeria", 7), ("Emily", 6), ("Ashley", 6), ("Camila", 7), ("Yaritza", 3),
    ("Nicole", 5), ("Ximena", 4), ("Abigail", 5), ("Dulce María", 3), ("Ana Lucía", 4),
    ("Heidy", 3), ("Litzy", 2), ("Jimena", 4), ("Naomi", 3), ("Keyli", 2),
]  # fmt: skip
BOYS = [
    ("Kevin", 7), ("Brayan", 6), ("Jefferson", 4), ("Anderson", 4), ("Josué", 6),
    ("Ángel", 7), ("Dylan", 5), ("Jonathan", 5), ("Mateo", 6), ("Santiago", 6),
    ("José Ángel", 4), ("Juan Pablo", 4), ("Cristopher", 3), ("Eduardo", 4), ("Yeison", 2),
    ("Alexis", 4), ("Erick", 3), ("Diego", 5), ("Joel", 3), ("Wilson", 2),
]  # fmt: skip

# Parents whose names follow other customs: (given names for women, for men, surnames).
OTHER_NAMES = {
    "HT": (
        ["Marie", "Claudette", "Nadège", "Roseline", "Guerline", "Wideline"],
        ["Jean", "Pierre", "Joseph", "Wilner", "Frantz", "Jean-Robert"],
        ["Jean-Baptiste", "Pierre", "Joseph", "Charles", "Louis", "Étienne", "Saint-Fleur",
         "Desrosiers", "Fénelon", "Théodore"],
    ),
    "BR": (
        ["Maria", "Ana", "Francisca", "Antônia", "Adriana", "Juliana"],
        ["João", "José", "Antônio", "Francisco", "Carlos", "Paulo"],
        ["da Silva", "dos Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Conceição",
         "Gonçalves"],
    ),
    "IN": (
        ["Harpreet", "Gurpreet", "Manpreet", "Priya", "Sunita"],
        ["Gurpreet", "Harjit", "Rajesh", "Amandeep", "Sukhwinder"],
        ["Singh", "Kaur", "Patel", "Sharma", "Kumar"],
    ),
    "RO": (
        ["Elena", "Ioana", "Maria", "Andreea"],
        ["Ion", "Mihai", "Andrei", "Florin"],
        ["Popescu", "Ionescu", "Stan", "Dumitru", "Lăcătuș"],
    ),
    "MR": (
        ["Aïssata", "Mariem", "Fatimata"],
        ["Mamadou", "Oumar", "Abdoulaye"],
        ["Sow", "Ba", "Diallo", "Ndiaye"],
    ),
}  # fmt: skip
# Where a child is placed: (location kind, name and city).
PLACEMENTS = [
    ("orr_shelter", "Casa Esperanza children's shelter, San Benito, Texas", 10),
    ("orr_shelter", "Nuevo Amanecer shelter, Harlingen, Texas", 8),
    ("orr_shelter", "Los Cerritos shelter, Phoenix, Arizona", 6),
    ("orr_shelter", "Casa Padre shelter, Brownsville, Texas", 6),
    ("orr_shelter", "Children's Village shelter, Dobbs Ferry, New York", 3),
    ("orr_foster", "Hope Harbor transitional foster care, Grand Rapids, Michigan", 4),
    ("orr_foster", "Bethany transitional foster care, Baltimore, Maryland", 3),
    ("sponsor", "With an aunt (approved sponsor), Houston, Texas", 6),
    ("sponsor", "With an uncle (approved sponsor), Los Angeles, California", 4),
    ("sponsor", "With an older sister (approved sponsor), Silver Spring, Maryland", 3),
    ("sponsor", "With a grandmother (approved sponsor), Charlotte, North Carolina", 2),
    ("family_center", "South Texas Family Residential Center, Dilley, Texas", 2),
    ("other", "Hospital, pediatric ward, El Paso, Texas", 1),
]


class Weighted:
    """Draws from (value, weight) pairs with one random number and a binary search."""

    def __init__(self, pairs):
        pairs = [(value, weight) for value, weight, *_rest in pairs]
        self.values = [value for value, _weight in pairs]
        self.cumulative = list(itertools.accumulate(weight for _value, weight in pairs))
        self.total = self.cumulative[-1]

    def draw(self, rng: random.Random):
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def _with_common(pairs, share: float):
    """``pairs`` plus COMMON_SURNAME weighted to ``share`` of every draw."""
    rest = sum(weight for _name, weight in pairs)
    return [(COMMON_SURNAME, rest * share / (1 - share)), *pairs]


#: The share of Hispanic surname slots that are García.
COMMON_SHARE = 0.0118
SURNAMES = Weighted(_with_common(HISPANIC_SURNAMES, COMMON_SHARE))
SURNAMES_NO_COMMON = Weighted(HISPANIC_SURNAMES)
MAYAN = Weighted(MAYAN_SURNAMES)
WOMEN_FIRST = Weighted(WOMEN)
WOMEN_MIDDLE = Weighted(WOMEN_SECOND)
MEN_FIRST = Weighted(MEN)
MEN_MIDDLE = Weighted(MEN_SECOND)
GIRL = Weighted(GIRLS)
BOY = Weighted(BOYS)
PLACE = Weighted(
    [((kind, name), weight) for kind, name, weight in PLACEMENTS]  # type: ignore[misc]
)

# (country, primary language, weight): where the parents are from and what they speak.
ORIGINS = Weighted(
    [
        (("GT", "es"), 22),
        (("GT", "quc"), 5),
        (("GT", "mam"), 4),
        (("GT", "kjb"), 2),
        (("GT", "kek"), 1),
        (("HN", "es"), 25),
        (("SV", "es"), 12),
        (("MX", "es"), 10),
        (("EC", "es"), 5),
        (("VE", "es"), 4),
        (("NI", "es"), 3),
        (("CO", "es"), 2),
        (("HT", "ht"), 2),
        (("BR", "pt"), 1),
        (("IN", "pa"), 1),
        (("RO", "ro"), 0.5),
        (("MR", "ar"), 0.5),
        (("BZ", "en"), 1),
    ]
)


def given_names(rng: random.Random, woman: bool) -> str:
    first = (WOMEN_FIRST if woman else MEN_FIRST).draw(rng)
    if rng.random() < 0.7:
        second = (WOMEN_MIDDLE if woman else MEN_MIDDLE).draw(rng)
        if second != first:
            return f"{first} {second}"
    return first


def hispanic_surnames(rng: random.Random, *, mayan: bool = False) -> tuple[str, str]:
    """The father's and the mother's surname (never twice the same)."""
    first = MAYAN.draw(rng) if mayan else SURNAMES.draw(rng)
    second = SURNAMES.draw(rng)
    while second == first:
        second = SURNAMES_NO_COMMON.draw(rng)
    return first, second


def other_name(rng: random.Random, country: str, woman: bool) -> tuple[str, str]:
    """(given names, surname) for a parent of one of ``OTHER_NAMES``' countries."""
    women, men, surnames = OTHER_NAMES[country]
    return rng.choice(women if woman else men), rng.choice(surnames)


def child_given_name(rng: random.Random, girl: bool, used: set[str]) -> str:
    for _attempt in range(8):
        name = (GIRL if girl else BOY).draw(rng)
        if name not in used:
            return name
    return f"{name} {('Guadalupe' if girl else 'Antonio')}"
