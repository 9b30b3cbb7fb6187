"""The course as a student sees it: every chapter run in a real JupyterLab, its widgets used.

One JupyterLab (on a copy of ``course/``) and one headless chromium serve every test here.
Chapter tests press Run All and check the saved notebook has no error output, the page no
JavaScript error, and the chapter's widgets are rendered as widgets (a screenshot of each is
written to the screenshot folder). The student tests press the widgets' buttons and check the
numbers against what Python computes; the layout test measures labels at 1024 and 1400 px.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
from chromium_browser import chromium_context, require_chromium
from lab_page import (
    WIDGET_TIMEOUT_MS,
    clipped_labels,
    close,
    number_after,
    open_notebook,
    run_all,
    screenshot,
)
from lab_server import jupyter_lab

pytestmark = [pytest.mark.slow]

REPO_ROOT = Path(__file__).resolve().parents[2]
COURSE_DIR = REPO_ROOT / "course"
CHAPTERS = sorted(p.name for p in COURSE_DIR.glob("[0-9][0-9]_*.ipynb"))
# The widgets each chapter displays (root CSS class -> how many).
EXPECTED_WIDGETS = {
    "02_core_concepts.ipynb": {"nnb-neuron-explorer": 1, "nnb-activation-explorer": 1,
                               "nnb-backprop-stepper": 1, "nnb-descent-explorer": 1},
    "03_practical_implementation.ipynb": {"nnb-playground": 1, "nnb-initialization-explorer": 1},
    "04_advanced_topics.ipynb": {"nnb-conv-explorer": 1},
    "07_best_practices.ipynb": {"nnb-initialization-explorer": 1},
}
KEEP_OPEN = {"02_core_concepts.ipynb", "03_practical_implementation.ipynb", "04_advanced_topics.ipynb"}
NOT_RENDERED = ("Loading widget", "Error displaying widget", "Error rendering", "Explorer(",
                "<nnbasics.widgets")


@pytest.fixture(scope="session")
def lab():
    require_chromium()
    with jupyter_lab(COURSE_DIR) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    with chromium_context(1400, 1000) as context:
        context.set_default_timeout(WIDGET_TIMEOUT_MS)
        # Offline, as in a classroom without internet: only the loopback server answers.
        context.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/]).*"), lambda route: route.abort())
        yield context


@pytest.fixture(scope="session")
def chapter_runs(lab, browser):
    """Chapters run so far (path -> NotebookRun); the interactive ones stay open for later tests."""
    runs: dict = {}

    def get(name: str):
        if name not in runs:
            runs[name] = run_all(lab, open_notebook(browser, lab, name))
        return runs[name]

    yield get


def test_jupyterlab_serves_a_copy_of_the_course(lab):
    assert (lab.root / CHAPTERS[0]).is_file() and lab.root != COURSE_DIR
    assert lab.base_url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_runs_without_errors_and_shows_its_widgets(name, lab, chapter_runs, screenshot_dir):
    run = chapter_runs(name)
    assert run.error_outputs() == [], f"{name}: error outputs after Run All"
    assert run.page_errors == [], f"{name}: JavaScript errors on the page"
    page = run.page
    for css_class, count in EXPECTED_WIDGETS.get(name, {}).items():
        widgets = page.locator(f".jp-OutputArea-output .{css_class}")
        widgets.first.wait_for(timeout=WIDGET_TIMEOUT_MS)
        assert widgets.count() == count, f"{name}: expected {count} {css_class}"
        assert widgets.first.locator("img, .widget-slider, button").count() > 0
        path = screenshot(widgets.first, screenshot_dir, f"{name[:2]}-{css_class}")
        print(f"screenshot: {path}")
    outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
    assert not [text for text in outputs for marker in NOT_RENDERED if marker in text], \
        f"{name}: a widget shows as text, not as a widget"
    if name not in KEEP_OPEN:
        close(lab, run)


# ----- as a student: the widgets answer to clicks with the right numbers -----
def _stepper_reference():
    """The stepper's default network (2-4-1 sigmoid, seed 0, XOR sample 0) computed directly."""
    from nnbasics.datasets import xor_table
    from nnbasics.model.mlp import MLP
    from nnbasics.optimizers import SGD

    X, y = xor_table()
    model = MLP([2, 4, 1], activation="sigmoid", seed=0, dtype=np.float64)
    x0, y0 = X[:1], model.loss_fn.check_targets(y[:1, 0].astype(np.int64), 1)
    before = model.loss(x0, y0, training=True)
    grads = model.backward(y0)
    w1_grad = grads[0]["W"][0, 0]
    SGD(lr=0.5).step(model.params, grads)
    return before, model.loss(x0, y0), w1_grad


