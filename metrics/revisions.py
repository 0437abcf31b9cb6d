"""What changed between two snapshots: figures revised for the same months."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.contract import per_row
from metrics.performance import Performance

REVISION_TOLERANCE = 1e-9


def revisions(older: Performance, newer: Performance) -> pd.DataFrame:
    """Every indicator, team and month in both snapshots whose figure changed.

    A figure hidden (suppressed) in either snapshot counts as changed only if it
    was shown in one and hidden in the other, so nothing hidden is given away.
    """
    keys = ["indicator_id", "team", "period"]
    old = older.table[[*keys, "value", "suppressed"]].astype({"indicator_id": object, "team": object})
    new = newer.table[[*keys, "value", "suppressed"]].astype({"indicator_id": object, "team": object})
    both = old.merge(new, on=keys, suffixes=("_old", "_new"))
    old_value, new_value = both["value_old"], both["value_new"]
    shown_both = ~both["suppressed_old"] & ~both["suppressed_new"]
    value_changed = ~np.isclose(old_value, new_value, rtol=0, atol=REVISION_TOLERANCE, equal_nan=True)
    hidden_changed = both["suppressed_old"] != both["suppressed_new"]
    changed = both[(shown_both & value_changed) | hidden_changed].copy()
    changed["difference"] = changed["value_new"] - changed["value_old"]
    changed.loc[changed["suppressed_old"] | changed["suppressed_new"], "difference"] = np.nan
    catalogue = newer.indicators
    changed.insert(1, "name", per_row(changed["indicator_id"], catalogue["name"]))
    changed["unit"] = per_row(changed["indicator_id"], catalogue["unit"])
    return changed.sort_values(["period", "indicator_id", "team"], ascending=[False, True, True]).reset_index(drop=True)
