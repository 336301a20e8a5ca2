"""Classical item analysis of a grade cell (or one hidden case) over a class.

*Difficulty* is how much of an item the class earned: the mean score and the share of
students at full marks. *Discrimination* is the point-biserial correlation (Pearson's r
of an item's score with the rest of each student's total, the item itself left out,
so an item is not correlated with itself): near 0 an item does not separate strong from
weak students; below 0 the stronger students lose it more often than the weaker ones,
which usually means the test, not the class, is wrong.

The thresholds are the usual rules of thumb of item analysis, kept loose because a
class is small: an item almost everyone gets right or wrong tells the instructor
little, whatever its correlation.
"""
import math
from dataclasses import dataclass

TOO_EASY = 0.95  # mean score, as a share of the item's points, at or above which it is flagged
TOO_HARD = 0.25  # ... at or below which it is flagged
ANTI = 0.0  # a discrimination below this is flagged as anti-discriminating


@dataclass
class Item:
    name: str
    points: float
    n: int  # students with a score for this item
    mean: float  # mean score, in points
    full: float  # share of students at full marks
    discrimination: float | None  # point-biserial against the rest of the total; None if undefined
    flags: list

    def as_dict(self):
        return dict(vars(self))


def pearson(xs, ys):
    """Pearson's r of two equally long sequences; None when either does not vary."""
    n = len(xs)
    if n < 2 or n != len(ys):
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


def item(name, points, scores, totals):
    """The :class:`Item` of one grade cell or case: ``scores`` and ``totals`` are per student,
    in the same order (``totals`` includes the item's own score, which is taken out)."""
    n = len(scores)
    mean = sum(scores) / n if n else 0.0
    full = sum(s >= points for s in scores) / n if n else 0.0
    r = pearson(scores, [t - s for s, t in zip(scores, totals)])
    return Item(name, points, n, mean, full, r, flags(points, mean, r, n))


def flags(points, mean, r, n):
    """Why an item deserves a look: too easy, too hard, anti-discriminating."""
    if not n or not points:
        return []
    found = []
    share = mean / points
    if share >= TOO_EASY:
        found.append("too easy")
    elif share <= TOO_HARD:
        found.append("too hard")
    if r is not None and r < ANTI:
        found.append("anti-discriminating")
    return found
