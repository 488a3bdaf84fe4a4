"""A synthetic corpus of Daily Papers text scrapes, in exactly the bundled sample's format.

Pages are named ``YYYY-MM-DD_hf-daily-papers-<n>.txt`` (the file name's date is the scrape
date), scraped on days spread over the year ending 2025-12-12. Each page holds ~50 cards.
A share of the cards (--distinct-share, default 0.9) show a paper for the first time; the
rest show again a paper an earlier page showed, most often a recent one. Each paper has a
unique title and abstract, an authors count, a publication date on or before its first
sighting and upvotes that grow with later scrapes. Some papers are shown without the
authors/date block, and about one card in 20,000 is malformed (a bad date or authors line)
so the reject path gets exercised.

Deterministic for a seed. Every value on a card is a function of (paper, scrape date), so the
expected warehouse contents do not depend on how ties between same-day scrapes are broken;
the manifest records them.

    python -m bench.generate --cards 1000000 --pages 20000 [--distinct-share 0.9] --out DIR
        [--manifest FILE]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

LAST_SCRAPE = date(2025, 12, 12)
SCRAPE_DAYS = 365
OLDEST_PUBLICATION = date(2017, 1, 1)
DEFAULT_DISTINCT_SHARE = 0.9  # a year of search pages: most cards are papers not seen before
RECENT_DAYS = 30
RECENT_SHARE = 0.6  # share of a page's repeat cards showing papers first seen in RECENT_DAYS
FRESH_SHARE = 0.7  # share of papers first seen within RECENT_DAYS of their publication
WITHOUT_META_SHARE = 0.06
MALFORMED_EVERY = 20_000
MAX_AUTHORS = 30

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PAGE_HEADER = (
    "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\n"
    "byAK and the research community\n\n"
)
CARD_SEPARATOR = "\n\n"
META_SEPARATOR = "·"
MALFORMED_KINDS = ("date", "authors", "impossible-date")
FRESH_TITLE_SUFFIX = ", Revisited"  # no corpus title contains this word


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FUNCTION_WORDS = _words(
    "the of and to a in we that for is on with this by as our are from an which be can "
    "these it at its their than both while into such more not or also without over across "
    "using through between"
)
CONTENT_WORDS = _words(
    "model models learning language large neural network networks data training performance "
    "method methods approach framework results task tasks propose show state-of-the-art "
    "representation representations benchmark benchmarks reasoning generation image images "
    "video text visual multimodal diffusion transformer transformers attention agents agent "
    "reinforcement policy reward inference efficient efficiency scaling parameters accuracy "
    "evaluation evaluate dataset datasets fine-tuning pretraining pre-trained supervised "
    "self-supervised unsupervised robust robustness generalization inductive bias biases "
    "architecture architectures design layer layers embedding embeddings token tokens context "
    "long-context memory retrieval knowledge graph graphs structure structured alignment "
    "preference human feedback instruction instructions prompt prompting zero-shot few-shot "
    "in-context chain-of-thought planning search optimization gradient loss objective "
    "theoretical empirical analysis experiments demonstrate outperforms achieves improves "
    "significantly novel simple effective scalable lightweight sparse dense mixture experts "
    "latent space spaces features feature semantic spatial temporal 3D 2D scene scenes "
    "object objects detection segmentation recognition classification regression "
    "distribution distributions shift uncertainty calibration safety harmful adversarial "
    "attacks defense privacy federated clients compression quantization pruning distillation "
    "teacher student speedup latency throughput hardware GPU memory-efficient kernels "
    "decoding sampling autoregressive masked contrastive objectives encoder decoder "
    "vision-language speech audio music molecular protein biology medical clinical "
    "physics simulation robot robotic manipulation navigation embodied world dynamics "
    "control trajectories environment environments real-world synthetic generated "
    "generative adversarial variational autoencoder flow matching score consistency "
    "evaluation metrics human-level capabilities limitations challenges existing prior "
    "previous recent works study studies investigate explore introduce present develop "
    "leverage enable allows capture captures learn learns learned predict predicts "
    "prediction predictions downstream upstream open-source code available release "
    "released public fine-grained coarse hierarchical multi-scale global local "
    "invariant equivariant symmetry geometric geometry topology continuous discrete "
    "tokenizer vocabulary multilingual cross-lingual translation summarization question "
    "answering dialogue conversational assistant tool tools use API calls execution "
    "verification verifier verifiable correctness mathematical math proofs theorem "
    "program programs code software engineering repositories bugs tests testing "
    "interpretability mechanistic circuits neurons probing steering editing unlearning "
    "continual lifelong catastrophic forgetting adaptation domain domains transfer "
    "test-time compute budget inference-time reasoning traces rewards verifiers critics "
    "hallucination factuality grounding citations retrieval-augmented documents corpus "
    "web pages crawling quality filtering curation synthetic-data annotations labels "
    "noisy weak supervision active bandit exploration exploitation regret bounds "
    "convergence rate stochastic convex nonconvex landscape sharpness flatness "
    "overparameterized kernel regime infinite width depth residual normalization "
    "activation functions initialization stability instability collapse emergence "
    "emergent abilities phase transitions grokking memorization generalize "
    "compositional systematic out-of-distribution in-distribution spurious correlations "
    "shortcut fairness bias mitigation evaluation protocol leaderboard arena judges "
    "judge LLM LLMs VLM VLMs MLLMs RL RLHF DPO PPO GRPO CNN CNNs ViT ViTs GNN GNNs MLP "
    "MLPs LoRA adapters prefix tuning parameter-efficient merging ensembles routing "
    "gating experts load balancing pipeline parallelism distributed clusters"
)
TITLE_WORDS = _words(
    "Learning Language Models Reasoning Vision Transformers Diffusion Agents Scaling "
    "Efficient Robust Generalization Representations Alignment Retrieval Planning Memory "
    "Attention Graphs Multimodal Video Generation Inference Training Benchmark Evaluation "
    "Reinforcement Policy Reward Preference Feedback Tokens Context Search Tools Code "
    "Mathematics Proofs Robots Embodied World Dynamics Latent Spaces Features Circuits "
    "Interpretability Safety Privacy Compression Quantization Distillation Sparse Experts "
    "Mixture Adaptation Transfer Continual Calibration Uncertainty Hallucination Grounding "
    "Segmentation Detection Recognition Speech Audio Music Molecules Proteins Medicine "
    "Physics Simulation Navigation Manipulation Geometry Symmetry Invariance Equivariance "
    "Compositionality Emergence Memorization Grokking Optimization Gradients Kernels "
    "Normalization Initialization Depth Width Routing Merging Adapters Prompting Dialogue "
    "Translation Summarization Documents Tables Charts Scenes Objects Trajectories"
)
TITLE_ADJECTIVES = _words(
    "Efficient Scalable Simple Robust Unified Adaptive Hierarchical Contrastive Sparse "
    "Dense Latent Causal Implicit Explicit Continual Self-Supervised Zero-Shot Few-Shot "
    "Long-Context Multilingual Interpretable Verifiable Compositional Geometric Neural "
    "Probabilistic Generative Discriminative Autoregressive Parallel Distributed Federated "
    "Lightweight Principled Faithful Grounded Structured Dynamic Modular Recursive"
)
TITLE_TEMPLATES = (
    "{adj} {w1} for {w2} {w3}",
    "Towards {adj} {w1} {w2}",
    "{w1} {w2} via {adj} {w3}",
    "On the {w1} of {adj} {w2}",
    "{adj} {w1} Meets {w2} {w3}",
    "Rethinking {w1} in {adj} {w2}",
    "When Do {w1} Need {adj} {w2}?",
    "{w1} without {w2}: {adj} {w3}",
    "Beyond {w1}: {adj} {w2} for {w3}",
    "{adj} {w1}, {w2} and {w3}",
)
NAME_SYLLABLES = _words(
    "Al Be Co Da El Fa Ga He Io Ja Ka Lu Mo Na Or Pi Qu Ra Si Ta Un Vi Wo Xe Yu Ze "
    "Bit Net Mix Flow Gen Vis Lang Mem Rea Plan Tok Graph Seq Diff Form Coder Bench Agent"
)


@dataclass(frozen=True)
class Card:
    """One card as a page shows it. No published date means no authors/date block."""

    title: str
    abstract: str
    authors_count: int | None = None
    published: date | None = None
    upvotes: int | None = None  # None or 0: no number after the date


@dataclass
class Corpus:
    """Everything about the papers, indexed by paper number (in order of first sighting)."""

    heads: list[str]  # "title\n\nabstract", as a card starts
    authors: np.ndarray  # int
    published: np.ndarray  # days since 1970-01-01
    has_meta: np.ndarray  # bool
    final_votes: np.ndarray  # float
    vote_tau: np.ndarray  # days for votes to approach final_votes


def normalized_title(title: str) -> str:
    """The strictest reasonable normalization: lower case letters and digits only."""
    return re.sub(r"[^a-z0-9]+", "", title.lower())


def format_date_line(published: date, scraped_on: date, upvotes: int | None = None) -> str:
    """'May 6' in the scrape's year, 'Aug 3, 2023' otherwise; votes follow when shown."""
    text = f"{MONTHS[published.month - 1]} {published.day}"
    if published.year != scraped_on.year:
        text += f", {published.year}"
    if upvotes:
        text += f" {upvotes}"
    return text


