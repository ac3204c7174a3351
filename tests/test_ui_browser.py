"""The what-if page in headless Chromium: load a scenario, change the form, run, watch the tiles
move the expected way, play the day, check the animation's colours on a screenshot, and check
that the page asks nothing of any machine but this one; bad values get the field's error and
nothing runs; the exported HTML plays offline; runs do not pile up models in the browser; the
interval plots render and follow the clock; blended agents show busy on outbound calls; a Run
while the day plays stops the playing (the new day waits at its first minute)."""

from urllib.parse import urlparse

import pytest

pytest.importorskip("panel", reason="the ui extra is not installed (pip install -e '.[ui]')")
sync_api = pytest.importorskip("playwright.sync_api", reason="the ui extra is not installed (pip install -e '.[ui]')")

from sim.simulate import load_scenario_file, simulate  # noqa: E402
from sim.ui.day_view import IDLE_COLOR, OUTBOUND_COLOR, OVERFLOW_COLOR, OWN_COLOR, QUEUE_COLOR, kpi_text  # noqa: E402
from sim.ui.form import apply  # noqa: E402
from sim.ui.interval_plots import PALETTE, PLOTS  # noqa: E402
from sim.ui.running import SEED  # noqa: E402
from sim.ui.timeline import day_timeline, interval_kpis  # noqa: E402
from ui_browser import Server, color_pixels, launch, needs_chromium  # noqa: E402

pytestmark = needs_chromium
RUN = ".callsim-run button"
MORE_AGENTS = {"groups.retail_team.shifts.day.count": "16", "groups.retail_team.shifts.late.count": "12"}


@pytest.fixture(scope="module")
def server():
    running = Server()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
    page = context.new_page()
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    page.goto(server.url)
    page.wait_for_selector(RUN, timeout=30000)
    yield page
    context.close()


def text(page, selector) -> str:
    return page.locator(selector).first.inner_text().strip()


def field(page, name):
    return page.locator(".field-" + "".join(c if c.isalnum() else "-" for c in name) + " input")


def run(page, label):
    page.click(RUN)
    page.wait_for_selector(f"text={label} ready", timeout=30000)


def clock(page) -> str:
    return text(page, "#callsim-clock")


def test_more_agents_raise_the_service_level_and_the_day_plays(page, server):
    run(page, "run 1")
    before = float(text(page, "[data-tile=day-service_level] .value").rstrip(" %"))
    page.click("text=Keep for comparison")
    for name, value in MORE_AGENTS.items():
        field(page, name).fill(value)
    run(page, "run 2")
    after = float(text(page, "[data-tile=day-service_level] .value").rstrip(" %"))
    assert after > before
    page.click("text=Keep for comparison")  # side by side: the change in points, positive
    page.wait_for_selector("[data-cell='delta-run 2-service_level']")
    shown = text(page, "[data-cell='delta-run 2-service_level']")
    assert shown.startswith("+") and shown.endswith(" pts")
    assert abs(float(shown[:-4]) - (after - before)) <= 0.1  # the tiles are rounded to 0.1
    # the tiles are those of the engine for that scenario and seed (common random numbers)
    expected = simulate(apply(load_scenario_file("default"), MORE_AGENTS), seed=SEED, engine="fast")
    total = expected.summary.set_index("call_type").loc["total"]
    assert text(page, "[data-tile=day-service_level] .value") == kpi_text("service_level", float(total.service_level))
    assert text(page, "[data-tile=day-asa] .value") == kpi_text("asa", float(total.asa))

    # step: one minute per click; the interval tiles follow the clock
    assert clock(page) == "07:00"
    for _ in range(3):
        page.click(".callsim-step button")
    assert clock(page) == "07:03"
    page.click(".callsim-play button")
    page.wait_for_timeout(1500)
    page.click(".callsim-play button")  # pause
    paused = clock(page)
    assert paused > "07:30"
    page.wait_for_timeout(500)
    assert clock(page) == paused  # paused means paused
    kpis = interval_kpis(expected).set_index("start")
    hour, minute = map(int, paused.split(":"))
    start = f"{hour:02d}:{0 if minute < 30 else 30:02d}"  # the default scenario's 30-minute intervals
    for kpi in ("service_level", "asa", "abandon_rate", "occupancy"):
        assert text(page, f"[data-tile=interval-{kpi}] .value") == kpi_text(kpi, float(kpis.loc[start, kpi]))

    # the animation's colours: queue bars, agents busy on own calls, on overflow calls, idle
    timeline = day_timeline(expected)
    frame = busy_frame(timeline)
    shows_the_colours(page, "run 2", timeline, frame)
    hosts = {urlparse(url).netloc for url in page.requested if urlparse(url).scheme in ("http", "https", "ws", "wss")}
    assert hosts == {f"localhost:{server.port}"}, hosts


