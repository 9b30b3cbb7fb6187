"""End-to-end outcomes on the course's real exercises (solutions/ + tests/exercises/mistakes.py).

Each exercise is released into a temporary course; submissions are built the way students make
them (the released notebook with answers written in) and go through autograde and feedback:

- the full solution gets full marks (minus the points that wait for manual grading);
- the unedited release gets 0 with status ``graded``;
- each catalogued mistake gets a partial score and loses points in exactly its affected tests,
  each of which keeps the share of its named checks that still pass; its hint and the per-check
  table appear in the feedback, which contains no hidden test source;
- the tutorial's ``+=`` update (gradient ascent) loses at least half of the update's and the
  training's points.

Time: the ex3 full solution (MNIST training, ~50 s on the shared 2-core machine) is graded once
per test process. ex3 mistakes in cells before the training cell are graded on the notebook cut
just before that cell (5-13 s each); the two mistakes in the training cell itself train
(15-30 s each).
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from grading_pipeline_helpers import replace_cell

from autograder.autograde import grade_submission
from autograder.config import GradingSettings
from autograder.feedback import generate_feedback
from autograder.hidden_tests import hidden_test_lines, leaked_lines
from autograder.layout import CourseLayout
from autograder.release import release
from autograder.solution_submission import solved_release
from autograder.states import GradingState
from autograder.test_results import grade_cell_results

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[2]
REPO = CourseLayout(REPO_ROOT)
MISTAKES_FILE = REPO_ROOT / "tests" / "exercises" / "mistakes.py"
# the cell that trains on MNIST: ex3 mistakes before it are graded on the notebook cut there
TRAINING_CELLS = {"ex3_mnist": "model"}


def _load_mistakes() -> list:
    if not MISTAKES_FILE.exists():
        return []
    spec = importlib.util.spec_from_file_location("nnbasics_mistake_catalog", MISTAKES_FILE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return list(module.MISTAKES)


MISTAKES = _load_mistakes()
ASSIGNMENTS = REPO.assignments()


def _grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _cut_index(notebook: nbformat.NotebookNode, grade_id: str) -> int:
    return next(i for i, cell in enumerate(notebook.cells) if _grade_id(cell) == grade_id)


@dataclass
class ExerciseCourse:
    """One exercise released into a temporary course, optionally cut before a cell."""

    assignment: str
    layout: CourseLayout
    notebook_names: list[str]
    graded: dict[str, GradingState] = field(default_factory=dict)

    @classmethod
    def build(cls, root: Path, assignment: str, cut_before: str | None = None) -> ExerciseCourse:
        layout = CourseLayout(root)
        shutil.copytree(REPO.solutions_dir / assignment, layout.solutions_dir / assignment)
        names = layout.notebooks(assignment)
        if cut_before is not None:
            for name in names:
                path = layout.solutions_dir / assignment / f"{name}.ipynb"
                notebook = nbformat.read(path, as_version=4)
                if any(_grade_id(c) == cut_before for c in notebook.cells):
                    notebook.cells = notebook.cells[: _cut_index(notebook, cut_before)]
                    nbformat.write(notebook, path)
        release(layout, [assignment])
        return cls(assignment, layout, names)

    def released(self, name: str) -> nbformat.NotebookNode:
        return nbformat.read(self.layout.release_dir / self.assignment / f"{name}.ipynb", 4)

    def source(self, name: str) -> nbformat.NotebookNode:
        return nbformat.read(self.layout.solutions_dir / self.assignment / f"{name}.ipynb", 4)

    def solved(self, name: str) -> nbformat.NotebookNode:
        return solved_release(self.released(name), self.source(name))

    def grade(self, student: str, notebooks: dict[str, nbformat.NotebookNode]) -> GradingState:
        folder = self.layout.submission_dir(student, self.assignment)
        folder.mkdir(parents=True, exist_ok=True)
        for name, notebook in notebooks.items():
            nbformat.write(notebook, folder / f"{name}.ipynb")
        state = grade_submission(self.layout, student, self.assignment)
        generate_feedback(self.layout, self.assignment, student)
        self.graded[student] = state
        return state

    def test_scores(self, student: str) -> dict[str, tuple[float, float]]:
        folder = self.layout.autograded_submission_dir(student, self.assignment)
        scores = {}
        for path in sorted(folder.glob("*.ipynb")):
            for result in grade_cell_results(nbformat.read(path, as_version=4)):
                scores[result.grade_id] = (result.score, result.max_score)
        return scores

    def feedback(self, student: str) -> str:
        folder = self.layout.feedback_submission_dir(student, self.assignment)
        pages = sorted(folder.glob("*.html"))
        assert pages, f"no feedback page for {student}"
        return "\n".join(page.read_text() for page in pages)

    def hidden_lines(self) -> set[str]:
        lines: set[str] = set()
        for name in self.notebook_names:
            source = self.layout.solutions_dir / self.assignment / f"{name}.ipynb"
            released = self.layout.release_dir / self.assignment / f"{name}.ipynb"
            if source.exists():
                lines |= hidden_test_lines(source, released)
        return lines

    def manual_points(self) -> float:
        return sum(
            float(cell.metadata["nbgrader"].get("points", 0))
            for name in self.notebook_names
            for cell in self.source(name).cells
            if cell.metadata.get("nbgrader", {}).get("grade")
            and cell.metadata["nbgrader"].get("solution")
        )


@pytest.fixture(scope="session")
def exercise_course(tmp_path_factory):
    """``exercise_course(assignment, cut_before=None)``: built once per test process."""
    built: dict[tuple[str, str | None], ExerciseCourse] = {}

    def get(assignment: str, cut_before: str | None = None) -> ExerciseCourse:
        key = (assignment, cut_before)
        if key not in built:
            root = tmp_path_factory.mktemp(f"{assignment}-{cut_before or 'full'}") / "course"
            built[key] = ExerciseCourse.build(root, assignment, cut_before)
        return built[key]

    return get


@pytest.fixture(scope="session")
def full_solutions(exercise_course):
    """Each exercise's full solution, graded once per test process (ex3 trains MNIST)."""
    done: dict[str, ExerciseCourse] = {}

    def get(assignment: str) -> ExerciseCourse:
        if assignment not in done:
            course = exercise_course(assignment)
            course.grade("full", {name: course.solved(name) for name in course.notebook_names})
            done[assignment] = course
        return done[assignment]

    return get


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_full_solution_gets_full_marks(full_solutions, assignment):
    course = full_solutions(assignment)
    state = course.graded["full"]
    assert state.status == "graded", state.reason
    assert state.score == state.max_score - course.manual_points(), state
    assert all(score == top for score, top in course.test_scores("full").values())
    hidden = course.hidden_lines()
    assert hidden, "the exercise should have hidden tests"
    assert leaked_lines(course.feedback("full"), hidden) == []
    # control: the instructor's autograded notebook does contain them, so the check can see them
    graded = course.layout.autograded_submission_dir("full", assignment)
    sources = [c.source for p in graded.glob("*.ipynb") for c in nbformat.read(p, 4).cells]
    assert leaked_lines("\n".join(sources), hidden)


