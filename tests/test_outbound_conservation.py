"""Conservation on random blended scenarios: every dialled contact record ends finished,
exhausted or open exactly once, the retry rules hold attempt by attempt, and no agent ever does
two things at once or works outside its spells (inbound legs, outbound talks and preview ringing
read from the records).
"""

import math
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sim import ConfigError, simulate
from sim.core.engines import ENGINES
from sim.core.protocol import DIAL_RESULTS, LIVE_RESULTS, NUISANCE_RETRY
from sim.model.scenario import build_scenario

from strategies import blended_scenarios

ENGINE_PARAMS = sorted(ENGINES)
LIVE = [DIAL_RESULTS.index(name) for name in LIVE_RESULTS]


def retry_code(a, i):
    return NUISANCE_RETRY if a.nuisance[i] else int(a.result[i])


def check_records(sc, a):
    """Per campaign and record: attempts in order, retry rules, and one final state each."""
    assert np.all(np.diff(a.dial_time) >= 0), "attempt ids are in dial order"
    for c in sc.campaigns:
        mine = np.flatnonzero(a.campaign == c.index)
        by_record = defaultdict(list)
        for i in mine:
            by_record[int(a.record[i])].append(int(i))
        dialled = sorted(by_record)
        assert dialled == list(range(len(dialled))), "fresh records are dialled in list order"
        assert c.list_size == -1 or len(dialled) <= c.list_size
        firsts = [by_record[r][0] for r in dialled]
        assert firsts == sorted(firsts)
        states = {"finished": 0, "exhausted": 0, "open": 0}
        for r, ids in by_record.items():
            assert [int(a.attempt[i]) for i in ids] == list(range(len(ids)))
            assert len(ids) <= c.max_attempts
            for i, j in zip(ids, ids[1:]):  # a retried attempt reached nobody or was dropped
                assert np.isnan(a.connect_time[i])
                delay = c.retry_delay[retry_code(a, i)]
                assert a.end_time[i] + delay < sc.horizon_end and a.dial_time[j] >= a.end_time[i] + delay
            last = ids[-1]
            delay = c.retry_delay[retry_code(a, last)]
            if not np.isnan(a.connect_time[last]):
                states["finished"] += 1
            elif len(ids) == c.max_attempts or delay == math.inf:
                states["exhausted"] += 1
            else:
                states["open"] += 1
                due = a.end_time[last] + delay
                if due < sc.horizon_end:  # came due: no fresh record may be dialled after it
                    later_fresh = mine[(a.dial_time[mine] > due) & (a.attempt[mine] == 0)]
                    assert len(later_fresh) == 0, f"record {r} was due at {due} but fresh records went first"
        assert sum(states.values()) == len(dialled)


def check_attempt_fields(sc, a):
    for i in range(len(a)):
        c = sc.campaigns[a.campaign[i]]
        live = a.result[i] in LIVE
        assert a.resolve_time[i] >= a.dial_time[i] and a.dial_time[i] < sc.horizon_end
        if not np.isnan(a.connect_time[i]):
            assert live and not a.nuisance[i] and a.agent[i] >= 0
            assert a.end_time[i] == a.connect_time[i] + a.talk[i]
            if c.mode == "preview":
                assert a.connect_time[i] == a.resolve_time[i]
            else:
                assert a.resolve_time[i] <= a.connect_time[i] <= a.resolve_time[i] + c.nuisance_wait
        elif a.nuisance[i]:
            assert live and a.agent[i] == -1 and a.end_time[i] == a.resolve_time[i] + c.nuisance_wait
        else:
            assert not live and a.end_time[i] == a.resolve_time[i] and a.talk[i] == 0
            assert (a.agent[i] >= 0) == (c.mode == "preview")


def check_agents(sc, results):
    """Each agent's work (inbound legs, outbound talks, preview ringing) never overlaps, starts
    on duty before its spell's scheduled end and ends by the spell's logged end."""
    work = defaultdict(list)
    calls = results.calls
    answered = calls[calls["outcome"] == "answered"]
    for agent, start, end, wrapup in zip(answered["agent"], answered["answer_time"], answered["end_time"],
                                         answered["wrapup"]):
        work[int(agent)].append((start, end + wrapup))
    a = results.attempts
    for i in range(len(a)):  # a preview dial is one piece of work: ringing, then any talk and wrap-up
        preview = sc.campaigns[a.campaign[i]].mode == "preview"
        if not np.isnan(a.connect_time[i]):
            work[int(a.agent[i])].append((a.dial_time[i] if preview else a.connect_time[i], a.end_time[i] + a.wrapup[i]))
        elif preview:
            work[int(a.agent[i])].append((a.dial_time[i], a.resolve_time[i]))
    spells = results.agents
    for agent, jobs in work.items():
        jobs.sort()
        for (s0, e0), (s1, e1) in zip(jobs, jobs[1:]):
            assert s1 >= e0, f"agent {agent} overlaps: {(s0, e0)} and {(s1, e1)}"
        mine = spells[spells["agent"] == agent]
        for start, end in jobs:
            # strictly before the scheduled end: the dial pass runs once all the events of an
            # instant are handled, so an agent whose shift ends now has already left
            inside = (mine["start"] <= start) & (start < mine["scheduled_end"]) & (end <= mine["end"])
            assert inside.any(), f"agent {agent}'s work {(start, end)} is outside its spells"


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=blended_scenarios(), seed=st.integers(1, 10**6))
def test_conservation_on_random_blended_scenarios(engine, data, seed):
    try:
        sc = build_scenario(data)
    except ConfigError:  # e.g. a call type whose groups are never staffed
        assume(False)
    results = simulate(sc, seed=seed, engine=engine)
    a = results.attempts
    assert a is not None and len(results.calls) == results.n_calls
    check_records(sc, a)
    check_attempt_fields(sc, a)
    check_agents(sc, results)
