"""The aggregation of replicated tables the readable way, kept as the tests' reference: the runs'
tables stacked and grouped by their key columns with pandas (mean, std with ddof=1, count of the
defined values), the Student t half-width from scipy's t distribution."""

import numpy as np
import pandas as pd
from scipy import stats


def aggregated(tables, keys, confidence=0.95):
    stacked = pd.concat(tables, ignore_index=True)
    values = [c for c in stacked.columns if c not in keys and pd.api.types.is_numeric_dtype(stacked[c])]
    for column in values:  # nullable whole numbers as floats, NA as NaN
        if isinstance(stacked[column].dtype, pd.api.extensions.ExtensionDtype):
            stacked[column] = stacked[column].to_numpy(float, na_value=np.nan)
    by = stacked.groupby(keys, sort=False)[values]
    mean, std, count = by.mean(), by.std(ddof=1), by.count()
    out = pd.DataFrame(index=mean.index)
    for column in values:
        n = count[column].to_numpy(float)
        t = stats.t.ppf((1 + confidence) / 2, np.where(n > 1, n - 1, np.nan))
        out[column] = mean[column]
        out[f"{column}_ci"] = t * std[column].to_numpy() / np.sqrt(n)
    out.insert(0, "replications", len(tables))
    return out.reset_index()
