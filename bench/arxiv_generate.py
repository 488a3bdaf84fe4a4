"""A synthetic arXiv metadata snapshot, shaped like Kaggle's arxiv-metadata-oai-snapshot.json.

JSON lines, one paper a line, each with the snapshot's 14 keys in its order: id, submitter,
authors, title, comments, journal-ref, doi, report-no, categories, license, abstract,
versions, update_date, authors_parsed. Like the real file:

- ids old style (``hep-th/9901001``, to 2007-03), 4-digit (``0704.0001``, 2007-04 to 2014)
  and 5-digit (``1501.00001``, 2015 on), as many a month as arXiv received (scaled), the
  new-style ids first, then the old ones by archive; v1 dates follow the id's month;
- titles hard-wrapped with ``"\\n  "``, sometimes with ``$...$`` math; abstracts hard-wrapped
  at about 80 columns, each starting with two spaces and ending with a newline;
- authors as TeX (``C. Bal\\'azs, E. L. Berger and ...``, sometimes with affiliations in
  parentheses), authors_parsed as Unicode ``[last, first, suffix(, affiliation)]``; author
  counts a long tail (median 4, collaborations of several hundred);
- comments, journal-ref, doi, report-no and license often null, submitter occasionally;
- 1-4 versions with RFC 2822 times, increasing; update_date YYYY-MM-DD;
- about half the lines written with ``\\u`` escapes (ensure_ascii), half as raw UTF-8.

Deterministic for a seed and a record count: the id plan depends on the count only, and each
block of BLOCK_RECORDS lines draws from its own generator seeded by (seed, block), so any
number of worker processes writes the same bytes. Streams: a few blocks in memory at once.
The file's mtime is set to the snapshot day, the scrape date a build reads for it. The
manifest (counts the warehouse must reproduce) goes to --manifest, by default beside the
snapshot: keep it out of a raw/ directory, where it would be ingested.

    python -m bench.arxiv_generate --out PATH [--records 2700000] [--seed 0] [--manifest FILE]
        [--workers N]
"""

from __future__ import annotations

import argparse
import calendar
import itertools
import json
import multiprocessing
import os
import sys
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from bench.generate import CONTENT_WORDS, FUNCTION_WORDS

SNAPSHOT_NAME = "arxiv-metadata-oai-snapshot.json"
SNAPSHOT_DAY = date(2025, 12, 12)  # the last day a version or update can carry
DEFAULT_RECORDS = 2_700_000
BLOCK_RECORDS = 10_000
FIRST_DAY = date(1991, 1, 1)  # day tables start here
ID_STYLES = ("old", "4-digit", "5-digit")
OLD, FOUR_DIGIT, FIVE_DIGIT = range(3)
NEW_STYLE_FROM = (2007, 4)
FIVE_DIGITS_FROM = (2015, 1)
MONTHLY_CAP = {OLD: 999, FOUR_DIGIT: 9_999, FIVE_DIGIT: 99_999}  # per archive for old style

# New submissions a year (arXiv's own statistics, rounded); 1991 starts in August and 2025
# ends on SNAPSHOT_DAY. Scaled to the record count asked for.
YEARLY_SUBMISSIONS = {
    1991: 300, 1992: 3_200, 1993: 6_700, 1994: 10_100, 1995: 13_000, 1996: 15_800,
    1997: 19_600, 1998: 24_000, 1999: 28_000, 2000: 30_600, 2001: 33_000, 2002: 36_000,
    2003: 39_300, 2004: 43_600, 2005: 46_800, 2006: 50_000, 2007: 55_600, 2008: 58_900,
    2009: 64_000, 2010: 70_100, 2011: 76_500, 2012: 84_600, 2013: 92_600, 2014: 97_500,
    2015: 105_300, 2016: 113_400, 2017: 123_500, 2018: 140_600, 2019: 155_900,
    2020: 178_300, 2021: 181_600, 2022: 185_700, 2023: 208_500, 2024: 240_000,
    2025: 275_000,
}
FIRST_MONTH = (1991, 8)

# (archive, share of the old-style papers, first year); ids sort by archive name.
OLD_ARCHIVES = (
    ("astro-ph", 0.19, 1992), ("cond-mat", 0.20, 1992), ("cs", 0.02, 1998),
    ("gr-qc", 0.04, 1992), ("hep-ex", 0.02, 1994), ("hep-lat", 0.02, 1992),
    ("hep-ph", 0.14, 1992), ("hep-th", 0.12, 1991), ("math", 0.13, 1992),
    ("math-ph", 0.02, 1998), ("nlin", 0.01, 2000), ("nucl-ex", 0.01, 1994),
    ("nucl-th", 0.02, 1992), ("physics", 0.03, 1996), ("q-bio", 0.005, 2003),
    ("quant-ph", 0.06, 1994),
)
OLD_CATEGORIES = {
    "math": ("math.AG", "math.CO", "math.PR", "math.AP", "math.NT", "math.DG", "math.QA"),
    "cond-mat": ("cond-mat.str-el", "cond-mat.mes-hall", "cond-mat.stat-mech",
                 "cond-mat.supr-con", "cond-mat.soft", "cond-mat.mtrl-sci"),
    "cs": ("cs.DS", "cs.CC", "cs.LO", "cs.AI", "cs.IT"),
    "physics": ("physics.optics", "physics.flu-dyn", "physics.atom-ph", "physics.gen-ph"),
    "nlin": ("nlin.CD", "nlin.SI", "nlin.PS"),
    "q-bio": ("q-bio.PE", "q-bio.NC", "q-bio.BM"),
}
# (category, share among 5-digit papers, share among 4-digit papers)
NEW_CATEGORIES = (
    ("cs.LG", 0.09, 0.02), ("cs.CV", 0.09, 0.025), ("cs.CL", 0.06, 0.01),
    ("cs.AI", 0.03, 0.01), ("cs.RO", 0.02, 0.005), ("cs.CR", 0.015, 0.008),
    ("cs.IT", 0.01, 0.03), ("stat.ML", 0.02, 0.01), ("stat.ME", 0.01, 0.01),
    ("eess.SP", 0.02, 0.0), ("eess.IV", 0.015, 0.0), ("math.AP", 0.02, 0.03),
    ("math.PR", 0.02, 0.03), ("math.CO", 0.02, 0.03), ("math.AG", 0.015, 0.03),
    ("math.NT", 0.01, 0.02), ("math.OC", 0.02, 0.02), ("math.DG", 0.01, 0.02),
    ("hep-ph", 0.04, 0.08), ("hep-th", 0.035, 0.07), ("hep-ex", 0.01, 0.02),
    ("quant-ph", 0.06, 0.06), ("gr-qc", 0.025, 0.04), ("astro-ph.GA", 0.025, 0.04),
    ("astro-ph.CO", 0.02, 0.05), ("astro-ph.SR", 0.02, 0.04), ("astro-ph.HE", 0.02, 0.04),
    ("cond-mat.mes-hall", 0.025, 0.05), ("cond-mat.str-el", 0.02, 0.04),
    ("cond-mat.mtrl-sci", 0.03, 0.04), ("cond-mat.stat-mech", 0.015, 0.03),
    ("cond-mat.soft", 0.01, 0.02), ("physics.optics", 0.02, 0.02),
    ("physics.flu-dyn", 0.015, 0.015), ("physics.comp-ph", 0.01, 0.01),
    ("nucl-th", 0.01, 0.02), ("q-bio.NC", 0.008, 0.005), ("q-fin.ST", 0.004, 0.004),
    ("econ.EM", 0.004, 0.0), ("math-ph", 0.01, 0.02),
)
CROSS_LISTS_P = (0.5, 0.3, 0.15, 0.05)  # 0..3 further categories

