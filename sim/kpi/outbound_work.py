"""Agent time spent on outbound work, read off the dial attempts (sim.core.records.AttemptRecords).

An agent works on an attempt (sim.kpi.definitions, "outbound busy"):
  * preview dialling: from the dial to the end of the ringing, [dial_time, resolve_time), for
    the attempts of a preview campaign (its agent dialled it and waited);
  * a connected call: talk then wrap-up, [connect_time, connect_time + talk + wrapup).
The pieces are integrated over time like the inbound legs (:mod:`sim.kpi.timeline`), per agent
group or per campaign.
"""

from __future__ import annotations

import numpy as np

from sim.kpi import timeline

PREVIEW = "preview"  # the dialling mode whose agents are busy while their attempt rings


def work_pieces(scenario, attempts) -> dict:
    """The stretches of agent time on outbound work, as arrays: group, campaign, start, end, and
    ``ringing`` (True for a preview attempt's ringing, False for talk + wrap-up)."""
    preview = np.array([c.mode == PREVIEW for c in scenario.campaigns] + [False], bool)
    campaign = np.asarray(attempts.campaign, np.int64)
    rings = np.flatnonzero(preview[campaign] & (attempts.agent >= 0))
    talks = np.flatnonzero(~np.isnan(attempts.connect_time))
    talk_end = (attempts.connect_time[talks] + attempts.talk[talks]) + attempts.wrapup[talks]
    return {
        "group": np.concatenate((attempts.group[rings], attempts.group[talks])).astype(np.int64),
        "campaign": np.concatenate((campaign[rings], campaign[talks])),
        "start": np.concatenate((attempts.dial_time[rings], attempts.connect_time[talks])),
        "end": np.concatenate((attempts.resolve_time[rings], talk_end)),
        "ringing": np.concatenate((np.ones(len(rings), bool), np.zeros(len(talks), bool))),
    }


def integrals(pieces: dict, by: str, n: int, points: np.ndarray, only=None) -> np.ndarray:
    """Agent time on the pieces between consecutive ``points`` (rows: the n values of ``by``,
    "group" or "campaign"); ``only``: a mask of the pieces to count. Never negative (a
    rounding residue of the sums is 0)."""
    keep = slice(None) if only is None else only
    out = timeline.grouped_integrals(pieces[by][keep], n, pieces["start"][keep], pieces["end"][keep],
                                     np.asarray(points, float))
    return np.maximum(out, 0.0)
