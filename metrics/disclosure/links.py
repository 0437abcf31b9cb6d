"""Which columns of a snapshot are the same figure, found in the data.

A count and the percentages whose denominator it is, or a rate's numerator and the count it
repeats, are one figure printed in several places: disclosure control must hide it everywhere or
nowhere. Councils need not declare this; two columns that agree wherever both report are linked.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

Column = tuple[str, str]  # (indicator_id, part)


def components(links: Mapping[Column, int], indicators: list[str]) -> list[list[str]]:
    """The indicators in groups that share a link class (each indicator in exactly one group)."""
    parent = {name: name for name in indicators}

    def root(name: str) -> str:
        while parent[name] != name:
            name = parent[name]
        return name

    first_of_class: dict[int, str] = {}
    for (indicator, _), link in links.items():
        if indicator not in parent:
            continue
        if link in first_of_class:
            parent[root(indicator)] = root(first_of_class[link])
        else:
            first_of_class[link] = indicator
    groups: dict[str, list[str]] = {}
    for name in indicators:
        groups.setdefault(root(name), []).append(name)
    return list(groups.values())


def linked(matrix: np.ndarray, names: list, whole_service: np.ndarray) -> dict:
    """Union of columns of matrix (keys by columns, NaN = not reported) that are the same figure.

    Two columns are linked when they agree on every team and month both report; columns that
    share no team (a rate given for the whole service only, say) when they agree on every whole-
    service month both report. Whole-service figures may differ where linked columns cover
    different teams.
    """
    parent = list(range(len(names)))
    indicators = [{name[0]: name[1]} for name in names]  # per class root: indicator -> the part it holds

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    def join(left: int, right: int) -> None:
        """Merge two classes, unless one holds a ratio's numerator and the other its denominator: a
        numerator equal to its denominator is 100%, not the same figure."""
        left, right = root(left), root(right)
        if left == right:
            return
        a, b = indicators[left], indicators[right]
        if any(a[indicator] != part for indicator, part in b.items() if indicator in a):
            return
        parent[right] = left
        a.update(b)

    present = ~np.isnan(matrix)
    teams = present & ~whole_service[:, None]
    for left in range(len(names)):
        rest = np.arange(left + 1, len(names))
        if not len(rest):
            break
        # A quick look at a few rows rules out most pairs before the full comparison.
        rows = teams[:, left] if teams[:, left].any() else present[:, left]
        sample = np.flatnonzero(rows)[:64]
        agree = ((matrix[sample][:, rest] == matrix[sample, left][:, None]) | ~present[sample][:, rest]).all(axis=0)
        for right in rest[agree]:
            both = teams[:, left] & teams[:, right]
            if not both.any():
                both = present[:, left] & present[:, right]
            if both.any() and np.array_equal(matrix[both, left], matrix[both, right]):
                join(left, right)
    roots = pd.factorize(np.array([root(index) for index in range(len(names))]))[0]
    return {name: int(code) for name, code in zip(names, roots)}