LICENSES = (
    None,
    "http://arxiv.org/licenses/nonexclusive-distrib/1.0/",
    "http://creativecommons.org/licenses/by/4.0/",
    "http://creativecommons.org/licenses/by-nc-sa/4.0/",
    "http://creativecommons.org/licenses/by-sa/4.0/",
    "http://creativecommons.org/licenses/by-nc-nd/4.0/",
    "http://creativecommons.org/publicdomain/zero/1.0/",
    "http://creativecommons.org/licenses/by/3.0/",
)
LICENSE_P = {
    OLD: (0.97, 0.03, 0, 0, 0, 0, 0, 0),
    FOUR_DIGIT: (0.62, 0.3, 0.02, 0.01, 0.01, 0.01, 0.01, 0.02),
    FIVE_DIGIT: (0.04, 0.62, 0.22, 0.04, 0.03, 0.03, 0.01, 0.01),
}
# Chance that a field is null, by id style: old, 4-digit, 5-digit.
NULL_P = {
    "comments": (0.3, 0.22, 0.25),
    "journal-ref": (0.45, 0.55, 0.82),
    "doi": (0.6, 0.45, 0.65),
    "report-no": (0.8, 0.9, 0.97),
}
SUBMITTER_NULL_P = 0.003
VERSIONS_P = (0.58, 0.27, 0.10, 0.05)  # 1-4 versions
VERSION_GAP_DAYS = 60  # mean, exponential
UPDATE_LAG_P = 0.4  # chance update_date trails the last version (by an exponential lag)
UPDATE_LAG_DAYS = 40
RAW_UTF8_P = 0.5  # lines written as raw UTF-8; the rest with \u escapes

AUTHORS_MEDIAN, AUTHORS_SIGMA, AUTHORS_MAX = 4, 0.75, 60
COLLABORATION_P = 0.002  # papers by a collaboration: 100-800 authors
COLLABORATION_AUTHORS = (100, 800)
AFFILIATION_P = 0.05  # papers whose authors carry affiliations
SUFFIX_P = 0.003
AND_P = 0.5  # "A, B and C" rather than "A, B, C"

TITLE_WIDTHS = (64, 70, 72, 76)
ABSTRACT_WIDTHS = (76, 78, 80, 80)
TITLE_MATH_P = 0.05
TITLE_CASE_P = 0.5
ABSTRACT_WORDS_MEDIAN, ABSTRACT_WORDS_SIGMA, ABSTRACT_WORDS_RANGE = 144, 0.42, (12, 300)
TITLE_WORDS_MEDIAN, TITLE_WORDS_SIGMA, TITLE_WORDS_RANGE = 9, 0.4, (2, 30)
SENTENCE_WORDS = 22
COMMA_P = 0.05


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


PHYSICS_WORDS = _words(
    "quantum field theory gauge symmetry spin lattice phase transition magnetic "
    "superconducting topological black hole holes gravitational waves cosmological constant "
    "dark matter energy galaxy galaxies stellar star stars cluster clusters redshift spectrum "
    "spectra luminosity emission absorption neutron neutrino neutrinos quark quarks gluon "
    "hadron hadronic collider LHC Higgs boson bosons fermion fermions electron electrons "
    "photon photons scattering amplitude amplitudes cross section sections perturbative "
    "nonperturbative renormalization string strings brane branes supersymmetric "
    "supersymmetry conformal invariance manifold manifolds algebra algebras operator "
    "operators Hilbert eigenvalue eigenvalues equation equations solution solutions "
    "boundary conditions theorem lemma proof conjecture prove proved bound inequality "
    "inequalities polynomial polynomials finite infinite dimensional group groups modular "
    "forms prime primes integer integers vertex vertices edges random walk walks Markov "
    "chain chains probability measure measures Brownian motion coefficient temperature "
    "density pressure fluid turbulence viscosity plasma laser optical cavity resonance "
    "frequency frequencies oscillator oscillators nonlinear linear chaotic chaos "
    "entanglement qubit qubits decoherence measurement observable observables Hamiltonian "
    "Lagrangian potential potentials ground excited states state wave correlation thermal "
    "equilibrium nonequilibrium conductivity semiconductor graphene crystal phonon phonons "
    "ferromagnetic antiferromagnetic doping Fermi surface band bands insulator metallic "
    "Schrödinger Poincaré Kähler Hölder Erdős"
)
MATH_TOKENS = _words(
    r"$\alpha$ $\beta$ $N=4$ $SU(N)$ $O(n^2)$ $\mathbb{R}^n$ $L^2$ $k$ $T_c$ $10^{-3}$ "
    r"$z\sim2$ $\sqrt{s}=13$ $p$-adic $\Lambda$CDM $H_0$ $\ell_1$ $\mathcal{N}=2$ $n\to\infty$"
)
TITLE_FUNCTION_WORDS = _words("of in for and the with on a from to by at")  # in FUNCTION_WORDS

