"""The trainer's walk-through of the overflow demo, done in the what-if page by a headless
Chromium, and the page's timings.

    python experiments/ui_walkthrough/walkthrough.py [--out DIR]

Needs the ui extra (``pip install -e ".[ui]"``) and Debian's chromium (``/usr/bin/chromium``).
Serves the page (``callsim-ui``'s app, in this process), picks the file ``overflow_demo.yaml``
(the demo with support's overflow step switched off), runs it, keeps it, sets the overflow delay
to 30 s, runs again, keeps it, moves the clock to 11:30 and writes to ``--out`` (default
``results/ui_walkthrough/``, not in git):
  page.png           the page at 11:30 of the overflow run (the README's screenshot)
  overflow_day.html  the exported day, which plays offline
and prints: the comparison table, the time of a run of the default scenario (simulation and
timeline, best of 7) and, in the browser, from pressing Run to the day being drawn (the first run
and the best of the next 5, each with another retail day shift); then the same for the support
desk scenario (transfers: every leg drawn; another tier-1 early shift each time).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import panel as pn
from playwright.sync_api import sync_playwright

from sim.simulate import load_scenario_file
from sim.ui.page import create_page
from sim.ui.running import run

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
PORT = 5077
DELAY_FIELD = ".field-call-types-support-route-1--delay input"
RETAIL_FIELD = ".field-groups-retail-team-shifts-day-count input"
TIER1_FIELD = ".field-groups-tier1-shifts-early-count input"


def run_and_wait(page, label: str) -> float:
    """Press Run; the seconds until the new day is drawn (its header shows the run's label and
    the browser has painted the next two frames)."""
    started = time.perf_counter()
    page.click(".callsim-run button")
    page.wait_for_selector(f"text={label}: ", timeout=60000)
    page.wait_for_selector("#callsim-clock")
    # the canvases are painted on the next animation frames after the models change
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return time.perf_counter() - started


def move_clock(page, label: str, frame: int) -> None:
    page.evaluate("""([label, frame]) => { for (const doc of Bokeh.documents) {
        const slider = doc.get_model_by_name('callsim-slider ' + label); if (slider) slider.value = frame; } }""",
                  [label, frame])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "results" / "ui_walkthrough")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)

    default = load_scenario_file("default")
    seconds = []
    for _ in range(7):
        seconds.append(run(default, "timing").seconds)
    print(f"default scenario, simulation + timeline: best {min(seconds):.3f} s of 7 (median {sorted(seconds)[3]:.3f} s)")

    server = pn.serve({"/": create_page}, port=PORT, address="localhost", websocket_origin=f"localhost:{PORT}",
                      show=False, threaded=True, start=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1150})
            page.goto(f"http://localhost:{PORT}/")
            page.wait_for_selector(".callsim-run button", timeout=60000)
            seconds_in_browser = []
            for k in range(1, 7):  # a different retail day shift each time, as a trainer would
                page.locator(RETAIL_FIELD).fill(str(10 + k))
                seconds_in_browser.append(run_and_wait(page, f"run {k}"))
            first, again = seconds_in_browser[0], seconds_in_browser[1:]
            print(f"default scenario, Run pressed to day drawn in Chromium: first run {first:.3f} s; "
                  f"the next 5: best {min(again):.3f} s (median {sorted(again)[2]:.3f} s)")

            page.locator("select").first.select_option("a file…")
            page.locator(".callsim-path input").fill(str(HERE / "overflow_demo.yaml"))
            page.click("text=Load")
            page.wait_for_selector(DELAY_FIELD)
            run_and_wait(page, "run 7")
            page.click("text=Keep for comparison")
            page.locator(DELAY_FIELD).fill("30")
            run_and_wait(page, "run 8")
            page.click("text=Keep for comparison")
            move_clock(page, "run 8", 210)  # 08:00 + 210 min = 11:30
            page.wait_for_timeout(300)
            page.screenshot(path=str(out / "page.png"), full_page=True)
            print(page.locator(".callsim-compare-table").first.inner_text())
            with page.expect_download() as download:
                page.click("text=Export HTML")
            download.value.save_as(out / "overflow_day.html")

            # a scenario with transfers (every leg drawn): the support desk, with another tier-1 shift each time
            page.locator("select").first.select_option("support_desk")
            page.wait_for_selector(TIER1_FIELD)
            seconds_in_browser = []
            for k in range(9, 15):
                page.locator(TIER1_FIELD).fill(str(k - 1))
                seconds_in_browser.append(run_and_wait(page, f"run {k}"))
            first, again = seconds_in_browser[0], seconds_in_browser[1:]
            print(f"support_desk scenario, Run pressed to day drawn in Chromium: first run {first:.3f} s; "
                  f"the next 5: best {min(again):.3f} s (median {sorted(again)[2]:.3f} s)")
            browser.close()
    finally:
        server.stop()
    print(f"wrote {out / 'page.png'} and {out / 'overflow_day.html'}")


if __name__ == "__main__":
    main()
