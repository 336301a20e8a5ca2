"""A built-in tagging corpus: short English sentences with a part of speech for every word.

Generated deterministically and offline, like :mod:`autograder.corpus`, so that the
tagger of assignment 08 trains in seconds on any machine. The tags are coarse parts of
speech in the spirit of the Universal Dependencies tag set. Many words take two tags,
and only their context decides which:

- noun or verb: "they **watch** the **play**" / "the **watch** will **play**"
  (after a determiner or an adjective: a noun; after a subject, "to", "not" or an
  auxiliary: a verb), "the dog **runs**" / "the long **runs**";
- adjective or adverb: "a **fast** car" / "the car runs **fast**";
- particle or preposition: "they go **to** play" / "they go **to** the river".

For every word but the last kind the words before it decide, so a left-to-right RNN that
keeps every state can tag them; for "to" after a verb of motion only the next word
decides, which a left-to-right tagger cannot see yet (a bidirectional one can). A model
that looks each word up on its own gets every ambiguous word wrong in one of its uses
(see :func:`ambiguous_words`).

Public API (deterministic, no network, no TensorFlow):

- :data:`TAGS` the tag names; tag 0 is ``"<pad>"``, the label of padded positions;
- :func:`load_tagging` the fixed splits, ``TaggedSplits(train, test)``, each a pair
  ``(sentences, tags)`` of tuples of word tuples and tag-name tuples;
- :func:`vocabulary` the word of every id: 0 is ``"<pad>"``, 1 ``"<unk>"``;
- :func:`to_arrays` sentences and tags -> padded ids and labels (post-padding with 0);
- :func:`generate_sentences` the generator itself, for other sizes and seeds.
"""
import random
from functools import lru_cache
from typing import NamedTuple

import numpy as np

SEED = 2027
SIZES = {"train": 600, "test": 200}
TAGS = ("<pad>", "DET", "NOUN", "VERB", "ADJ", "ADV", "PRON", "AUX", "PART", "ADP", "CONJ")

# Words with two parts of speech: (singular noun / base verb, noun plural / verb with -s).
AMBIGUOUS = (("play", "plays"), ("watch", "watches"), ("show", "shows"), ("work", "works"),
             ("look", "looks"), ("dance", "dances"), ("walk", "walks"), ("talk", "talks"),
             ("run", "runs"), ("cook", "cooks"), ("paint", "paints"), ("film", "films"),
             ("study", "studies"), ("plan", "plans"), ("smile", "smiles"), ("visit", "visits"),
             ("call", "calls"), ("drink", "drinks"))
NOUNS = (("girl", "girls"), ("boy", "boys"), ("teacher", "teachers"), ("dog", "dogs"),
         ("city", "cities"), ("book", "books"), ("car", "cars"), ("house", "houses"),
         ("friend", "friends"), ("doctor", "doctors"), ("garden", "gardens"),
         ("river", "rivers"), ("song", "songs"), ("meal", "meals"), ("letter", "letters"),
         ("student", "students"), ("team", "teams"), ("window", "windows"))
VERBS = (("eat", "eats"), ("read", "reads"), ("write", "writes"), ("see", "sees"),
         ("enjoy", "enjoys"), ("find", "finds"), ("build", "builds"), ("sing", "sings"),
         ("open", "opens"), ("carry", "carries"), ("forget", "forgets"), ("need", "needs"))
ADJECTIVES = ("old", "young", "small", "big", "red", "quiet", "happy", "new", "long", "strange",
              "bright", "tired")
ADVERBS = ("slowly", "quickly", "often", "again", "together", "today", "quietly", "gladly")
BOTH_ADJ_ADV = ("fast", "hard", "late", "early")  # "a fast car" / "runs fast"
DETERMINERS = ("the", "a", "this", "every", "my", "your", "our", "their", "some")
PLURAL_DETERMINERS = ("the", "my", "your", "our", "their", "some")  # not "a", "this", "every"
SUBJECT_PRONOUNS = (("i", False), ("you", False), ("we", False), ("they", False),
                    ("he", True), ("she", True), ("it", True))  # (word, takes the -s form)
AUXILIARIES = ("will", "can", "should", "must", "could", "would", "might")
PREPOSITIONS = ("in", "on", "at", "with", "near", "after", "before", "about", "for")
CONJUNCTIONS = ("and", "but")
WANT = (("want", "wants"), ("try", "tries"), ("like", "likes"), ("hope", "hopes"))
MOTION = (("go", "goes"), ("come", "comes"), ("drive", "drives"), ("hurry", "hurries"))


class TaggedSplits(NamedTuple):
    """The built-in tagging corpus: each field is ``(sentences, tags)``."""

    train: tuple
    test: tuple


def _noun_phrase(rng):
    """[(word, tag)] of a determiner, maybe an adjective, and a noun (singular or plural)."""
    plural = rng.random() < 0.35
    out = [(rng.choice(PLURAL_DETERMINERS if plural else DETERMINERS[:-1]), "DET")]
    if rng.random() < 0.45:
        out.append((rng.choice(ADJECTIVES + BOTH_ADJ_ADV), "ADJ"))
    lexeme = rng.choice(AMBIGUOUS if rng.random() < 0.55 else NOUNS)
    out.append((lexeme[plural], "NOUN"))
    return out, plural