GIVEN_NAMES = _words(
    "Pavel Ileana Louis Wei Jun Yang Hao Lei Xin Yu Jing Li Ming Hui Rahul Amit Priya Anil "
    "Sanjay Deepak Arjun Maria Anna Elena Olga Natalia Sofia Laura Sara Julia Eva John David "
    "Michael James Robert Thomas Daniel Richard Mark Paul Peter Andrew Christopher Matthew "
    "Steven Alexander Sergey Dmitry Andrei Ivan Nikolai Vladimir Alexei Mikhail Hiroshi "
    "Takashi Kenji Yuki Satoshi Kazuo Min-Jae Ji-Hoon Seung Hyun Carlos Luis Juan Pedro "
    "Miguel Pablo Javier Marco Luca Giovanni Francesco Alessandro Andrea Stefan Martin Klaus "
    "Wolfgang Hans Jan Piotr Tomasz Pierre Jean Philippe Nicolas Olivier Laurent Ahmed "
    "Mohammed Ali Omar Hassan Mehmet Emre Yusuf Lars Erik Anders Nils Sven Kai Tim Ben Sam "
    "Alex Chris Emily Sarah Rachel Hannah Lisa Claire"
)
# (TeX as in `authors`, Unicode as in `authors_parsed`)
TEX_GIVEN_NAMES = (
    (r"Bal\'azs", "Balázs"), (r"Fran\c{c}ois", "François"), (r"J\'er\^ome", "Jérôme"),
    (r"Jos\'e", "José"), (r"Ren\'e", "René"), (r"Bj\"orn", "Björn"), (r"J\"urgen", "Jürgen"),
    (r"Andr\'e", "André"), (r"Zolt\'an", "Zoltán"), (r"G\'abor", "Gábor"),
    (r"S{\o}ren", "Søren"), (r"Ji\v{r}\'i", "Jiří"), (r"Ond\v{r}ej", "Ondřej"),
    (r"C\'eline", "Céline"), (r"H\'el\`ene", "Hélène"), (r"Ma{\l}gorzata", "Małgorzata"),
)
HYPHENATED_INITIALS = (("C.-P.", "C. -P."), ("J.-M.", "J. -M."), ("H.-J.", "H. -J."),
                       ("S.-H.", "S. -H."))  # arXiv's parser splits them so
SURNAMES = _words(
    "Wang Zhang Li Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo Zheng "
    "Liang Kumar Singh Sharma Gupta Patel Das Sato Suzuki Takahashi Tanaka Watanabe Ito "
    "Yamamoto Nakamura Kim Lee Park Choi Jung Kang Cho Smith Johnson Williams Brown Jones "
    "Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson White Harris Clark Lewis "
    "Walker Hall Allen Young King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell "
    "Roberts Carter Phillips Evans Turner Torres Parker Collins Edwards Stewart Morris Murphy "
    "Cook Rogers Morgan Peterson Cooper Reed Bailey Bell Kelly Howard Ward Cox Diaz "
    "Richardson Wood Watson Brooks Bennett Gray James Reyes Cruz Hughes Price Myers Long "
    "Foster Sanders Ross Morales Powell Sullivan Russell Ortiz Jenkins Perry Butler Barnes "
    "Fisher Henderson Coleman Simmons Patterson Jordan Reynolds Hamilton Graham Wallace West "
    "Nadolsky Berger Yuan Streinu Theran Ivanov Petrov Smirnov Kuznetsov Popov Volkov Novak "
    "Kowalski Nowak Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco "
    "Bruno Gallo Conti Dubois Durand Lefebvre Moreau Laurent Simon Michel Bernard Richard "
    "Petit Fischer Weber Becker Schulz Hoffmann Koch Richter Klein Wolf Schneider Neumann "
    "Schwarz Zimmermann Braun Hartmann Lange Krause Lehmann Kaiser Fuchs Jensen Nielsen "
    "Hansen Pedersen Andersen Larsen Johansson Karlsson Nilsson Eriksson Larsson Olsson "
    "Persson Svensson Gustafsson Yilmaz Kaya Demir Sahin Cohen Levi Friedman Katz Shapiro "
    "Goldberg Rosen"
)
TEX_SURNAMES = (
    (r"M\"uller", "Müller"), (r"Schr\"odinger", "Schrödinger"), (r"Bal\'azs", "Balázs"),
    (r"Erd\H{o}s", "Erdős"), (r"G\"odel", "Gödel"), (r"Garc\'ia", "García"),
    (r"L\'opez", "López"), (r"Mart\'inez", "Martínez"), (r"Fern\'andez", "Fernández"),
    (r"P\'erez", "Pérez"), (r"S\'anchez", "Sánchez"), (r"Rodr\'iguez", "Rodríguez"),
    (r"G\'omez", "Gómez"), (r"Nu\~nez", "Nuñez"), (r"Sch\"afer", "Schäfer"),
    (r"J\"ager", "Jäger"), (r"Kr\"uger", "Krüger"), (r"Dvo\v{r}\'ak", "Dvořák"),
    (r"Ko\c{c}", "Koç"), (r"\c{C}elik", "Çelik"), (r"\"Ozt\"urk", "Öztürk"),
    (r"Wei{\ss}", "Weiß"), (r"Lema\^itre", "Lemaître"), (r"Poincar\'e", "Poincaré"),
)
# Made-up surnames for the long tail of rare names: prefix + middle + ending.
SURNAME_PARTS = (
    _words("Ab Bar Cal Dor Ek Fal Gor Hal Ing Jor Kal Lor Mar Nor Ost Par Quin Ros Sol Tor Ul "
           "Val Wil Xan Yor Zel Bren Cor Dal Fen Gal Hel Kir Lin Mor Nel Pel Ril Sel Tel"),
    _words("a e i o u an en in on ar er ir or el il ol am em im om us is as"),
    _words("berg son sen ski ova ez ini ello ano tz mann stein ov ic ard ault eau ton ley ford "
           "wick dottir ura oto aki ski yan"),
)
SURNAME_SHARES = {"common": 0.6, "tex": 0.015, "rare": 0.385}
GIVEN_SHARES = {"given": 0.44, "tex": 0.01, "initial": 0.3, "two_initials": 0.23,
                "hyphenated": 0.02}
SUFFIXES = ("Jr", "Jr.", "III", "II")
AFFILIATIONS = (
    ("Argonne", "Argonne"), ("CERN", "CERN"), ("MIT", "MIT"), ("Caltech", "Caltech"),
    ("Stanford University", "Stanford University"), ("University of Tokyo", "University of Tokyo"),
    ("Tsinghua University", "Tsinghua University"), ("ETH Zurich", "ETH Zurich"),
    ("Max Planck Institute for Physics", "Max Planck Institute for Physics"),
    (r"Universit\`a di Roma", "Università di Roma"),
    (r"Universit\"at Heidelberg", "Universität Heidelberg"), ("IHES", "IHES"),
    ("Perimeter Institute", "Perimeter Institute"), ("DESY", "DESY"), ("Fermilab", "Fermilab"),
    ("SLAC", "SLAC"), ("KEK", "KEK"), ("IAS, Princeton", "IAS, Princeton"),
    ("Harvard University", "Harvard University"), ("University of Cambridge",
                                                   "University of Cambridge"),
    ("LPTHE, Paris", "LPTHE, Paris"), ("ICTP, Trieste", "ICTP, Trieste"),
    ("Weizmann Institute", "Weizmann Institute"), ("TIFR, Mumbai", "TIFR, Mumbai"),
)

COMMENT_SUFFIXES = ("", "; published version", "; accepted in Phys. Rev. D", ", 2 tables",
                    "; to appear in JHEP", "; v2: minor revisions, references added")