def format_card(card: Card, scraped_on: date) -> str:
    text = f"{card.title}\n\n{card.abstract}"
    if card.published is not None:
        if card.authors_count is None:
            raise ValueError("a card with a date shows its authors count too")
        text += f"\n\n  • {card.authors_count} authors\n{META_SEPARATOR}\n"
        text += format_date_line(card.published, scraped_on, card.upvotes)
    return text


def page_header(scraped_on: date) -> str:
    return f"{PAGE_HEADER}{MONTHS[scraped_on.month - 1]} {scraped_on.day}\n\n"


def page_name(scraped_on: date, number: int) -> str:
    return f"{scraped_on.isoformat()}_hf-daily-papers-{number}.txt"


def write_page(path: str | Path, scraped_on: date, cards: list[Card]) -> Path:
    """Write one page of cards in the sample's format (no trailing newline, like the sample)."""
    path = Path(path)
    text = page_header(scraped_on) + CARD_SEPARATOR.join(
        format_card(card, scraped_on) for card in cards
    )
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


def fresh_cards(count: int, scraped_on: date, seed: int = 0) -> list[Card]:
    """Cards of papers that no generated corpus contains (titles end in FRESH_TITLE_SUFFIX)."""
    rng = np.random.default_rng([seed, 7_919])
    titles = _titles(count, random.Random(seed + 7_919))
    abstracts = _abstracts(count, rng)
    cards = []
    for index in range(count):
        age = int(rng.integers(0, 4))
        cards.append(Card(
            title=titles[index] + FRESH_TITLE_SUFFIX,
            abstract=abstracts[index],
            authors_count=int(rng.integers(1, MAX_AUTHORS + 1)),
            published=scraped_on - timedelta(days=age),
            upvotes=int(rng.integers(0, 20)),
        ))
    return cards


