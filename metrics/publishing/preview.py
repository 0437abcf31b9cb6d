"""What a new month changes, shown to the officer before anything is published: the whole service's
scorecard for the new month beside the newest published one's (what rose, fell and changed RAG status),
figures revised in earlier months, how many figures the public view will hide, and any indicator or
team that appears or disappears. Worked out in one audience at a time, from the same rated figures as
every page, so the public view's preview shows only what the public would see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from metrics.outputs.scorecard import build_scorecard
from metrics.rating.performance import Performance
from metrics.rating.revisions import revisions
from metrics.rating.status import direction_codes
from metrics.snapshot.contract import DIRECTIONS, WHOLE_SERVICE

CHANGE_COLUMNS = ["indicator_id", "name", "area", "unit", "polarity", "value", "suppressed", "rag"]
BAD_STATUSES = ("red", "amber")


@dataclass(frozen=True)
class Preview:
    """What the new snapshot changes, against the newest published one (None when there is none)."""

    month: pd.Timestamp  # the new snapshot's latest month
    before: date | None  # the as-at date of the newest published snapshot
    before_month: pd.Timestamp | None  # its latest month
    changes: pd.DataFrame  # one row per indicator of either: the whole service then and now
    revised: pd.DataFrame  # figures revised for months both hold (metrics.rating.revisions)
    hidden: int  # figures the public view shows as "c"
    figures: int  # figures with a value, in the internal view
    indicators_added: tuple[str, ...]
    indicators_removed: tuple[str, ...]
    teams_added: tuple[str, ...]
    teams_removed: tuple[str, ...]

    def count(self, direction: str) -> int:
        """How many indicators moved this way (improving, worsening, up, down, unchanged)."""
        return int((self.changes["direction"] == direction).sum())

    @property
    def status_changes(self) -> pd.DataFrame:
        """Indicators whose RAG status is not what it was (new indicators left out)."""
        known = self.changes["rag_before"].notna()
        return self.changes[known & (self.changes["rag_before"] != self.changes["rag"])]

    @property
    def newly_off_target(self) -> int:
        moved = self.status_changes
        return int((moved["rag"].isin(BAD_STATUSES) & ~moved["rag_before"].isin(BAD_STATUSES)).sum())


def _whole_service(performance: Performance, month: pd.Timestamp | None) -> pd.DataFrame:
    if month is None:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    rows = build_scorecard(performance, month, [WHOLE_SERVICE])
    polarity = performance.indicators["polarity"]
    rows = rows.assign(polarity=rows["indicator_id"].map(polarity).astype(object))
    return rows[CHANGE_COLUMNS].reset_index(drop=True)


def changes_between(new: Performance, current: Performance | None) -> pd.DataFrame:
    """The whole service's latest month in the new snapshot beside the current one's, indicator by
    indicator (the new snapshot's order, then any the new one no longer has). A figure hidden on
    either side, or missing, has no direction: nothing hidden is given away by a comparison."""
    now = _whole_service(new, new.latest_month)
    then = _whole_service(current, current.latest_month) if current is not None else _whole_service(new, None)
    table = now.merge(
        then[["indicator_id", "name", "area", "unit", "polarity", "value", "suppressed", "rag"]],
        on="indicator_id",
        how="outer",
        suffixes=("", "_before"),
        sort=False,
    )
    for column in ("name", "area", "unit", "polarity"):
        table[column] = table[column].where(table[column].notna(), table[f"{column}_before"])
    order = {indicator: place for place, indicator in enumerate([*now["indicator_id"], *then["indicator_id"]])}
    table = table.iloc[np.argsort([order[i] for i in table["indicator_id"]], kind="stable")].reset_index(drop=True)
    shown_now = table["value"].where(~table["suppressed"].fillna(False).astype(bool))
    shown_then = table["value_before"].where(~table["suppressed_before"].fillna(False).astype(bool))
    codes = direction_codes(shown_now.astype("float64"), shown_then.astype("float64"), table["polarity"].to_numpy())
    table["direction"] = np.asarray(DIRECTIONS, dtype=object)[codes]
    table["rag"] = table["rag"].astype(object).where(table["value"].notna() | table["rag"].notna(), None)
    table["rag_before"] = table["rag_before"].astype(object)
    for column in ("suppressed", "suppressed_before"):  # True, False, or nothing to say (not in that snapshot)
        table[column] = table[column].astype("boolean")
    return table[
        ["indicator_id", "name", "area", "unit", "polarity", "value_before", "suppressed_before", "rag_before"]
        + ["value", "suppressed", "rag", "direction"]
    ]


def preview(new: Performance, current: Performance | None, public_new: Performance) -> Preview:
    """The preview in new's audience (current is the newest published snapshot in the same audience);
    public_new is the new snapshot's public view, for how many figures the public will see as "c"."""
    public = public_new.columns(("value", "suppressed"))
    hidden = public["suppressed"].to_numpy(dtype=bool)
    figures = int((public["value"].notna().to_numpy() | hidden).sum())
    new_names = set(new.indicators["name"])
    old_names = set() if current is None else set(current.indicators["name"])
    new_teams, old_teams = set(new.teams), set() if current is None else set(current.teams)
    return Preview(
        month=new.latest_month,
        before=None if current is None else pd.Timestamp(current.as_at).date(),
        before_month=None if current is None else current.latest_month,
        changes=changes_between(new, current),
        revised=revisions(current, new) if current is not None else pd.DataFrame(),
        hidden=int(hidden.sum()),
        figures=figures,
        indicators_added=tuple(sorted(new_names - old_names)) if current is not None else (),
        indicators_removed=tuple(sorted(old_names - new_names)),
        teams_added=tuple(sorted(new_teams - old_teams)) if current is not None else (),
        teams_removed=tuple(sorted(old_teams - new_teams)),
    )