OTHER_COMMENTS = ("Accepted at NeurIPS 2023", "Accepted to CVPR 2024", "ICML 2022 camera-ready",
                  "Conference proceedings", "Withdrawn: an error in the proof of Lemma 3",
                  "Code available at https://github.com/example/repo", "Erratum added")
JOURNALS = ("Phys.Rev.D{v}:{p:06d},{y}", "Phys. Rev. Lett. {v} ({y}) {p}",
            "J. Math. Phys. {v} ({y}) {p}", "Astrophys.J. {v} ({y}) {p}",
            "JHEP {v:02d} ({y}) {p:03d}", "Nucl.Phys.B{v}:{p}-{q},{y}",
            "Mon. Not. Roy. Astron. Soc. {v} ({y}) {p}", "Commun. Math. Phys. {v} ({y}) {p}-{q}",
            "IEEE Trans. Inf. Theory {v} ({y}) {p}-{q}", "Nature {v}, {p}-{q} ({y})")
DOIS = ("10.1103/PhysRevD.{v}.{p:06d}", "10.1007/s00220-{y}-{p:04d}-{q}",
        "10.1088/1742-6596/{v}/1/{p:06d}", "10.1016/j.physletb.{y}.{q:02d}.{p:03d}",
        "10.1093/mnras/stab{p:04d}", "10.1109/TIT.{y}.{p:07d}", "10.1145/{p:07d}.{q:07d}",
        "10.1038/s41586-0{yy:02d}-{p:05d}-{q}", "10.3847/1538-4357/ab{p:04d}")
REPORT_NUMBERS = ("ANL-HEP-PR-{yy:02d}-{n}", "CERN-PH-TH/{y}-{n:03d}", "SLAC-PUB-{n:05d}",
                  "FERMILAB-PUB-{yy:02d}-{n:03d}-T", "MIT-CTP-{n:04d}", "DESY {yy:02d}-{n:03d}",
                  "KEK-TH-{n:04d}", "IPMU{yy:02d}-{n:04d}", "UUITP-{n:02d}/{yy:02d}")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ASCII_LINE = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode
UTF8_LINE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


# -- the id plan: which ids exist, in file order -------------------------------------------


@dataclass
class IdPlan:
    """Buckets of consecutive ids (an archive's or all new-style ids of one month), in file
    order. Record r is number r - start[b] + 1 of the bucket b it falls in."""

    style: np.ndarray
    archive: np.ndarray  # index into OLD_ARCHIVES, -1 for new-style ids
    prefix: list[str]  # "hep-th/9901", "0704.", "1501."
    month_start: np.ndarray  # seconds since 1970 at the bucket month's first moment
    month_seconds: np.ndarray  # length of that month (to SNAPSHOT_DAY's end for the last)
    count: np.ndarray
    start: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.start = np.concatenate([[0], np.cumsum(self.count)[:-1]]).astype(np.int64)


def id_plan(records: int) -> IdPlan:
    """The ids of a snapshot of `records` papers: split between the id styles, then months,
    then old-style archives, in proportion to arXiv's submissions, within its limits."""
    months = _months()
    style = np.array([_style_of(month) for month in months])
    weight = np.array([_month_weight(month) for month in months])
    per_style = _apportion(records, [weight[style == s].sum() for s in range(3)],
                           [_style_capacity(months, style, s) for s in range(3)])
    buckets = []  # (sort key, style, archive, (year, month), count)
    for s in range(3):
        chosen = np.flatnonzero(style == s)
        caps = [MONTHLY_CAP[s] * (len(_archives_of(months[i][0])) if s == OLD else 1)
                for i in chosen]
        for i, count in zip(chosen.tolist(), _apportion(per_style[s], weight[chosen], caps),
                            strict=True):
            yymm = f"{_yymm(months[i]):04d}"
            if s != OLD:  # new-style ids come first in the file
                buckets.append(((0, "", yymm), s, -1, months[i], count))
                continue
            archives = _archives_of(months[i][0])
            shares = [OLD_ARCHIVES[a][1] for a in archives]
            split = _apportion(count, shares, [MONTHLY_CAP[OLD]] * len(archives))
            for archive, archive_count in zip(archives, split, strict=True):
                key = (1, OLD_ARCHIVES[archive][0], yymm)
                buckets.append((key, s, archive, months[i], archive_count))
    buckets = [b for b in sorted(buckets, key=lambda b: b[0]) if b[4] > 0]
    return IdPlan(
        style=np.array([b[1] for b in buckets], dtype=np.int64),
        archive=np.array([b[2] for b in buckets], dtype=np.int64),
        prefix=[_id_prefix(b[1], b[2], b[3]) for b in buckets],
        month_start=np.array([_month_start(b[3]) for b in buckets], dtype=np.int64),
        month_seconds=np.array([_month_seconds(b[3]) for b in buckets], dtype=np.int64),
        count=np.array([b[4] for b in buckets], dtype=np.int64),
    )


