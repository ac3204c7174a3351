"""The legs file (issue 14): with transfers and records, one row per leg as the engine recorded it
(sim.kpi.transfers.legs_frame), written beside the calls in the same format; none without
transfers or without records."""

import numpy as np
import pandas as pd
import pytest

from sim import simulate
from sim.core.engines import realised_spells, select_engine
from sim.core.protocol import OUTCOME_NAMES
from sim.model.random_inputs import call_blocks
from sim.model.scenario import build_scenario
from sim.reports.files import write_run
from sim.simulate import load_scenario_file

COLUMNS = ["call_id", "leg", "queue", "joined", "outcome", "wait", "group", "agent", "start", "end_time", "talk",
           "wrapup", "consult"]


def desk():
    return build_scenario(load_scenario_file("support_desk"))


def test_the_legs_table_is_the_engines_legs_row_by_row(engine):
    sc, seed = desk(), 3
    output = select_engine(engine, sc)[0].run(sc, call_blocks(sc, seed), records=True, spells=realised_spells(sc, seed))
    legs, table = output.legs, simulate(sc, seed, engine=engine).legs
    assert list(table.columns) == COLUMNS and len(table) == len(legs.call) > 0
    assert (table.leg > 0).any() and (table.consult > 0).any()  # transferred legs, after a consult
    for name in ("leg", "joined", "agent", "start", "end_time", "talk", "wrapup", "consult"):
        np.testing.assert_array_equal(table[name].to_numpy(), getattr(legs, name), err_msg=name)
    np.testing.assert_array_equal(table.call_id.to_numpy(), legs.call)
    types, groups = [t.name for t in sc.call_types], [g.name for g in sc.groups]
    assert table.queue.tolist() == [types[q] for q in legs.queue]
    assert table.group.tolist() == [groups[g] if g >= 0 else "" for g in legs.group]
    assert table.outcome.tolist() == [OUTCOME_NAMES[o] for o in legs.outcome]
    answered = legs.outcome == 0
    np.testing.assert_array_equal(table.wait.to_numpy()[answered], (legs.start - legs.joined)[answered])


def test_each_call_id_is_a_row_of_the_calls_table_and_first_legs_match_it():
    r = simulate(desk(), 5)
    first = r.legs[r.legs.leg == 0].set_index("call_id")
    calls = r.calls.loc[first.index]
    np.testing.assert_array_equal(first.start.to_numpy(), calls.answer_time.to_numpy())
    np.testing.assert_array_equal(first.talk.to_numpy(), calls.talk.to_numpy())
    later = r.legs[r.legs.leg > 0]
    assert later.call_id.isin(r.calls.index).all() and (later.queue == "escalated").all()


@pytest.mark.parametrize("calls_format, name", [("parquet", "legs.parquet"), ("csv", "legs.csv.gz")])
def test_the_legs_file_is_written_beside_the_calls(tmp_path, calls_format, name):
    r = simulate(desk(), 3)
    written = write_run(r, tmp_path, plots=False, calls_format=calls_format)
    assert written["legs"] == tmp_path / name
    back = pd.read_parquet(tmp_path / name) if calls_format == "parquet" else pd.read_csv(tmp_path / name)
    assert list(back.columns) == COLUMNS and len(back) == len(r.legs)
    np.testing.assert_array_equal(back.consult.to_numpy(), r.legs.consult.to_numpy())
    assert back.queue.astype(str).tolist() == r.legs.queue.astype(str).tolist()
    back_calls = pd.read_parquet(tmp_path / "calls.parquet") if calls_format == "parquet" else \
        pd.read_csv(tmp_path / "calls.csv.gz", index_col="call_id")
    assert back_calls.index.name == "call_id"  # (the calls keep their index)


def test_no_legs_without_transfers_or_without_records(tmp_path):
    assert simulate("single_queue", 1).legs is None
    r = simulate(desk(), 3, records=False)
    assert r.legs is None
    write_run(r, tmp_path, plots=False)
    assert not list(tmp_path.glob("legs.*"))
    write_run(simulate(desk(), 3), tmp_path / "off", plots=False, calls=False)
    assert not list((tmp_path / "off").glob("legs.*"))
