"""A built-in English sentiment corpus, generated deterministically and offline.

Every notebook and test of the course can train a sentiment classifier without a
network. The reviews are short and their labels follow rules that a reader
applies without thinking, but a bag of words cannot:

- negation flips a phrase: "not good" is negative, "never boring" positive;
- contrast: in "the cast was great but the plot was a mess" the clause after
  "but" decides; after "although" the main clause decides; after "though" or
  "even though" the clause before it decides;
- intensifiers and diminishers: "the acting was incredibly good and the ending
  was slightly slow" is positive (the strong judgement wins).

Public API (all deterministic, no network, no TensorFlow):

- :func:`tokenize` the course's tokeniser: lower case, runs of letters, digits
  and apostrophes (punctuation is dropped);
- :func:`load_builtin` the fixed splits, ``Splits(train, validation, test)``,
  each a ``(texts, labels)`` pair: a list of str and an int64 array of 0/1;
- :func:`negation_probe` a separate probe set of minimal pairs: reviews ``2i``
  and ``2i + 1`` hold exactly the same words (the same bag of words) and have
  opposite labels, so *any* bag-of-words model scores exactly 50% on it;
- :func:`generate_reviews` the generator itself, for other sizes and seeds.

Loaders for real data (IMDB through ``keras.datasets.imdb``, any
``text<TAB>label`` file) live in :mod:`autograder.loaders`.
"""
import random
import re
from functools import lru_cache
from typing import NamedTuple

import numpy as np

SEED = 2026
SIZES = {"train": 4000, "validation": 500, "test": 1000}
PROBE_PAIRS = 200

_TOKEN = re.compile(r"[a-z0-9']+")


def tokenize(text):
    """Split a text into lower-case tokens: runs of letters, digits and apostrophes.

    >>> tokenize("The cast was GREAT, but the plot wasn't!")
    ['the', 'cast', 'was', 'great', 'but', 'the', 'plot', "wasn't"]
    """
    return _TOKEN.findall(text.lower())


# ---- the lexicon ------------------------------------------------------------------

POSITIVE = ("good", "great", "excellent", "wonderful", "brilliant", "superb", "delightful",
            "charming", "gripping", "moving", "clever", "beautiful", "fun", "funny", "fresh",
            "solid", "stunning", "memorable", "enjoyable", "touching", "smart", "engaging",
            "powerful", "lovely", "outstanding", "exciting", "witty", "thoughtful")
NEGATIVE = ("bad", "awful", "terrible", "boring", "dull", "weak", "poor", "clumsy", "tedious",
            "bland", "messy", "lifeless", "predictable", "forgettable", "painful", "silly", "slow",
            "shallow", "annoying", "pointless", "flat", "dreadful", "stale", "confusing",
            "mediocre", "lazy", "cheap", "overlong")
# (noun, is plural)
ASPECTS = (("plot", False), ("story", False), ("acting", False), ("cast", False),
           ("script", False), ("dialogue", False), ("ending", False), ("pacing", False),
           ("soundtrack", False), ("music", False), ("direction", False), ("camera work", False),
           ("humour", False), ("lead", False), ("villain", False), ("score", False),
           ("editing", False), ("writing", False), ("premise", False), ("finale", False),
           ("characters", True), ("visuals", True), ("performances", True), ("effects", True),
           ("jokes", True), ("fight scenes", True), ("costumes", True), ("twists", True))
WORKS = ("the film", "this film", "the movie", "this movie", "the show", "this show",
         "the series", "this series", "the season", "the documentary", "the sequel", "the pilot",
         "the sopranos", "the wire", "this thriller", "this comedy", "the drama", "this remake",
         "the miniseries", "the cartoon")
NOUNS = ("show", "film", "movie", "series", "story", "thing", "drama", "comedy")
BEST = (("best", 1), ("finest", 1), ("greatest", 1), ("worst", 0), ("weakest", 0),
        ("dullest", 0))
INTENSIFIERS = ("very", "really", "truly", "extremely", "incredibly", "remarkably", "utterly",
                "thoroughly", "so", "deeply")
DIMINISHERS = ("somewhat", "slightly", "fairly", "a little", "rather", "mildly", "kind of",
               "a bit")
# (base form, past form, polarity)
VERBS = (("love", "loved", 1), ("enjoy", "enjoyed", 1), ("like", "liked", 1),
         ("adore", "adored", 1), ("recommend", "recommended", 1), ("admire", "admired", 1),
         ("hate", "hated", 0), ("dislike", "disliked", 0), ("regret", "regretted", 0),
         ("resent", "resented", 0), ("despise", "despised", 0))