@pytest.mark.skipif(shutil.which("bwrap") is None or shutil.which("prlimit") is None,
                    reason="bubblewrap is not installed (apt-get install bubblewrap)")
def test_mnist_exercise_grades_in_the_sandbox(exercise_course):
    """The sandboxed kernel reaches nnbasics and the MNIST data (the notebook is cut before the
    training cell, whose grading outside the sandbox the full-solution test covers)."""
    course = exercise_course("ex3_mnist", cut_before=TRAINING_CELLS["ex3_mnist"])
    folder = course.layout.submission_dir("sandboxed", course.assignment)
    folder.mkdir(parents=True, exist_ok=True)
    for name in course.notebook_names:
        nbformat.write(course.solved(name), folder / f"{name}.ipynb")
    settings = GradingSettings(sandbox=True)
    state = grade_submission(course.layout, "sandboxed", course.assignment, settings)
    assert state.status == "graded", state.reason
    assert state.score == state.max_score > 0, state
    assert all(score == top for score, top in course.test_scores("sandboxed").values())


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_unedited_release_gets_zero_and_is_graded(exercise_course, assignment):
    course = exercise_course(assignment)
    state = course.grade("untouched", {n: course.released(n) for n in course.notebook_names})
    assert (state.status, state.score) == ("graded", 0.0), state
    assert state.max_score > 0
    assert leaked_lines(course.feedback("untouched"), course.hidden_lines()) == []