def _months() -> list[tuple[int, int]]:
    months, (year, month) = [], FIRST_MONTH
    while (year, month) <= (SNAPSHOT_DAY.year, SNAPSHOT_DAY.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _style_of(month: tuple[int, int]) -> int:
    if month < NEW_STYLE_FROM:
        return OLD
    return FOUR_DIGIT if month < FIVE_DIGITS_FROM else FIVE_DIGIT


def _month_weight(month: tuple[int, int]) -> float:
    year = month[0]
    months_that_year = 12 - FIRST_MONTH[1] + 1 if year == FIRST_MONTH[0] else 12
    weight = YEARLY_SUBMISSIONS[year] / months_that_year
    if month == (SNAPSHOT_DAY.year, SNAPSHOT_DAY.month):
        weight *= SNAPSHOT_DAY.day / calendar.monthrange(*month)[1]
    return weight


def _archives_of(year: int) -> list[int]:
    return [a for a, (_, _, first_year) in enumerate(OLD_ARCHIVES) if first_year <= year]


def _style_capacity(months: list[tuple[int, int]], style: np.ndarray, s: int) -> int:
    chosen = np.flatnonzero(style == s).tolist()
    if s != OLD:
        return MONTHLY_CAP[s] * len(chosen)
    return sum(MONTHLY_CAP[OLD] * len(_archives_of(months[i][0])) for i in chosen)


def _apportion(total: int, weights, caps: list[int]) -> list[int]:
    """total split in proportion to weights (largest remainders), none above its cap: the
    excess of a capped share goes to the others."""
    weights = np.asarray(weights, dtype=np.float64)
    caps_array = np.asarray(caps, dtype=np.int64)
    usable = weights > 0
    if total > caps_array[usable].sum():
        raise ValueError(f"{total:,} ids do not fit arXiv's id scheme "
                         f"(at most {int(caps_array[usable].sum()):,} here)")
    counts = np.zeros(len(weights), dtype=np.int64)
    while (left := total - int(counts.sum())) > 0:
        open_ = np.flatnonzero(usable & (counts < caps_array))
        share = weights[open_] / weights[open_].sum() * left
        add = np.floor(share).astype(np.int64)
        largest_remainders = np.argsort(add - share, kind="stable")[: left - int(add.sum())]
        add[largest_remainders] += 1
        counts[open_] = np.minimum(counts[open_] + add, caps_array[open_])
    return counts.tolist()


def _yymm(month: tuple[int, int]) -> int:
    return month[0] % 100 * 100 + month[1]


def _id_prefix(style: int, archive: int, month: tuple[int, int]) -> str:
    if style == OLD:
        return f"{OLD_ARCHIVES[archive][0]}/{_yymm(month):04d}"
    return f"{_yymm(month):04d}."


def _month_start(month: tuple[int, int]) -> int:
    return calendar.timegm((month[0], month[1], 1, 0, 0, 0))


def _month_seconds(month: tuple[int, int]) -> int:
    days = calendar.monthrange(*month)[1]
    if month == (SNAPSHOT_DAY.year, SNAPSHOT_DAY.month):
        days = SNAPSHOT_DAY.day
    return days * 86_400


# -- tables made once ------------------------------------------------------------------------


class Tables:
    """Strings looked up by index: every vocabulary form, name, day and time of day."""

    def __init__(self) -> None:
        self._texts()
        self._names()
        self._days()
        self._category_tables()
        self.comments = np.array(
            [f"{pages} pages" + (f", {figures} figures" if figures else "") + suffix
             for pages in range(1, 61) for figures in range(16) for suffix in COMMENT_SUFFIXES]
            + list(OTHER_COMMENTS), dtype=object)

    def _texts(self) -> None:
        """Word forms (plain, Capitalized, word., Word., word,), each with what comes before it:
        a space, a line break, or what starts a text (two spaces for an abstract, nothing for a
        title). A title's line break is followed by two spaces, like arXiv's."""
        # Both fields' words among the frequent ones; math and accented words are rare.
        content = [w for pair in itertools.zip_longest(CONTENT_WORDS, PHYSICS_WORDS)
                   for w in pair if w is not None] + list(MATH_TOKENS)
        words = list(FUNCTION_WORDS) + content
        function = 1.0 / np.arange(1, len(FUNCTION_WORDS) + 1) ** 0.8
        zipf = 1.0 / np.arange(1, len(content) + 1) ** 0.6
        # About half the words of an English abstract are function words.
        self.word_p = np.concatenate([function / function.sum(), zipf / zipf.sum()]) / 2
        self.words = len(words)
        self.math_tokens = np.arange(len(words) - len(MATH_TOKENS), len(words))
        self.title_function = np.array([words.index(w) for w in TITLE_FUNCTION_WORDS])
        self.is_function = np.zeros(len(words), dtype=bool)
        self.is_function[: len(FUNCTION_WORDS)] = True
        self.title_content_p = zipf / zipf.sum()
        capital = [w[:1].upper() + w[1:] for w in words]
        forms = words + capital + [w + "." for w in words] + [w + "." for w in capital] + [
            w + "," for w in words]
        self.form_length = np.array([len(f) for f in forms], dtype=np.int64)
        self.abstract_forms = np.array([s + f for s in (" ", "\n", "  ") for f in forms],
                                       dtype=object)
        self.title_forms = np.array([s + f for s in (" ", "\n  ", "") for f in forms],
                                    dtype=object)
        self.forms = len(forms)

    def _names(self) -> None:
        """Given names and surnames, as TeX (authors) and Unicode (authors_parsed)."""
        letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
        given = {
            "given": [(g, g) for g in GIVEN_NAMES],
            "tex": list(TEX_GIVEN_NAMES),
            "initial": [(f"{a}.", f"{a}.") for a in letters],
            "two_initials": [(f"{a}. {b}.", f"{a}. {b}.") for a in letters for b in letters],
            "hyphenated": list(HYPHENATED_INITIALS),
        }
        prefixes, middles, endings = SURNAME_PARTS
        rare = [p + m + e for p in prefixes for m in middles for e in endings]
        surnames = {"common": [(s, s) for s in SURNAMES], "tex": list(TEX_SURNAMES),
                    "rare": [(s, s) for s in rare]}
        self.given_tex, self.given_uni, self.given_p, self.given_has_tex = _name_table(
            given, GIVEN_SHARES)
        self.surname_tex, self.surname_uni, self.surname_p, self.surname_has_tex = _name_table(
            surnames, SURNAME_SHARES, zipf_group="common")
        self.affiliation_tex = [tex for tex, _ in AFFILIATIONS]
        self.affiliation_uni = [uni for _, uni in AFFILIATIONS]
        self.affiliation_has_tex = np.array(["\\" in tex for tex in self.affiliation_tex])

    def _category_tables(self) -> None:
        """New-era categories first (drawn by era), then each old archive's own."""
        names = [name for name, _, _ in NEW_CATEGORIES]
        self.old_categories = {}  # archive -> indexes into categories
        for archive, (name, _, _) in enumerate(OLD_ARCHIVES):
            own = OLD_CATEGORIES.get(name, (name,))
            self.old_categories[archive] = np.arange(len(names), len(names) + len(own))
            names += own
        self.categories = names
        shares = np.array([[p5, p4] for _, p5, p4 in NEW_CATEGORIES])
        self.category_p = {FIVE_DIGIT: shares[:, 0] / shares[:, 0].sum(),
                           FOUR_DIGIT: shares[:, 1] / shares[:, 1].sum()}

    def _days(self) -> None:
        days = (SNAPSHOT_DAY - FIRST_DAY).days + 1
        self.rfc_day, self.iso_day = [], []
        for offset in range(days):
            day = FIRST_DAY + timedelta(days=offset)
            self.rfc_day.append(f"{WEEKDAYS[day.weekday()]}, {day.day} "
                                f"{MONTHS[day.month - 1]} {day.year} ")
            self.iso_day.append(day.isoformat())
        self.clock = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d} GMT"
                      for s in range(86_400)]
        self.first_second = calendar.timegm(FIRST_DAY.timetuple())


def _name_table(groups: dict[str, list[tuple[str, str]]], shares: dict[str, float],
                zipf_group: str | None = None):
    """(TeX names, Unicode names, draw probabilities, has-TeX flags) over all groups: each
    group gets its share, uniformly inside it or Zipf-like for zipf_group."""
    tex, uni, p = [], [], []
    for name, members in groups.items():
        inside = (1.0 / np.arange(1, len(members) + 1) if name == zipf_group
                  else np.ones(len(members)))
        p.append(inside / inside.sum() * shares[name])
        tex += [t for t, _ in members]
        uni += [u for _, u in members]
    has_tex = np.array(["\\" in t for t in tex])
    return np.array(tex, dtype=object), np.array(uni, dtype=object), np.concatenate(p), has_tex


