"""What the fast engine hands out stays the caller's: its tallies are the loop's own arrays (not
copied out at the end) and its tables are built once per scenario (sim.core.fast_engine.core_model),
so a later run of the same scenario must neither write into a result kept from an earlier run
nor share memory with it; and the agent log comes out agent by agent in time order, with the
agents' groups, as a stable sort would put it."""

from pathlib import Path

import numpy as np
import pytest

from sim.core.model_tables import model_tables
from sim.model.random_inputs import call_blocks
from sim.model.scenario import build_scenario
from sim.simulate import load_scenario_file

fast_engine = pytest.importorskip("sim.core.fast_engine")
if not fast_engine.AVAILABLE:
    pytest.skip("the fast engine is not built", allow_module_level=True)

DEFAULT = Path(__file__).resolve().parents[1] / "configs" / "scenario" / "default.yaml"


def arrays_of(output):
    return {**{f"tallies.{k}": v for k, v in output.tallies.items() if isinstance(v, np.ndarray)},
            **{f"agents.{k}": getattr(output.agents, k) for k in ("agent", "group", "start", "scheduled_end", "end")}}


def test_a_result_kept_from_one_run_is_unchanged_by_the_next_runs():
    scenario = build_scenario(load_scenario_file(DEFAULT))
    engine = fast_engine.FastEngine()
    first = engine.run(scenario, call_blocks(scenario, 1), records=False)
    kept = {name: value.copy() for name, value in arrays_of(first).items()}
    assert len(kept) >= 12 and kept["tallies.counts"].sum() > 0
    for seed in (2, 3):
        later = engine.run(scenario, call_blocks(scenario, seed), records=False)
        for name, value in arrays_of(first).items():
            np.testing.assert_array_equal(value, kept[name], err_msg=name)
            assert not np.shares_memory(value, arrays_of(later)[name]), name
        assert not np.array_equal(later.tallies["counts"], kept["tallies.counts"])  # (other calls: other counts)


def test_the_agent_log_is_sorted_by_agent_then_start_and_names_each_agents_group():
    scenario = build_scenario(load_scenario_file(DEFAULT))
    log = fast_engine.FastEngine().run(scenario, call_blocks(scenario, 4), records=False).agents
    order = np.lexsort((log.start, log.agent))  # (a stable sort)
    np.testing.assert_array_equal(order, np.arange(len(order)))
    np.testing.assert_array_equal(log.group, model_tables(scenario).agent_group[log.agent])
    assert len(np.unique(log.agent)) > 1


def test_chained_timers_fire_as_if_all_were_pushed_at_once():
    """The fast engine pushes a waiting call's timers one at a time (FastCore.push_next_timer):
    routes with several overflow steps, two of them after the same delay, short patience, and
    patience a hair longer than an overflow delay (an abandon and an overflow at the same instant
    after rounding, which fire abandon first) give the reference engine's records exactly."""
    from engine_checks import assert_same_tables, run_both

    data = load_scenario_file(DEFAULT)
    types = data["call_types"]
    types["retail"]["route"] = [{"group": "retail_team", "delay": 0}, {"group": "bilingual", "delay": 5},
                                {"group": "sales_team", "delay": 5}, {"group": "stocks_team", "delay": 12}]
    types["retail"]["patience"] = {"kind": "exponential", "mean": 30.0}
    types["sales"]["patience"] = {"kind": "deterministic", "mean": 10.000000000001}
    types["sales"]["route"] = [{"group": "sales_team", "delay": 0}, {"group": "bilingual", "delay": 10}]
    scenario = build_scenario(data)
    for seed in (1, 2):
        simpy_out, fast_out = run_both(scenario, call_blocks(scenario, seed), call_blocks(scenario, seed))
        assert_same_tables(simpy_out, fast_out, ("records", "agents"))
        rec = fast_out.records
        answered_retail = (rec.outcome == 0) & (rec.call_type == 0)
        assert (rec.outcome == 1).sum() > 100  # abandons
        assert (rec.group[answered_retail] == 1).sum() > 10  # retail calls taken by sales_team after 5 s (its third step)