def _mistake_course(exercise_course, mistake) -> ExerciseCourse:
    training = TRAINING_CELLS.get(mistake.assignment)
    if training is None:
        return exercise_course(mistake.assignment)
    notebook = nbformat.read(mistake.source_path, as_version=4)
    cut = _cut_index(notebook, training)
    first_affected = min(_cut_index(notebook, test) for test in mistake.affected_tests)
    if mistake.grade_id != training and first_affected < cut:
        return exercise_course(mistake.assignment, cut_before=training)
    return exercise_course(mistake.assignment)  # a training mistake: trains (15-30 s idle)


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.name for m in MISTAKES])
def test_mistake_gets_partial_score_and_its_hint(exercise_course, mistake):
    course = _mistake_course(exercise_course, mistake)
    name = Path(mistake.notebook).stem
    notebooks = {n: course.solved(n) for n in course.notebook_names}
    notebooks[name] = replace_cell(notebooks[name], mistake.grade_id, mistake.replacement_source)
    state = course.grade(mistake.name, notebooks)

    # rebinding numpy is also flagged for an instructor's review (autograder.integrity)
    assert state.status == ("flagged" if mistake.name == "numpy_tampering" else "graded"), state.reason
    assert 0 < state.score < state.max_score - course.manual_points(), state
    scores = course.test_scores(mistake.name)
    lost = {test for test, (score, top) in scores.items() if score < top}
    present = {test for test in mistake.affected_tests if test in scores}
    assert present and lost == present, f"expected to lose {present}, lost {lost}"
    for test in present:  # partial credit per named check: the passing checks keep their share
        score, top = scores[test]
        assert (0 < score < top) if mistake.partial else score == 0, (test, score, top)
    html = course.feedback(mistake.name)
    assert mistake.expected_hint in html
    assert "checks passed" in html  # the per-check table
    assert leaked_lines(html, course.hidden_lines()) == []


@pytest.mark.skipif(
    not any(m.name == "xor_tutorial_ascent_update" for m in MISTAKES),
    reason="the catalog has no tutorial += update mistake",
)
def test_tutorial_plus_equals_update_loses_the_gradient_points(exercise_course):
    mistake = next(m for m in MISTAKES if m.name == "xor_tutorial_ascent_update")
    course = exercise_course(mistake.assignment)
    name = Path(mistake.notebook).stem
    notebook = replace_cell(course.solved(name), mistake.grade_id, mistake.replacement_source)
    state = course.grade("plus_equals", {name: notebook})
    scores = course.test_scores("plus_equals")
    # only the checks that do not depend on the update's direction pass (e.g. the returned keys)
    for test in ("test_update", "test_train_xor"):
        score, top = scores[test]
        assert 0 < score <= top / 2, (test, score, top)
    lost = sum(top - score for test, (score, top) in scores.items())
    assert lost == scores["test_update"][1] + scores["test_train_xor"][1] - (
        scores["test_update"][0] + scores["test_train_xor"][0])
    assert state.score == state.max_score - course.manual_points() - lost
    html = course.feedback("plus_equals")
    assert "\u2717 the parameters move against the gradient (descent, not ascent)" in html