def test_stepper_shows_the_numbers_python_computes(chapter_runs):
    page = chapter_runs("02_core_concepts.ipynb").page
    stepper = page.locator(".jp-OutputArea-output .nnb-backprop-stepper").first
    status = stepper.locator(".nnb-stepper-status")
    for button, stage in (("forward", "forward 1/2"), ("forward", "forward 2/2"), ("loss", "loss"),
                          ("backward", "backward 1/2"), ("backward", "backward 2/2")):
        stepper.locator(f"button.nnb-stepper-{button}").click()
        status.filter(has_text=f"stage: {stage}").wait_for()
    explanation = stepper.locator(".nnb-stepper-explanation").inner_text()
    stepper.locator("button.nnb-stepper-update").click()
    status.filter(has_text="after the update").wait_for()
    loss_before, loss_after, w1_grad = _stepper_reference()
    shown = status.inner_text()
    assert number_after(shown, "loss on this sample:") == pytest.approx(loss_before, abs=6e-5)
    assert number_after(shown, "after the update:") == pytest.approx(loss_after, abs=6e-5)
    gradient_line = next(line for line in explanation.splitlines() if line.startswith("dL/dW1[0,0]"))
    assert float(gradient_line.split("(model.backward:")[1].strip(" )")) == pytest.approx(
        w1_grad, rel=1e-3, abs=1e-6)
    after = stepper.locator(".nnb-stepper-explanation").inner_text()
    assert "before the update" in after and after.splitlines()[1] == explanation.splitlines()[1]


def test_neuron_slider_changes_equation_and_output(chapter_runs):
    from nnbasics.activations import sigmoid

    page = chapter_runs("02_core_concepts.ipynb").page
    explorer = page.locator(".jp-OutputArea-output .nnb-neuron-explorer").first
    handle = explorer.locator(".widget-slider .noUi-handle").first  # x1: 0.50, step 0.05
    handle.focus()
    handle.press("ArrowRight")
    z = 0.8 * 0.55 + 0.2 * -1.0 - 0.5 * 2.0 + 0.1
    equation = explorer.locator(".nnb-neuron-equation")
    equation.filter(has_text=f"{z:.3f}").wait_for()
    assert f"sigmoid({z:.3f}) = {float(sigmoid(np.array([z]))[0]):.3f}" in equation.inner_text()


def _epoch(playground) -> int:
    return int(re.sub(r"\D", "", playground.locator(".nnb-playground-epoch").inner_text()))


def test_playground_play_pause_data_and_layers(chapter_runs):
    page = chapter_runs("03_practical_implementation.ipynb").page
    playground = page.locator(".jp-OutputArea-output .nnb-playground").first
    stats = playground.locator(".widget-html-content", has_text="train loss").first
    first_loss = number_after(stats.inner_text(), "train loss")
    play = playground.locator("button.nnb-playground-play")
    play.click()
    page.wait_for_function("(el) => parseInt(el.textContent.replace(/\\D/g, '')) >= 60",
                           arg=playground.locator(".nnb-playground-epoch").element_handle(),
                           timeout=60_000)
    play.click()  # Pause
    playground.locator("button.nnb-playground-play", has_text="Play").wait_for()
    stopped = _epoch(playground)
    page.wait_for_timeout(1500)
    assert _epoch(playground) == stopped >= 60, "the counter moved after Pause"
    assert number_after(stats.inner_text(), "train loss") < first_loss

    boundary = playground.locator("img.nnb-playground-boundary")
    old_src = boundary.get_attribute("src")
    playground.locator(".nnb-playground-dataset button", has_text="circle").click()
    page.wait_for_function("([el, old]) => el.src !== old",
                           arg=[boundary.element_handle(), old_src])
    # new data: a fresh network. The picture and the counter arrive as separate widget messages,
    # so wait (a while, not forever) for the counter to say 0 rather than read it at once.
    page.wait_for_function("(el) => parseInt(el.textContent.replace(/\\D/g, '')) === 0",
                           arg=playground.locator(".nnb-playground-epoch").element_handle(),
                           timeout=15_000)
    assert _epoch(playground) == 0

    neurons = playground.locator("img.nnb-playground-neuron")
    before = neurons.count()
    playground.locator("button", has_text="+ layer").click()
    page.wait_for_function("([root, n]) => root.querySelectorAll('img.nnb-playground-neuron')"
                           ".length > n", arg=[playground.element_handle(), before])
    assert neurons.count() == before + 2  # a new layer of 2 neurons