def _subject(rng):
    """[(word, tag)] and whether the verb takes its -s form."""
    if rng.random() < 0.45:
        word, third = rng.choice(SUBJECT_PRONOUNS)
        return [(word, "PRON")], third
    phrase, plural = _noun_phrase(rng)
    return phrase, not plural


def _verb_lexeme(rng):
    return rng.choice(AMBIGUOUS if rng.random() < 0.6 else VERBS)


def _predicate(rng, third):
    """[(word, tag)] of a verb group, maybe an object, maybe an adverb or a place."""
    r = rng.random()
    if r < 0.3:
        out = [(rng.choice(AUXILIARIES), "AUX")]
        if rng.random() < 0.4:
            out.append(("not", "PART"))
        out.append((_verb_lexeme(rng)[0], "VERB"))
    elif r < 0.5:
        out = [(rng.choice(WANT)[third], "VERB"), ("to", "PART"), (_verb_lexeme(rng)[0], "VERB")]
    elif r < 0.65:
        # "they go to the river" / "they go to play": only the next word decides "to".
        out = [(rng.choice(MOTION)[third], "VERB")]
        if rng.random() < 0.5:
            return out + [("to", "ADP")] + _noun_phrase(rng)[0]
        out += [("to", "PART"), (_verb_lexeme(rng)[0], "VERB")]
    else:
        out = [(_verb_lexeme(rng)[third], "VERB")]
    if rng.random() < 0.6:
        out += _noun_phrase(rng)[0]
    r = rng.random()
    if r < 0.35:
        out.append((rng.choice(ADVERBS + BOTH_ADJ_ADV), "ADV"))
    elif r < 0.6:
        out += [(rng.choice(PREPOSITIONS), "ADP")] + _noun_phrase(rng)[0]
    return out


def sentence(rng):
    """One sentence: ``(words, tags)``, two tuples of str of the same length."""
    subject, third = _subject(rng)
    pairs = subject + _predicate(rng, third)
    if rng.random() < 0.3:
        subject, third = _subject(rng)
        pairs += [(rng.choice(CONJUNCTIONS), "CONJ")] + subject + _predicate(rng, third)
    words, tags = zip(*pairs)
    return tuple(words), tuple(tags)


def generate_sentences(n, seed=SEED):
    """``n`` distinct sentences as a list of ``(words, tags)``."""
    rng = random.Random(seed)
    seen, out = set(), []
    while len(out) < n:
        s = sentence(rng)
        if s[0] not in seen:
            seen.add(s[0])
            out.append(s)
    return out


@lru_cache(maxsize=None)
def load_tagging():
    """The fixed splits, ``TaggedSplits(train, test)`` of 600 and 200 sentences.

    Each split is ``(sentences, tags)``: a tuple of word tuples and a tuple of tag-name
    tuples, one tag per word. No sentence is in both splits. The same on every machine.
    """
    pairs = generate_sentences(sum(SIZES.values()))
    a = SIZES["train"]

    def split(part):
        return tuple(p[0] for p in part), tuple(p[1] for p in part)
    return TaggedSplits(split(pairs[:a]), split(pairs[a:]))


@lru_cache(maxsize=None)
def vocabulary():
    """The word of every id, a tuple: ``"<pad>"`` (0), ``"<unk>"`` (1), then every word of
    the lexicon in alphabetical order (so the ids do not depend on the sample)."""
    words = {w for pair in MOTION for w in pair}
    words |= set(DETERMINERS + ADJECTIVES + ADVERBS + BOTH_ADJ_ADV + AUXILIARIES + PREPOSITIONS
                + CONJUNCTIONS + ("not", "to"))
    words |= {w for pair in AMBIGUOUS + NOUNS + VERBS + WANT for w in pair}
    words |= {w for w, _ in SUBJECT_PRONOUNS}
    return ("<pad>", "<unk>") + tuple(sorted(words))


def to_arrays(sentences, tags=None, maxlen=None):
    """Padded ids (and labels) of tokenised sentences, padding 0 after each sentence.

    Inputs:
    - sentences: N sequences of words; a word not in :func:`vocabulary` gets id 1
    - tags: None, or N sequences of tag names (from :data:`TAGS`), one per word
    - maxlen: the length T of the result (longer sentences are cut); None: the longest
    Returns:
    - ids: int64 array of shape (N, T), 0 at padded positions
    - labels (only when tags are given): int64 array of shape (N, T), 0 at padded positions
    """
    word_id = {w: i for i, w in enumerate(vocabulary())}
    tag_id = {t: i for i, t in enumerate(TAGS)}
    T = max((len(s) for s in sentences), default=0) if maxlen is None else maxlen
    ids = np.zeros((len(sentences), T), dtype=np.int64)
    labels = np.zeros((len(sentences), T), dtype=np.int64)
    for n, words in enumerate(sentences):
        words = list(words)[:T]
        ids[n, :len(words)] = [word_id.get(w, 1) for w in words]
        if tags is not None:
            labels[n, :len(words)] = [tag_id[t] for t in list(tags[n])[:T]]
    return ids if tags is None else (ids, labels)


def ambiguous_words(sentences, tags):
    """The words that occur with more than one tag in the given sentences, sorted."""
    seen = {}
    for words, ts in zip(sentences, tags):
        for w, t in zip(words, ts):
            seen.setdefault(w, set()).add(t)
    return sorted(w for w, ts in seen.items() if len(ts) > 1)