def generate(out_dir: str | Path, cards: int = 1_000_000, pages: int = 20_000,
             seed: int = 0, distinct_share: float = DEFAULT_DISTINCT_SHARE) -> dict:
    """Write the corpus into out_dir; returns the manifest (counts and expected marts).
    About distinct_share × cards of the cards are distinct papers (0.2: one in five)."""
    if not 0 < distinct_share <= 1:
        raise ValueError(f"distinct_share must be in (0, 1], not {distinct_share}")
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    scrape_days = _scrape_days(pages)
    per_page = _cards_per_page(cards, pages)
    new_per_page = _new_papers_per_page(per_page, distinct_share)
    first_day = np.repeat(scrape_days, new_per_page)  # paper -> day of its first sighting
    corpus = _corpus(first_day, rng, random.Random(seed))
    page_papers = _assign_cards(per_page, new_per_page, scrape_days, first_day, rng)
    card_paper = np.concatenate(page_papers) if page_papers else np.zeros(0, dtype=np.int64)
    card_day = np.repeat(scrape_days, [len(p) for p in page_papers])
    malformed = _choose_malformed(card_paper, card_day, corpus.has_meta, rng)

    heads = corpus.heads
    authors_blocks = [f"\n\n  • {n} authors\n{META_SEPARATOR}\n" for n in corpus.authors.tolist()]
    pub_dates = [_day(d) for d in corpus.published.tolist()]
    month_day = [f"{MONTHS[d.month - 1]} {d.day}" for d in pub_dates]
    years = [d.year for d in pub_dates]
    has_meta = corpus.has_meta.tolist()

    card_number = 0
    for page_number, (day, papers) in enumerate(zip(scrape_days.tolist(), page_papers,
                                                    strict=True), start=1):
        scraped_on = _day(day)
        votes = _votes(corpus, papers, day).tolist()
        parts = [page_header(scraped_on)]
        for position, paper in enumerate(papers.tolist()):
            if position:
                parts.append(CARD_SEPARATOR)
            parts.append(heads[paper])
            if has_meta[paper]:
                date_line = month_day[paper]
                if years[paper] != scraped_on.year:
                    date_line += f", {years[paper]}"
                if votes[position]:
                    date_line += f" {votes[position]}"
                authors_block = authors_blocks[paper]
                kind = malformed.get(card_number)
                if kind == "date":
                    date_line = "Foo 99"
                elif kind == "impossible-date":
                    date_line = f"Feb 30, {years[paper]}"
                elif kind == "authors":
                    authors_block = f"\n\n  • many authors\n{META_SEPARATOR}\n"
                parts.append(authors_block)
                parts.append(date_line)
            card_number += 1
        (out_dir / page_name(scraped_on, page_number)).write_text(
            "".join(parts), encoding="utf-8", newline="\n")

    manifest = _manifest(corpus, card_paper, card_day, malformed, scrape_days, seed)
    manifest["distinct_share"] = distinct_share
    manifest["generator_seconds"] = round(time.perf_counter() - started, 3)
    return manifest