def test_descent_presets_diverge_and_converge(chapter_runs):
    page = chapter_runs("02_core_concepts.ipynb").page
    explorer = page.locator(".jp-OutputArea-output .nnb-descent-explorer").first
    status = explorer.locator(".nnb-descent-status")
    for preset, verdict in (("divergent", "diverged"), ("good", "converged")):
        explorer.locator(".nnb-descent-presets button", has_text=re.compile(f"^{preset}$")).click()
        explorer.locator("button.nnb-descent-play").click()
        status.filter(has_text=verdict).wait_for(timeout=60_000)


def test_convolution_kernel_changes_the_output_image(chapter_runs):
    page = chapter_runs("04_advanced_topics.ipynb").page
    explorer = page.locator(".jp-OutputArea-output .nnb-conv-explorer").first
    image = explorer.locator("img.nnb-conv-image")
    old_src = image.get_attribute("src")
    select = explorer.locator(".nnb-conv-kernel select")
    choice = "vertical edge" if select.input_value() != "vertical edge" else "blur"
    select.select_option(choice)
    page.wait_for_function("([el, old]) => el.src !== old", arg=[image.element_handle(), old_src])
    assert f"kernel {choice}" in explorer.inner_text()


@pytest.mark.parametrize("width", [1024, 1400])
def test_no_control_label_is_clipped(width, chapter_runs, screenshot_dir):
    for name in sorted(KEEP_OPEN):
        page = chapter_runs(name).page
        page.set_viewport_size({"width": width, "height": 1000})
        page.wait_for_timeout(500)  # relayout
        roots = ", ".join(f".jp-OutputArea-output .{c}" for c in EXPECTED_WIDGETS[name])
        assert clipped_labels(page, roots) == [], f"{name} at {width} px: clipped labels"
        if name.startswith("03"):
            playground = page.locator(".jp-OutputArea-output .nnb-playground").first
            print(f"screenshot: {screenshot(playground, screenshot_dir, f'03-playground-{width}px')}")
    for name in sorted(KEEP_OPEN):
        chapter_runs(name).page.set_viewport_size({"width": 1400, "height": 1000})


# ----- exercises: nbgrader's Validate button -----
def _validate(lab, browser, path: str, formulas: bool = False) -> str:
    run = open_notebook(browser, lab, path)
    try:
        if formulas:  # what the student receives shows its formulas typeset (JupyterLab's MathJax)
            run.page.locator(".jp-MarkdownOutput mjx-container").first.wait_for()
        run.page.locator(".jp-Toolbar button, .jp-Toolbar jp-button", has_text="Validate").first.click()
        dialog = run.page.locator(".jp-Dialog")
        dialog.first.wait_for(timeout=180_000)
        dialog.locator(".jp-Dialog-header", has_text=re.compile("Validat|Success|Fail", re.I)).first.wait_for(
            timeout=180_000)
        return dialog.first.inner_text()
    finally:
        close(lab, run)


def test_validate_button_fails_the_release_and_passes_a_solved_copy(lab, browser):
    from autograder.solution_submission import solved_release

    released = "exercises/ex2_xor/xor_mlp.ipynb"
    text = _validate(lab, browser, released, formulas=True)
    assert "passes all" not in text.lower() and ("fail" in text.lower() or "error" in text.lower()), text

    solved = solved_release(nbformat.read(lab.root / released, as_version=4),
                            nbformat.read(REPO_ROOT / "solutions/ex2_xor/xor_mlp.ipynb", as_version=4))
    nbformat.write(solved, lab.root / "exercises/ex2_xor/xor_mlp_solved.ipynb")
    text = _validate(lab, browser, "exercises/ex2_xor/xor_mlp_solved.ipynb")
    assert "passes all" in text.lower() or "success" in text.lower(), text
