"""What the validation scripts share: their command line (--quick, --out, --replications,
--seed), the coverage count (how many points' confidence intervals contain the model's value)
and the printing and writing of the result table and figure."""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

REPO = Path(__file__).resolve().parents[2]


def arguments(description: str, quick_help: str, per: str, argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--out", type=Path, default=REPO / "results" / "studies" / "validation")
    parser.add_argument("--replications", type=int, help=f"replications per {per}")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


def size(args: argparse.Namespace, quick: dict, full: dict) -> dict:
    chosen = dict(quick if args.quick else full)
    if args.replications:
        chosen["replications"] = args.replications
    return chosen


def coverage(table: pd.DataFrame, kpis) -> pd.Series:
    """How many points' confidence intervals contain the model's value, per KPI."""
    return pd.Series({kpi: int(table[f"{kpi}_covered"].sum()) for kpi in kpis})


def write_and_print(table: pd.DataFrame, fig, out: Path, name: str, model: str, points: str, kpis) -> None:
    """``name``.csv and ``name``.png under ``out``; the table and the coverage on stdout."""
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / f"{name}.csv", index=False)
    fig.savefig(out / f"{name}.png", dpi=120)
    plt.close(fig)
    with pd.option_context("display.width", 220, "display.max_columns", 30):
        print(table.drop(columns=[c for c in table if c.endswith("_covered")]).round(4).to_string(index=False))
    print(f"\nconfidence intervals containing {model} (of {len(table)} {points}):")
    print(coverage(table, kpis).to_string())
    print(f"\nwritten: {out / f'{name}.csv'}, {out / f'{name}.png'}")