# -- the corpus ---------------------------------------------------------------------------


def _scrape_days(pages: int) -> np.ndarray:
    """Spread evenly over the year ending LAST_SCRAPE, first and last day included."""
    last = _epoch_day(LAST_SCRAPE)
    days_back = np.rint(np.linspace(0, SCRAPE_DAYS - 1, pages)).astype(np.int64)[::-1]
    return last - days_back


def _cards_per_page(cards: int, pages: int) -> np.ndarray:
    per_page = np.full(pages, cards // max(pages, 1), dtype=np.int64)
    per_page[: cards - int(per_page.sum())] += 1
    return per_page


def _new_papers_per_page(per_page: np.ndarray, distinct_share: float) -> np.ndarray:
    """How many of each page's cards show a paper for the first time: distinct_share of the
    cards so far, or more where earlier pages have too few papers to fill the rest (a page
    shows a paper at most once)."""
    wanted_so_far = np.rint(distinct_share * np.cumsum(per_page)).astype(np.int64).tolist()
    new_per_page = np.empty_like(per_page)
    seen = 0
    for page, (cards, wanted) in enumerate(zip(per_page.tolist(), wanted_so_far,
                                                strict=True)):
        new = min(cards, max(wanted - seen, cards - seen))
        new_per_page[page] = new
        seen += new
    return new_per_page


def _corpus(first_day: np.ndarray, rng: np.random.Generator, py_rng: random.Random) -> Corpus:
    """Papers published on or before the day a page first shows them, most of them fresh."""
    papers = len(first_day)
    oldest = _epoch_day(OLDEST_PUBLICATION)
    fresh = rng.random(papers) < FRESH_SHARE
    published = np.where(
        fresh,
        first_day - rng.integers(0, RECENT_DAYS, papers),
        rng.integers(oldest, first_day + 1, papers),
    )
    authors = np.clip(np.rint(rng.lognormal(1.4, 0.6, papers)), 1, MAX_AUTHORS).astype(np.int64)
    voted = rng.random(papers) < 0.5
    final_votes = np.where(voted, np.minimum(rng.lognormal(2.5, 1.3, papers), 2_000), 0.0)
    return Corpus(
        heads=_card_heads(_titles(papers, py_rng), rng),
        authors=authors,
        published=published,
        has_meta=rng.random(papers) >= WITHOUT_META_SHARE,
        final_votes=final_votes,
        vote_tau=rng.uniform(3, 30, papers),
    )


def _titles(count: int, py_rng: random.Random) -> list[str]:
    titles: list[str] = []
    seen: set[str] = set()
    choice = py_rng.choice
    while len(titles) < count:
        words = py_rng.sample(TITLE_WORDS, 3)
        title = choice(TITLE_TEMPLATES).format(
            adj=choice(TITLE_ADJECTIVES), w1=words[0], w2=words[1], w3=words[2])
        if py_rng.random() < 0.6:
            name = "".join(py_rng.sample(NAME_SYLLABLES, py_rng.randint(2, 3)))
            title = f"{name}: {title}"
        key = normalized_title(title)
        if key not in seen:
            seen.add(key)
            titles.append(title)
    return titles


def _card_heads(titles: list[str], rng: np.random.Generator) -> list[str]:
    """Each title with a new abstract, made a batch at a time: no abstract is held twice."""
    abstracts = itertools.chain.from_iterable(_abstract_batches(len(titles), rng))
    return [f"{title}\n\n{abstract}" for title, abstract in zip(titles, abstracts, strict=True)]


def _abstracts(count: int, rng: np.random.Generator) -> list[str]:
    return list(itertools.chain.from_iterable(_abstract_batches(count, rng)))


def _abstract_batches(count: int, rng: np.random.Generator,
                      batch: int = 20_000) -> Iterator[list[str]]:
    """160-300 Zipf-weighted words each (mean 230, like the sample), in sentences; vectorized,
    then one join per paper."""
    words = list(FUNCTION_WORDS + CONTENT_WORDS)
    function = 1.0 / np.arange(1, len(FUNCTION_WORDS) + 1) ** 0.8
    content = 1.0 / np.arange(1, len(CONTENT_WORDS) + 1) ** 0.6
    # About half the words of an English abstract are function words.
    weights = np.concatenate([function / function.sum(), content / content.sum()]) / 2
    vocabulary = len(words)
    forms = np.array(
        words
        + [w[:1].upper() + w[1:] for w in words]
        + [w + "." for w in words]
        + [w[:1].upper() + w[1:] + "." for w in words]
        + [w + "," for w in words],
        dtype=object,
    )
    for start in range(0, count, batch):
        n = min(batch, count - start)
        lengths = rng.integers(160, 301, n)
        ends = np.cumsum(lengths)
        total = int(ends[-1])
        index = rng.choice(vocabulary, size=total, p=weights)
        sentence_end = rng.random(total) < 1 / 22
        sentence_end[ends - 1] = True
        sentence_start = np.empty(total, dtype=bool)
        sentence_start[0] = True
        sentence_start[1:] = sentence_end[:-1]
        comma = (rng.random(total) < 0.05) & ~sentence_end & ~sentence_start
        form = sentence_start.astype(np.int64) + 2 * sentence_end + 4 * comma
        tokens = forms[form * vocabulary + index].tolist()
        starts = [0, *ends[:-1].tolist()]
        yield [" ".join(tokens[begin:end]) for begin, end in zip(starts, ends.tolist(),
                                                                 strict=True)]


def _assign_cards(per_page: np.ndarray, new_per_page: np.ndarray, scrape_days: np.ndarray,
                  first_day: np.ndarray, rng: np.random.Generator) -> list[np.ndarray]:
    """For each page, its new papers and distinct repeats of papers earlier pages showed."""
    assigned = []
    seen = 0  # papers are numbered in order of first sighting
    for day, cards, new in zip(scrape_days.tolist(), per_page.tolist(), new_per_page.tolist(),
                               strict=True):
        repeats = _repeat_papers(cards - new, seen, day, first_day, rng)
        assigned.append(rng.permutation(np.concatenate([np.arange(seen, seen + new), repeats])))
        seen += new
    return assigned


def _repeat_papers(wanted: int, seen: int, day: int, first_day: np.ndarray,
                   rng: np.random.Generator) -> np.ndarray:
    """wanted distinct papers of the first `seen`, RECENT_SHARE of them first seen lately."""
    if wanted == 0:
        return np.zeros(0, dtype=np.int64)
    recent_from = int(np.searchsorted(first_day[:seen], day - RECENT_DAYS, side="left"))
    recent = int(rng.binomial(wanted, RECENT_SHARE)) if seen > recent_from else 0
    chosen = np.unique(np.concatenate([
        rng.integers(recent_from, seen, recent),
        rng.integers(0, seen, wanted - recent),
    ]))
    while len(chosen) < wanted:
        extra = rng.integers(0, seen, wanted - len(chosen))
        chosen = np.unique(np.concatenate([chosen, extra]))
    return chosen


def _choose_malformed(card_paper: np.ndarray, card_day: np.ndarray, has_meta: np.ndarray,
                      rng: np.random.Generator) -> dict[int, str]:
    """About one card in MALFORMED_EVERY (at least one), each of a paper that has a valid
    sighting on a later day, so rejecting it changes neither the papers nor their latest
    values. None when no paper is shown on two days (distinct_share 1)."""
    if len(card_paper) == 0:
        return {}
    wanted = max(1, round(len(card_paper) / MALFORMED_EVERY))
    last_day = np.full(len(has_meta), np.iinfo(np.int64).min)
    np.maximum.at(last_day, card_paper, card_day)
    candidates = np.flatnonzero(has_meta[card_paper] & (card_day < last_day[card_paper]))
    chosen: dict[int, str] = {}
    papers: set[int] = set()
    for card in rng.permutation(candidates).tolist():
        if len(chosen) == wanted:
            break
        paper = int(card_paper[card])
        if paper not in papers:
            papers.add(paper)
            chosen[card] = MALFORMED_KINDS[len(chosen) % len(MALFORMED_KINDS)]
    return chosen


def _votes(corpus: Corpus, papers: np.ndarray, day: int | np.ndarray) -> np.ndarray:
    """Upvotes on a scrape day: non-decreasing in the day, approaching the paper's final."""
    age = np.maximum(day - corpus.published[papers], 0) + 1
    return np.floor(corpus.final_votes[papers] * -np.expm1(-age / corpus.vote_tau[papers])
                    ).astype(np.int64)


def _manifest(corpus: Corpus, card_paper: np.ndarray, card_day: np.ndarray,
              malformed: dict[int, str], scrape_days: np.ndarray, seed: int) -> dict:
    papers = np.unique(card_paper)
    last_day = np.full(len(corpus.has_meta), np.iinfo(np.int64).min)
    np.maximum.at(last_day, card_paper, card_day)
    meta = corpus.has_meta[papers]
    latest_votes = _votes(corpus, papers, last_day[papers])
    shown_votes = meta & (latest_votes > 0)
    authors = Counter(corpus.authors[papers][meta].tolist())
    distribution = {str(k): v for k, v in sorted(authors.items())}
    if (~meta).any():
        distribution["unknown"] = int((~meta).sum())
    dated = corpus.published[papers][meta]
    valid = np.ones(len(card_paper), dtype=bool)
    valid[list(malformed)] = False
    # The warehouse keeps one sighting per paper and scrape time (pages are dated by day).
    scrape_sightings = len(np.unique(card_paper[valid] * 1_000_000 + card_day[valid]))
    return {
        "seed": seed,
        "files": len(scrape_days),
        "first_scrape": _day(int(scrape_days.min())).isoformat() if len(scrape_days) else None,
        "last_scrape": _day(int(scrape_days.max())).isoformat() if len(scrape_days) else None,
        "cards": len(card_paper),
        "malformed": len(malformed),
        "malformed_kinds": dict(Counter(malformed.values())),
        "valid_cards": len(card_paper) - len(malformed),
        "cards_without_meta": int((~corpus.has_meta[card_paper]).sum()),
        "distinct_papers": len(papers),
        "expected": {
            "papers": len(papers),
            "paper_sightings": len(card_paper) - len(malformed),
            "paper_scrape_sightings": scrape_sightings,
            "papers_with_published_date": int(meta.sum()),
            "first_published": _day(int(dated.min())).isoformat() if len(dated) else None,
            "last_published": _day(int(dated.max())).isoformat() if len(dated) else None,
            "papers_with_upvotes": int(shown_votes.sum()),
            "upvotes_sum": int(latest_votes[shown_votes].sum()),
            "max_upvotes": int(latest_votes[shown_votes].max()) if shown_votes.any() else None,
            "authors_count": distribution,
        },
    }


def _epoch_day(day: date) -> int:
    return (day - date(1970, 1, 1)).days


def _day(epoch_day: int) -> date:
    return date(1970, 1, 1) + timedelta(days=epoch_day)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=1_000_000)
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--distinct-share", type=float, default=DEFAULT_DISTINCT_SHARE,
                        help="share of the cards that are distinct papers (default "
                             f"{DEFAULT_DISTINCT_SHARE}; 0.2 is one paper per five cards)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="directory for the pages")
    parser.add_argument("--manifest", type=Path, help="also write the manifest JSON here")
    args = parser.parse_args(argv)
    if not 0 < args.distinct_share <= 1:
        parser.error(f"--distinct-share must be in (0, 1], not {args.distinct_share}")
    manifest = generate(args.out, cards=args.cards, pages=args.pages, seed=args.seed,
                        distinct_share=args.distinct_share)
    text = json.dumps(manifest, indent=2)
    if args.manifest:
        args.manifest.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
