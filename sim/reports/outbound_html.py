"""The outbound sections of a run's HTML report (scenarios with campaigns): the campaigns, the
split of each group's time on duty, and the campaigns per interval."""

from __future__ import annotations

from typing import List, Tuple

from sim.reports.html import long_table_html, table_html

CAMPAIGN_INTERVALS_FILE = "campaign_intervals.csv"  # where sim.reports.files.write_run puts the table
NOTE = ('<p class="note">Nuisance rate = live answers dropped because no agent was free / live answers, '
        "beside the campaign's cap. RPC per agent-hour = right-party contacts / hours of agent time on the "
        "campaign (preview dialling, talk, wrap-up, and the idle time of its dedicated groups). "
        "Penetration = records dialled at least once / list size.</p>")


def sections(results) -> List[Tuple[str, str]]:
    """(heading, html) sections; none for a run without campaigns."""
    campaigns = getattr(results, "campaigns", None)
    if campaigns is None or not len(campaigns):
        return []
    return [("Outbound campaigns", NOTE + table_html(campaigns)),
            ("Time on duty by group (shares)", table_html(results.group_time)),
            ("Outbound per interval and campaign",
             long_table_html(results.campaign_intervals, "interval rows", CAMPAIGN_INTERVALS_FILE))]
