"""Every engine reproduces the committed golden corpus bit for bit (see tests/golden_corpus.py).

The corpus was written before the model's code was restructured; a refactoring that changes any
record of any case fails here, on the engine that changed.
"""

import json

import pytest

import golden_corpus
from sim.core.engines import ENGINES


@pytest.fixture(scope="module")
def stored():
    return json.loads(golden_corpus.CORPUS.read_text())


def test_the_corpus_covers_every_kind_of_case(stored):
    kinds = {name.split("/")[0] for name in stored}
    assert kinds == {"shipped", "random", "grid", "blended", "shrinkage", "ivr", "redials", "transfers", "callback",
                     "journey", "journeycb", "cbsched"}
    variants = {name.split("/")[2] for name in stored if name.count("/") == 2 and name.split("/")[0] in ("random", "grid")}
    assert variants == set(golden_corpus.POLICIES) - {""}
    valid = [v for v in stored.values() if not v.get("invalid")]
    assert len(valid) >= 380 and sum(v["calls"] for v in valid) > 50_000
    blended = [v for name, v in stored.items() if name.startswith("blended/")]
    assert len(blended) == len(golden_corpus.BLENDED) and all(v["n_attempts"] > 100 for v in blended)
    shrunk = [v for name, v in stored.items() if name.startswith("shrinkage/") and not v.get("invalid")]
    assert len(shrunk) >= 40
    ivr = [v for name, v in stored.items() if name.startswith("ivr/") and not v.get("invalid")]
    assert len(ivr) >= 40 and all("ivr" in v for v in ivr)
    redials = [v for name, v in stored.items() if name.startswith("redials/") and not v.get("invalid")]
    assert len(redials) >= 40 and all("redials" in v for v in redials)
    assert sum(v["n_redials"] > 0 for v in redials) >= 30 and sum("ivr" in v for v in redials) >= 10
    moved = [v for name, v in stored.items() if name.startswith("transfers/") and not v.get("invalid")]
    assert len(moved) >= 40 and all("legs" in v for v in moved) and sum(v["n_legs"] > v["calls"] for v in moved) >= 30
    journeys = [v for name, v in stored.items() if name.startswith("journey/") and not v.get("invalid")]
    assert len(journeys) >= 50 and all("legs" in v and "redials" in v for v in journeys)
    assert sum(v["n_redials"] > 0 for v in journeys) >= 30 and sum(v["n_legs"] > v["calls"] for v in journeys) >= 20
    callback = [v for name, v in stored.items() if name.startswith("callback/") and not v.get("invalid")]
    assert len(callback) >= 25 and all("callbacks" in v for v in callback)
    combined = {pair: [v for name, v in stored.items() if name.startswith(f"journeycb/{pair}/") and not v.get("invalid")]
                for pair in ("redial", "transfer")}
    assert len(combined["redial"]) >= 20 and all("callbacks" in v and "redials" in v for v in combined["redial"])
    assert sum(v["n_redials"] > 0 for v in combined["redial"]) >= 15
    assert len(combined["transfer"]) >= 20 and all("callbacks" in v and "legs" in v for v in combined["transfer"])
    assert sum(v["n_legs"] > v["calls"] for v in combined["transfer"]) >= 15
    scheduled = [v for name, v in stored.items() if name.startswith("cbsched/") and not v.get("invalid")]
    assert len(scheduled) >= 20 and all("callbacks" in v and "scheduled" in v for v in scheduled)
    assert sum(v["n_scheduled"] > 0 for v in scheduled) >= 15


@pytest.mark.parametrize("engine_name", sorted(ENGINES))
def test_engine_reproduces_the_golden_corpus(engine_name, stored):
    computed = golden_corpus.compute(ENGINES[engine_name]())
    assert sorted(computed) == sorted(stored), "the list of cases changed"
    differ = [case for case in stored if computed[case] != stored[case]]
    assert not differ, f"{len(differ)} of {len(stored)} cases changed on {engine_name}: {differ[:10]}"
