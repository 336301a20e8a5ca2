"""Is the built-in corpus what the course promises: fixed, balanced, order-sensitive?"""
import collections
import numpy as np

from autograder.corpus import (SIZES, generate_reviews, load_builtin, negation_probe,
                               tokenize)

from .conftest import digests_in_fresh_interpreters


def test_splits_have_the_documented_sizes_and_binary_labels():
    splits = load_builtin()
    for name, (texts, labels) in zip(splits._fields, splits):
        assert len(texts) == len(labels) == SIZES[name], name
        assert labels.dtype == np.int64 and set(np.unique(labels)) == {0, 1}
        assert 0.4 < labels.mean() < 0.6, f"{name} is unbalanced: {labels.mean():.2f}"


def test_splits_are_disjoint():
    """Can a test review have been seen in training? (it must not)"""
    train, validation, test = (set(s[0]) for s in load_builtin())
    assert not train & validation and not train & test and not validation & test


def test_corpus_is_the_same_in_a_fresh_interpreter():
    """Is the corpus deterministic across processes (no hash seed, no global RNG)?"""
    assert len(digests_in_fresh_interpreters(
        "(__import__('autograder.corpus').corpus.load_builtin(), "
        "autograder.corpus.negation_probe())")) == 1


def test_generator_is_seeded_and_gives_distinct_reviews():
    a, b = generate_reviews(300, seed=5), generate_reviews(300, seed=5)
    assert a == b
    assert len({r.text for r in a}) == 300
    assert generate_reviews(300, seed=6) != a


def test_vocabulary_is_varied_and_reviews_are_short():
    texts = load_builtin().train[0]
    counts = collections.Counter(w for t in texts for w in tokenize(t))
    lengths = [len(tokenize(t)) for t in texts]
    assert len(counts) >= 200
    assert 5 <= np.mean(lengths) <= 20 and max(lengths) <= 40


def test_corpus_has_negation_contrast_and_degree_words():
    texts = " ".join(load_builtin().train[0]).lower()
    for phrase in (" not ", " never ", " but ", "although", "even though", " very ",
                   " slightly ", "n't "):
        assert phrase in texts, phrase


def test_probe_pairs_share_their_bag_of_words_and_have_opposite_labels():
    """Does every probe pair defeat any bag-of-words model by construction?"""
    texts, labels = negation_probe()
    assert len(texts) == len(labels) >= 200 and len(texts) % 2 == 0
    for i in range(0, len(texts), 2):
        assert sorted(tokenize(texts[i])) == sorted(tokenize(texts[i + 1])), texts[i]
        assert labels[i] + labels[i + 1] == 1
    assert len(set(texts)) == len(texts)
    seen = {t for split in load_builtin() for t in split[0]}
    assert not seen & set(texts), "a probe review also occurs in the corpus"


def test_a_bag_of_words_model_scores_exactly_half_on_the_probe():
    """Any function of the bag of words gives both reviews of a pair the same score."""
    texts, labels = negation_probe()
    rng = np.random.default_rng(0)
    weights = collections.defaultdict(lambda: rng.normal())
    scores = np.array([sum(weights[w] for w in tokenize(t)) for t in texts])
    assert np.mean((scores > 0) == labels) == 0.5


def test_tokenize_lowercases_and_drops_punctuation():
    assert tokenize("The cast was GREAT, but the plot wasn't!") == [
        "the", "cast", "was", "great", "but", "the", "plot", "wasn't"]
    assert tokenize("") == [] and tokenize("  ,. ") == []
    assert tokenize("<br />Film 2") == ["br", "film", "2"]
