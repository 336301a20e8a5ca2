"""Is the built-in tagging corpus what 08_cnn_tagging promises: fixed, tagged, context-dependent?"""
from collections import Counter

import numpy as np

from autograder.tagging_corpus import (SIZES, TAGS, ambiguous_words, generate_sentences,
                                       load_tagging, to_arrays, vocabulary)

from .conftest import digests_in_fresh_interpreters


def test_splits_have_the_documented_sizes_and_a_tag_for_every_word():
    splits = load_tagging()
    for name, (sentences, tags) in zip(splits._fields, splits):
        assert len(sentences) == len(tags) == SIZES[name], name
        for words, ts in zip(sentences, tags):
            assert len(words) == len(ts) >= 2
            assert set(ts) <= set(TAGS[1:]), "a real word is tagged <pad> or an unknown tag"


def test_splits_are_disjoint_and_sentences_distinct():
    """Can a test sentence have been seen in training? (it must not)"""
    train, test = (set(s[0]) for s in load_tagging())
    assert not train & test
    assert len(train) == SIZES["train"] and len(test) == SIZES["test"]


def test_corpus_is_the_same_in_a_fresh_interpreter():
    """Is the corpus deterministic across processes (no hash seed, no global RNG)?"""
    assert len(digests_in_fresh_interpreters(
        "(__import__('autograder.tagging_corpus').tagging_corpus.load_tagging(), "
        "autograder.tagging_corpus.vocabulary())")) == 1


def test_generator_is_seeded():
    assert generate_sentences(50, seed=3) == generate_sentences(50, seed=3)
    assert generate_sentences(50, seed=4) != generate_sentences(50, seed=3)


def test_every_tag_occurs_and_sentences_are_short():
    sentences, tags = load_tagging().train
    counts = Counter(t for ts in tags for t in ts)
    assert set(counts) == set(TAGS[1:])
    lengths = [len(s) for s in sentences]
    assert 5 <= np.mean(lengths) <= 15 and max(lengths) <= 30


def test_context_decides_many_tags():
    """Does a word-by-word baseline fall clearly short, so that a tagger needs context?"""
    (train_s, train_t), (test_s, test_t) = load_tagging()
    assert {"play", "watch", "fast", "to"} <= set(ambiguous_words(train_s, train_t))
    counts = {}
    for words, ts in zip(train_s, train_t):
        for w, t in zip(words, ts):
            counts.setdefault(w, Counter())[t] += 1
    hits = [counts[w].most_common(1)[0][0] == t
            for words, ts in zip(test_s, test_t) for w, t in zip(words, ts)]
    assert 0.8 < np.mean(hits) < 0.93


def test_to_arrays_pads_with_zero_after_each_sentence():
    sentences, tags = load_tagging().test
    ids, labels = to_arrays(sentences, tags)
    assert ids.shape == labels.shape == (len(sentences), max(len(s) for s in sentences))
    assert ids.dtype == labels.dtype == np.int64
    words = vocabulary()
    assert words[:2] == ("<pad>", "<unk>") and len(set(words)) == len(words)
    for n, (s, ts) in enumerate(zip(sentences, tags)):
        assert [words[i] for i in ids[n, :len(s)]] == list(s)
        assert [TAGS[i] for i in labels[n, :len(s)]] == list(ts)
        assert not ids[n, len(s):].any() and not labels[n, len(s):].any()
    assert (ids != 0).sum() == sum(len(s) for s in sentences)  # every word is known: id > 1
    assert (ids == 1).sum() == 0


def test_to_arrays_unknown_words_maxlen_and_ids_only():
    ids = to_arrays([("the", "zebra", "runs"), ("they",)], maxlen=2)
    assert ids.shape == (2, 2)
    assert ids[0, 1] == 1 and ids[1, 1] == 0