def busy_frame(timeline) -> int:
    """The first minute with at least 3 calls waiting and an overflow call being served."""
    return next(k for k in range(len(timeline.times)) if sum(w[k] for w in timeline.waiting.values()) >= 3
                and timeline.overflow["bilingual"][k] >= 1)


def shows_the_colours(page, label, timeline, frame) -> None:
    """At 07:00 nobody waits and nobody serves an overflow call (only the legend's swatch has
    the overflow colour); at ``frame`` the queue bars and the overflow bars appear, in their colours."""
    assert sum(w[0] for w in timeline.waiting.values()) == 0 and timeline.overflow["bilingual"][0] == 0
    move_slider(page, label, 0)
    quiet = page.screenshot(full_page=True)
    move_slider(page, label, frame)
    assert clock(page) == timeline.clock[frame]
    busy = page.screenshot(full_page=True)
    assert color_pixels(quiet, QUEUE_COLOR) == 0 and color_pixels(busy, QUEUE_COLOR) > 300
    assert color_pixels(busy, OVERFLOW_COLOR) > color_pixels(quiet, OVERFLOW_COLOR) + 200
    assert color_pixels(busy, OWN_COLOR) > 1000 and color_pixels(busy, IDLE_COLOR) > 300


def move_slider(page, label: str, frame: int) -> None:
    """Drag the clock's slider of run ``label`` to ``frame`` (set through Bokeh's document, as a drag does)."""
    page.evaluate("""([label, frame]) => { for (const doc of Bokeh.documents) {
        const slider = doc.get_model_by_name('callsim-slider ' + label); if (slider) slider.value = frame; } }""",
                  [label, frame])


def wait_for_clock_past(page, time: str) -> None:
    for _ in range(100):
        if clock(page) > time:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the clock stayed at {clock(page)}")


def play_label(page) -> str:
    return text(page, ".callsim-play button")


def test_a_run_while_the_day_plays_stops_playing_at_the_new_days_start(page):
    """Play run 1, then change the form and Run: the old timer must not go on moving the new
    day's clock: run 2 waits at 07:00, paused, until Play is pressed, and then plays."""
    run(page, "run 1")
    page.click(".callsim-play button")
    wait_for_clock_past(page, "07:10")
    assert play_label(page) == "⏸ Pause"
    field(page, "groups.retail_team.shifts.day.count").fill("15")
    run(page, "run 2")
    page.wait_for_timeout(1000)  # ten ticks of a timer left running (5 clock minutes each)
    assert clock(page) == "07:00" and play_label(page) == "▶ Play"
    assert page.evaluate("""() => { for (const doc of Bokeh.documents) {
        const slider = doc.get_model_by_name('callsim-slider run 2'); if (slider) return slider.value; } }""") == 0
    page.click(".callsim-play button")  # and Play plays the new day
    wait_for_clock_past(page, "07:10")
    assert play_label(page) == "⏸ Pause"