OPENERS = ("", "", "", "", "honestly ", "overall ", "i think ", "to be fair ", "in the end ",
           "frankly ", "all in all ", "i have to say ")
CLOSERS = ("", "", "", "", " from start to finish", " at times", " in places",
           " for most of it", " throughout")


class Review(NamedTuple):
    text: str
    label: int


class Splits(NamedTuple):
    """The built-in corpus: each field is ``(texts, labels)``."""

    train: tuple
    validation: tuple
    test: tuple


# ---- clauses: (text, polarity 0/1, strength 0 weak / 1 plain / 2 strong) -----------

def _adjective(rng, polarity):
    return rng.choice(POSITIVE if polarity else NEGATIVE)


def _degree(rng):
    """An optional intensifier or diminisher, and the strength it gives."""
    r = rng.random()
    if r < 0.25:
        return rng.choice(INTENSIFIERS) + " ", 2
    if r < 0.4:
        return rng.choice(DIMINISHERS) + " ", 0
    return "", 1


def _copula(rng, plural, negated):
    if negated:
        return rng.choice((("were not", "are not", "weren't", "aren't", "were never",
                            "are hardly") if plural else
                           ("was not", "is not", "wasn't", "isn't", "was never", "is hardly")))
    return rng.choice(("were", "are") if plural else ("was", "is"))


def aspect_clause(rng, polarity, negated=None, degree=True):
    """'the plot was not very good': an aspect, a copula, maybe a negation, an adjective."""
    noun, plural = rng.choice(ASPECTS)
    negated = rng.random() < 0.25 if negated is None else negated
    word, strength = _degree(rng) if degree else ("", 1)
    adjective = _adjective(rng, polarity ^ negated)  # the negation flips what is said
    text = f"the {noun} {_copula(rng, plural, negated)} {word}{adjective}"
    # "not very good" is a mild judgement; "not slightly good" is not English: keep degrees
    # out of negated clauses except intensifiers.
    if negated and strength == 0:
        text = f"the {noun} {_copula(rng, plural, negated)} {adjective}"
        strength = 1
    return text, polarity, (1 if negated else strength)


def work_clause(rng, polarity, negated=None):
    """'the sopranos was the best show', 'this film is not the worst movie of the year'."""
    negated = rng.random() < 0.25 if negated is None else negated
    word = rng.choice([w for w, p in BEST if p == (polarity ^ negated)])
    copula = rng.choice(("was not", "is not", "wasn't", "isn't") if negated else ("was", "is"))
    tail = rng.choice(("", " i have seen", " of the year", " in years", " on television",
                       " ever made"))
    return f"{rng.choice(WORKS)} {copula} the {word} {rng.choice(NOUNS)}{tail}", polarity, 1


def verb_clause(rng, polarity, negated=None):
    """'i did not enjoy the ending', 'i never hated it'."""
    negated = rng.random() < 0.25 if negated is None else negated
    base, past, _ = rng.choice([v for v in VERBS if v[2] == (polarity ^ negated)])
    target = rng.choice(("it", "it", "the " + rng.choice(ASPECTS)[0], "every minute",
                         "this one"))
    if base == "regret":
        target = "watching " + ("it" if target.startswith("the ") else target)
    if negated:
        form = rng.choice((f"did not {base}", f"didn't {base}", f"never {past}"))
    else:
        form = rng.choice((past, past, f"really {past}", f"truly {past}"))
    return f"i {form} {target}", polarity, 1


def never_clause(rng, polarity):
    """'it never gets boring' (positive), 'it never gets exciting' (negative)."""
    verb = rng.choice(("gets", "feels", "becomes", "seems"))
    subject = rng.choice(("it", "it", rng.choice(WORKS)))
    if rng.random() < 0.5:
        return f"{subject} never {verb} {_adjective(rng, 1 - polarity)}", polarity, 1
    return f"{subject} always {verb} {_adjective(rng, polarity)}", polarity, 1


def clause(rng, polarity):
    r = rng.random()
    if r < 0.5:
        return aspect_clause(rng, polarity)
    if r < 0.65:
        return work_clause(rng, polarity)
    if r < 0.85:
        return verb_clause(rng, polarity)
    return never_clause(rng, polarity)


# ---- whole reviews ------------------------------------------------------------------