# -- one block of records --------------------------------------------------------------------


@dataclass
class BlockCounts:
    """What a block adds to the manifest."""

    records: int = 0
    author_entries: int = 0
    with_affiliation: int = 0
    with_tex_authors: int = 0
    raw_utf8_lines: int = 0
    versions: int = 0
    by_style: list[int] = field(default_factory=lambda: [0, 0, 0])

    def add(self, other: BlockCounts) -> None:
        for name in ("records", "author_entries", "with_affiliation", "with_tex_authors",
                     "raw_utf8_lines", "versions"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.by_style = [a + b for a, b in zip(self.by_style, other.by_style, strict=True)]


def block_text(plan: IdPlan, tables: Tables, first: int, count: int,
               rng: np.random.Generator) -> tuple[str, BlockCounts]:
    """Lines first .. first + count - 1 of the snapshot, each ending in a newline."""
    bucket = np.searchsorted(plan.start, np.arange(first, first + count), side="right") - 1
    number = np.arange(first, first + count) - plan.start[bucket] + 1
    style = plan.style[bucket]
    ids = _ids(plan, bucket, number, style)
    created, versions = _version_times(plan, bucket, number, rng)
    authors, parsed, submitters, author_counts = _authors(tables, count, rng)
    titles = _titles(tables, count, rng)
    abstracts = _abstracts(tables, count, rng)
    optional = _optional_fields(tables, style, created[:, 0], rng)
    categories = _categories(tables, plan, bucket, style, rng)
    version_lists = _version_lists(tables, created, versions)
    update_dates = _update_dates(tables, created, versions, rng)
    raw_utf8 = (rng.random(count) < RAW_UTF8_P).tolist()
    lines = []
    for i in range(count):
        record = {
            "id": ids[i], "submitter": submitters[i], "authors": authors.text[i],
            "title": titles[i], "comments": optional["comments"][i],
            "journal-ref": optional["journal-ref"][i], "doi": optional["doi"][i],
            "report-no": optional["report-no"][i], "categories": categories[i],
            "license": optional["license"][i], "abstract": abstracts[i],
            "versions": version_lists[i], "update_date": update_dates[i],
            "authors_parsed": parsed[i],
        }
        lines.append(UTF8_LINE(record) if raw_utf8[i] else ASCII_LINE(record))
    counts = BlockCounts(
        records=count, author_entries=int(author_counts.sum()),
        with_affiliation=int(authors.affiliated.sum()), with_tex_authors=int(authors.tex.sum()),
        raw_utf8_lines=sum(raw_utf8), versions=int(versions.sum()),
        by_style=np.bincount(style, minlength=3).tolist())
    return "\n".join(lines) + "\n", counts


def _ids(plan: IdPlan, bucket: np.ndarray, number: np.ndarray, style: np.ndarray) -> list[str]:
    width = np.where(style == OLD, 3, np.where(style == FOUR_DIGIT, 4, 5)).tolist()
    prefix = plan.prefix
    return [prefix[b] + str(n).zfill(w)
            for b, n, w in zip(bucket.tolist(), number.tolist(), width, strict=True)]


def _version_times(plan: IdPlan, bucket: np.ndarray, number: np.ndarray,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Created times (seconds, 4 columns) and how many versions each paper has: v1 in the
    id's month in id order, later versions after exponential gaps, none after the snapshot."""
    count = len(bucket)
    slot = (number - 1 + rng.random(count)) / plan.count[bucket]
    v1 = plan.month_start[bucket] + (slot * plan.month_seconds[bucket]).astype(np.int64)
    gaps = 3_600 + rng.exponential(VERSION_GAP_DAYS * 86_400, (count, 3)).astype(np.int64)
    created = np.concatenate([v1[:, None], v1[:, None] + np.cumsum(gaps, axis=1)], axis=1)
    wanted = rng.choice(4, count, p=VERSIONS_P) + 1
    return created, np.minimum(wanted, (created <= snapshot_end()).sum(axis=1))


def snapshot_end() -> int:
    """The snapshot's last second (seconds since 1970): no version is later."""
    return calendar.timegm(SNAPSHOT_DAY.timetuple()) + 86_399


def _version_lists(tables: Tables, created: np.ndarray, versions: np.ndarray) -> list[list]:
    seconds = created - tables.first_second
    day, clock = (seconds // 86_400).tolist(), (seconds % 86_400).tolist()
    rfc_day, times = tables.rfc_day, tables.clock
    return [[{"version": f"v{v + 1}", "created": rfc_day[d[v]] + times[c[v]]} for v in range(n)]
            for d, c, n in zip(day, clock, versions.tolist(), strict=True)]


def _update_dates(tables: Tables, created: np.ndarray, versions: np.ndarray,
                  rng: np.random.Generator) -> list[str]:
    last = created[np.arange(len(versions)), versions - 1]
    day = (last - tables.first_second) // 86_400
    lag = np.where(rng.random(len(day)) < UPDATE_LAG_P,
                   rng.exponential(UPDATE_LAG_DAYS, len(day)).astype(np.int64), 0)
    day = np.minimum(day + lag, len(tables.iso_day) - 1)
    iso = tables.iso_day
    return [iso[d] for d in day.tolist()]


@dataclass
class Authors:
    text: list[str]  # the `authors` field
    affiliated: np.ndarray  # per paper: its authors carry affiliations
    tex: np.ndarray  # per paper: a TeX accent in `authors`


def _authors(tables: Tables, count: int, rng: np.random.Generator
             ) -> tuple[Authors, list[list[list[str]]], list[str | None], np.ndarray]:
    """`authors`, `authors_parsed`, `submitter` and the author count of each paper."""
    per_paper = np.clip(np.rint(rng.lognormal(np.log(AUTHORS_MEDIAN), AUTHORS_SIGMA, count)),
                        1, AUTHORS_MAX).astype(np.int64)
    collaboration = rng.random(count) < COLLABORATION_P
    per_paper[collaboration] = rng.integers(*COLLABORATION_AUTHORS, int(collaboration.sum()))
    entries = int(per_paper.sum())
    given = rng.choice(len(tables.given_p), entries, p=tables.given_p)
    surname = rng.choice(len(tables.surname_p), entries, p=tables.surname_p)
    names = (tables.given_tex[given] + " " + tables.surname_tex[surname]).tolist()
    parsed = [[last, first, ""] for last, first in zip(
        tables.surname_uni[surname].tolist(), tables.given_uni[given].tolist(), strict=True)]
    for entry in np.flatnonzero(rng.random(entries) < SUFFIX_P).tolist():
        suffix = SUFFIXES[entry % len(SUFFIXES)]
        names[entry] += f" {suffix}"
        parsed[entry][2] = suffix

    paper_of = np.repeat(np.arange(count), per_paper)
    affiliated = rng.random(count) < AFFILIATION_P
    affiliation = rng.integers(0, len(AFFILIATIONS), entries)
    for entry in np.flatnonzero(affiliated[paper_of]).tolist():
        names[entry] += f" ({tables.affiliation_tex[affiliation[entry]]})"
        parsed[entry].append(tables.affiliation_uni[affiliation[entry]])
    tex_entry = tables.given_has_tex[given] | tables.surname_has_tex[surname] | (
        affiliated[paper_of] & tables.affiliation_has_tex[affiliation])
    starts = np.concatenate([[0], np.cumsum(per_paper)[:-1]])
    tex = np.logical_or.reduceat(tex_entry, starts)

    with_and = (rng.random(count) < AND_P).tolist()
    submitter_entry = _submitter_entries(per_paper, starts, rng)
    texts, parsed_lists, submitters = [], [], []
    for begin, size, use_and, who in zip(starts.tolist(), per_paper.tolist(), with_and,
                                         submitter_entry, strict=True):
        end = begin + size
        if use_and and size > 1:
            texts.append(", ".join(names[begin:end - 1]) + " and " + names[end - 1])
        else:
            texts.append(", ".join(names[begin:end]))
        parsed_lists.append(parsed[begin:end])
        submitters.append(None if who < 0 else f"{parsed[who][1]} {parsed[who][0]}")
    return Authors(texts, affiliated, tex), parsed_lists, submitters, per_paper


def _submitter_entries(per_paper: np.ndarray, starts: np.ndarray,
                       rng: np.random.Generator) -> list[int]:
    """Mostly the first author, sometimes the last or another; -1 for no submitter."""
    count = len(per_paper)
    pick = rng.random(count)
    other = starts + rng.integers(0, per_paper)
    entry = np.where(pick < 0.7, starts, np.where(pick < 0.9, starts + per_paper - 1, other))
    entry[rng.random(count) < SUBMITTER_NULL_P] = -1
    return entry.tolist()


def _titles(tables: Tables, count: int, rng: np.random.Generator) -> list[str]:
    """Content words with a function word now and then, in title or sentence case, sometimes
    with math; wrapped with a line break and two spaces like arXiv's."""
    lengths = _lengths(count, TITLE_WORDS_MEDIAN, TITLE_WORDS_SIGMA, TITLE_WORDS_RANGE, rng)
    total = int(lengths.sum())
    content_start = len(FUNCTION_WORDS)
    word = content_start + rng.choice(len(tables.title_content_p), total,
                                      p=tables.title_content_p)
    function = rng.random(total) < 0.25
    word[function] = rng.choice(tables.title_function, int(function.sum()))
    first = _starts(lengths)
    math = np.flatnonzero(rng.random(count) < TITLE_MATH_P)
    word[first[math] + rng.integers(0, lengths[math])] = rng.choice(tables.math_tokens,
                                                                    len(math))
    paper_of = np.repeat(np.arange(count), lengths)
    title_case = (rng.random(count) < TITLE_CASE_P)[paper_of] & ~tables.is_function[word]
    capital = title_case.copy()
    capital[first] = True
    return _wrap(word + capital * tables.words, lengths, TITLE_WIDTHS, tables.title_forms,
                 tables, rng)


def _abstracts(tables: Tables, count: int, rng: np.random.Generator) -> list[str]:
    """Zipf-weighted words in sentences, about 1,000 characters, wrapped at about 80
    columns; two spaces before and a newline after, like arXiv's."""
    lengths = _lengths(count, ABSTRACT_WORDS_MEDIAN, ABSTRACT_WORDS_SIGMA, ABSTRACT_WORDS_RANGE,
                       rng)
    total = int(lengths.sum())
    word = rng.choice(tables.words, total, p=tables.word_p)
    first = _starts(lengths)
    sentence_end = rng.random(total) < 1 / SENTENCE_WORDS
    sentence_end[first + lengths - 1] = True
    sentence_start = np.empty(total, dtype=bool)
    sentence_start[0] = True
    sentence_start[1:] = sentence_end[:-1]
    comma = (rng.random(total) < COMMA_P) & ~sentence_end & ~sentence_start
    form = sentence_start.astype(np.int64) + 2 * sentence_end + 4 * comma
    texts = _wrap(form * tables.words + word, lengths, ABSTRACT_WIDTHS, tables.abstract_forms,
                  tables, rng)
    return [text + "\n" for text in texts]


def _lengths(count: int, median: float, sigma: float, bounds: tuple[int, int],
             rng: np.random.Generator) -> np.ndarray:
    drawn = np.rint(rng.lognormal(np.log(median), sigma, count))
    return np.clip(drawn, *bounds).astype(np.int64)


def _starts(lengths: np.ndarray) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)


def _wrap(form: np.ndarray, lengths: np.ndarray, widths: tuple[int, ...],
          forms_after: np.ndarray, tables: Tables, rng: np.random.Generator) -> list[str]:
    """Join each text's word forms, breaking the line before a word that starts past the next
    multiple of the text's width (hard wraps at about that width, vectorized)."""
    first = _starts(lengths)
    step = tables.form_length[form] + 1
    ends = np.cumsum(step)
    offset = ends - step - np.repeat(ends[first] - step[first], lengths)
    width = np.repeat(np.asarray(widths)[rng.integers(0, len(widths), len(lengths))], lengths)
    line = offset // width
    separator = np.zeros(len(form), dtype=np.int64)  # 0: space, 1: line break, 2: none
    separator[1:] = line[1:] != line[:-1]
    separator[first] = 2
    pieces = forms_after[separator * tables.forms + form].tolist()
    return ["".join(pieces[b:b + n]) for b, n in zip(first.tolist(), lengths.tolist(),
                                                      strict=True)]


def _optional_fields(tables: Tables, style: np.ndarray, v1: np.ndarray,
                     rng: np.random.Generator) -> dict[str, list]:
    """comments, journal-ref, doi, report-no, license: null as often as in the real file.
    A paper's journal-ref and doi share its volume and page numbers."""
    count = len(style)
    present = {name: rng.random(count) >= np.asarray(null_p)[style]
               for name, null_p in NULL_P.items()}
    comment = tables.comments[rng.integers(0, len(tables.comments), count)]
    fields: dict[str, list] = {"comments": np.where(present["comments"], comment, None).tolist()}
    year = (v1 // 86_400 // 365.2425 + 1970).astype(np.int64) + rng.integers(0, 2, count)
    numbers = np.column_stack([rng.integers(1, [120, 9_999, 99, 9_999], (count, 4)),
                               year]).tolist()
    for name, templates in (("journal-ref", JOURNALS), ("doi", DOIS),
                            ("report-no", REPORT_NUMBERS)):
        template = rng.integers(0, len(templates), count).tolist()
        values: list[str | None] = [None] * count
        for i in np.flatnonzero(present[name]).tolist():
            v, p, q, n, y = numbers[i]
            values[i] = templates[template[i]].format(v=v, p=p, q=p + q, n=n, y=y, yy=y % 100)
        fields[name] = values
    licenses = np.empty(count, dtype=np.int64)
    for s in range(3):
        chosen = style == s
        licenses[chosen] = rng.choice(len(LICENSES), int(chosen.sum()), p=LICENSE_P[s])
    fields["license"] = [LICENSES[i] for i in licenses.tolist()]
    return fields


def _categories(tables: Tables, plan: IdPlan, bucket: np.ndarray, style: np.ndarray,
                rng: np.random.Generator) -> list[str]:
    """A primary category (the old-style archive's own, else by era), then 0-3 cross-lists."""
    count = len(style)
    primary = np.empty(count, dtype=np.int64)
    for s in (FOUR_DIGIT, FIVE_DIGIT):
        chosen = style == s
        primary[chosen] = rng.choice(len(NEW_CATEGORIES), int(chosen.sum()),
                                     p=tables.category_p[s])
    archive = plan.archive[bucket]
    for a, choices in tables.old_categories.items():
        chosen = archive == a
        primary[chosen] = rng.choice(choices, int(chosen.sum()))
    cross_count = rng.choice(len(CROSS_LISTS_P), count, p=CROSS_LISTS_P).tolist()
    cross = rng.choice(len(NEW_CATEGORIES), (count, 3), p=tables.category_p[FIVE_DIGIT]).tolist()
    names = tables.categories
    return [" ".join(dict.fromkeys([names[p]] + [names[c] for c in row[:k]]))
            for p, row, k in zip(primary.tolist(), cross, cross_count, strict=True)]


# -- the file ---------------------------------------------------------------------------------


def generate_snapshot(out: str | Path, records: int = DEFAULT_RECORDS, seed: int = 0,
                      manifest_path: str | Path | None = None, workers: int | None = None,
                      block_records: int = BLOCK_RECORDS) -> dict:
    """Write the snapshot to out, block by block in file order, made by `workers` processes
    (default: one per core); returns the manifest (also written to manifest_path, default
    OUT with .manifest.json for its suffix). The bytes depend on records, seed and
    block_records only."""
    started = time.perf_counter()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    blocks = [(block, first, min(block_records, records - first))
              for block, first in enumerate(range(0, records, block_records))]
    totals = BlockCounts()
    with open(out, "wb") as handle:
        for data, counts in _made_blocks(records, seed, blocks, workers or os.cpu_count() or 1):
            handle.write(data)
            totals.add(counts)
    plan = id_plan(records)
    os.utime(out, (snapshot_end(), snapshot_end()))
    manifest = _manifest(out, plan, totals, seed, time.perf_counter() - started)
    manifest_path = Path(manifest_path) if manifest_path else out.with_suffix(".manifest.json")
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


class SnapshotBlocks:
    """Makes any block of one snapshot: the id plan and the tables, built once."""

    def __init__(self, records: int, seed: int) -> None:
        self.plan, self.tables, self.seed = id_plan(records), Tables(), seed

    def encoded(self, task: tuple[int, int, int]) -> tuple[bytes, BlockCounts]:
        block, first, count = task
        rng = np.random.default_rng([self.seed, block])  # a block's lines depend on it alone
        text, counts = block_text(self.plan, self.tables, first, count, rng)
        return text.encode("utf-8"), counts


_worker_blocks: SnapshotBlocks | None = None  # one per worker process


BLOCK_TIMEOUT = 600  # seconds: a block takes well under one


def _start_worker(records: int, seed: int) -> None:
    global _worker_blocks
    _worker_blocks = SnapshotBlocks(records, seed)


def _worker_block(task: tuple[int, int, int]) -> tuple[bytes, BlockCounts]:
    return _worker_blocks.encoded(task)


def _made_blocks(records: int, seed: int, blocks: list[tuple[int, int, int]],
                 workers: int) -> Iterator[tuple[bytes, BlockCounts]]:
    """The blocks in file order; workers run at most two blocks each ahead of the writer,
    which bounds memory."""
    workers = min(workers, len(blocks))
    if workers <= 1:
        yield from map(SnapshotBlocks(records, seed).encoded, blocks)
        return
    # Twice a test run hung here with multiprocessing.Pool (fork, then forkserver), its workers
    # idle: Pool waits forever for a worker that died. An executor says so instead
    # (BrokenProcessPool), and no block may take longer than BLOCK_TIMEOUT. forkserver, not
    # fork: a fork of a caller that runs threads (DuckDB's, in a test process) can copy a
    # lock another thread holds.
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                             initargs=(records, seed)) as pool:
        pending: deque = deque()
        for task in blocks:
            pending.append(pool.submit(_worker_block, task))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result(timeout=BLOCK_TIMEOUT)
        while pending:
            yield pending.popleft().result(timeout=BLOCK_TIMEOUT)


def _manifest(out: Path, plan: IdPlan, totals: BlockCounts, seed: int, seconds: float) -> dict:
    # Ids are unique by construction: distinct prefixes, numbers 1..count inside a bucket.
    distinct_ids = totals.records if len(set(plan.prefix)) == len(plan.prefix) else None
    return {
        "file": out.name,
        "bytes": out.stat().st_size,
        "seed": seed,
        "snapshot_day": SNAPSHOT_DAY.isoformat(),
        "records": totals.records,
        "distinct_ids": distinct_ids,
        "author_entries": totals.author_entries,
        "records_by_id_style": dict(zip(ID_STYLES, totals.by_style, strict=True)),
        "records_with_affiliation": totals.with_affiliation,
        "records_with_tex_accent_in_authors": totals.with_tex_authors,
        "raw_utf8_lines": totals.raw_utf8_lines,
        "versions": totals.versions,
        "expected": {"papers": distinct_ids, "paper_authors": totals.author_entries},
        "generator_seconds": round(seconds, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=DEFAULT_RECORDS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True,
                        help=f"the snapshot file (the real one is named {SNAPSHOT_NAME})")
    parser.add_argument("--manifest", type=Path,
                        help="where the manifest goes (default: OUT with suffix .manifest.json)")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes making blocks (default: one per core)")
    args = parser.parse_args(argv)
    if args.records < 1:
        parser.error("--records must be at least 1")
    manifest = generate_snapshot(args.out, args.records, args.seed, args.manifest, args.workers)
    print(json.dumps(manifest, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