def test_a_bad_value_shows_the_fields_error_and_nothing_runs(page):
    field(page, "call_types.retail.route[1].delay").fill("-3")
    page.click(RUN)
    error = ".error-call-types-retail-route-1--delay .field-error"
    page.wait_for_selector(error, timeout=30000)
    assert text(page, error) == "call_types.retail.route[1].delay: must be between 0 and 86400 s (a day), got -3.0"
    assert "Not run" in text(page, ".callsim-status .status-text")
    assert page.locator("#callsim-clock").count() == 0  # no day was simulated
    field(page, "call_types.retail.route[1].delay").fill("abc")
    page.click(RUN)
    page.wait_for_selector(f"{error}:has-text(\"got 'abc'\")", timeout=30000)
    assert page.locator("#callsim-clock").count() == 0


def test_the_exported_html_plays_offline(page, browser, tmp_path):
    run(page, "run 1")
    with page.expect_download() as download:
        page.click("text=Export HTML")
    path = tmp_path / "day.html"
    download.value.save_as(path)
    offline = browser.new_context(offline=True, viewport={"width": 1100, "height": 900})
    requested = []
    copy = offline.new_page()
    copy.on("request", lambda request: requested.append(request.url))
    copy.goto(path.as_uri())
    copy.wait_for_selector("#callsim-clock", timeout=30000)
    assert clock(copy) == "07:00"
    copy.click(".callsim-step button")
    assert clock(copy) == "07:01"
    copy.click(".callsim-play button")
    copy.wait_for_timeout(1500)
    copy.click(".callsim-play button")
    assert clock(copy) > "07:30"
    timeline = day_timeline(simulate("default", seed=SEED, engine="fast"))
    frame = busy_frame(timeline)
    shows_the_colours(copy, "run 1", timeline, frame)
    assert all(url.startswith("file:") for url in requested), requested
    offline.close()


def model_count(page) -> int:
    return page.evaluate("() => Bokeh.documents.reduce((n, doc) => n + doc._all_models.size, 0)")


def test_runs_do_not_pile_up_models_and_the_interval_plots_render(page):
    """BokehJS keeps every model a document ever held: five runs must leave as many models as
    one. The interval plots are drawn (their line colours appear with a day) and their
    clock markers follow the slider (07:45: the middle of the second 30-minute interval)."""
    before = page.screenshot(full_page=True)
    run(page, "run 1")
    after_first = model_count(page)
    for k in range(2, 6):
        field(page, "groups.retail_team.shifts.day.count").fill(str(10 + k))
        run(page, f"run {k}")
        assert model_count(page) == after_first
    drawn = page.screenshot(full_page=True)
    for color in PALETTE[:4]:  # the four call types' lines (before a run: only their legends' swatches)
        assert color_pixels(drawn, color) > color_pixels(before, color) + 150, color
    move_slider(page, "run 5", 45)
    assert clock(page) == "07:45"
    for kind in PLOTS:
        where = page.evaluate("""(name) => { for (const doc of Bokeh.documents) {
            const m = doc.get_model_by_name(name); if (m) return m.location; } }""", f"callsim-cursor {kind}")
        assert where == 1.5, kind


def test_a_blended_day_shows_agents_busy_on_outbound_calls(browser):
    server = Server("--scenario", "blended")
    try:
        context = browser.new_context(viewport={"width": 1400, "height": 1100})
        page = context.new_page()
        page.goto(server.url)
        page.wait_for_selector(RUN, timeout=30000)
        run(page, "run 1")
        assert "idle" not in text(page, "text=run 1: blended")  # the header has no caveat
        timeline = day_timeline(simulate("blended", seed=SEED, engine="fast"))
        start, busy = timeline.clock.index("08:00"), timeline.clock.index("15:00")
        assert sum(v[start] for v in timeline.outbound.values()) == 0 and timeline.outbound["blended"][busy] >= 5
        move_slider(page, "run 1", start)
        quiet = page.screenshot(full_page=True)  # the outbound colour only in the legend's swatch
        move_slider(page, "run 1", busy)
        assert clock(page) == "15:00"
        assert color_pixels(page.screenshot(full_page=True), OUTBOUND_COLOR) > color_pixels(quiet, OUTBOUND_COLOR) + 1000
        context.close()
    finally:
        server.stop()