def review(rng):
    """One review and its label; the template decides which clause carries the label."""
    label = rng.randrange(2)
    r = rng.random()
    if r < 0.34:  # a single judgement
        text = clause(rng, label)[0]
    elif r < 0.50:  # "X but Y": Y decides
        text = f"{clause(rng, 1 - label)[0]} but {clause(rng, label)[0]}"
    elif r < 0.56:  # "although X, Y": the main clause Y decides
        text = f"although {clause(rng, 1 - label)[0]}, {clause(rng, label)[0]}"
    elif r < 0.62:  # "X, even though Y": X decides
        joint = rng.choice(("even though", "though"))
        text = f"{clause(rng, label)[0]}, {joint} {clause(rng, 1 - label)[0]}"
    elif r < 0.80:  # agreement: "X and Y"
        text = f"{clause(rng, label)[0]} and {clause(rng, label)[0]}"
    elif r < 0.88:  # degree decides: "incredibly good and slightly slow" is positive
        words = aspect_clause(rng, label, negated=False, degree=False)[0].split(" ")
        words.insert(-1, rng.choice(INTENSIFIERS))  # before the adjective
        weak = aspect_clause(rng, 1 - label, negated=False, degree=False)[0].split(" ")
        weak.insert(-1, rng.choice(DIMINISHERS))
        parts = [" ".join(words), " ".join(weak)]
        if rng.random() < 0.5:
            parts.reverse()
        text = " and ".join(parts)
    else:  # the probe set's shapes: "X, not Y", "not X, it was Y", "never X and always Y"
        text = _pair_shape(rng, label)[0]
    opener, closer = rng.choice(OPENERS), rng.choice(CLOSERS)
    return Review(f"{opener}{text}{closer}.".capitalize(), label)


def _pair_shape(rng, label):
    """A review whose words, reordered, give the opposite label (see negation_probe)."""
    good, bad = _adjective(rng, 1), _adjective(rng, 0)
    first, second = (good, bad) if label else (bad, good)
    kind = rng.randrange(4)
    if kind == 0:
        noun, plural = rng.choice(ASPECTS)
        copula = "were" if plural else "was"
        return f"the {noun} {copula} {first}, not {second}", (second, first)
    if kind == 1:
        return f"{rng.choice(WORKS)} is never {second} and always {first}", (first, second)
    if kind == 2:
        return f"it was not {second}, it was {first}", (first, second)
    # a contrast of two aspects: the clause after "but" decides
    (n1, p1), (n2, p2) = rng.sample(ASPECTS, 2)
    a = f"the {n1} {'were' if p1 else 'was'} {second}"
    b = f"the {n2} {'were' if p2 else 'was'} {first}"
    return f"{a} but {b}", None


def generate_reviews(n, seed=SEED):
    """``n`` distinct reviews with balanced-ish labels, as a list of :class:`Review`."""
    rng = random.Random(seed)
    seen, out = set(), []
    while len(out) < n:
        r = review(rng)
        if r.text not in seen:
            seen.add(r.text)
            out.append(r)
    return out


def _as_split(reviews):
    texts = tuple(r.text for r in reviews)
    labels = np.array([r.label for r in reviews], dtype=np.int64)
    labels.setflags(write=False)
    return texts, labels


@lru_cache(maxsize=None)
def load_builtin():
    """The built-in corpus, fixed train / validation / test splits.

    Returns ``Splits(train, validation, test)``; each is ``(texts, labels)``:
    a tuple of str and a read-only int64 array of 0 (negative) / 1 (positive).
    Sizes: 4000 / 500 / 1000. The same every run, on every machine.
    """
    reviews = generate_reviews(sum(SIZES.values()))
    a = SIZES["train"]
    b = a + SIZES["validation"]
    return Splits(_as_split(reviews[:a]), _as_split(reviews[a:b]), _as_split(reviews[b:]))


@lru_cache(maxsize=None)
def negation_probe(pairs=PROBE_PAIRS, seed=SEED + 1):
    """Minimal pairs that need word order: ``(texts, labels)``.

    Reviews ``2i`` and ``2i + 1`` hold the same multiset of tokens and opposite
    labels ("the acting was good, not bad" / "the acting was bad, not good"),
    so a model that sees only a bag of words gives both the same score and gets
    exactly one of each pair right. None of them occurs in the built-in splits.
    """
    known = {t for split in load_builtin() for t in split[0]}
    rng = random.Random(seed)
    texts, labels, seen = [], [], set()
    while len(texts) < 2 * pairs:
        state = rng.getstate()
        positive, _ = _pair_shape(rng, 1)
        rng.setstate(state)  # same words, opposite label
        negative, _ = _pair_shape(rng, 0)
        pair = (positive.capitalize() + ".", negative.capitalize() + ".")
        if pair[0] in seen or pair[0] in known or pair[1] in known:
            continue
        if sorted(tokenize(pair[0])) != sorted(tokenize(pair[1])):
            raise AssertionError(f"not a minimal pair: {pair}")
        seen.add(pair[0])
        texts += pair
        labels += [1, 0]
    labels = np.array(labels, dtype=np.int64)
    labels.setflags(write=False)
    return tuple(texts), labels
