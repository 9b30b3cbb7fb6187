"""Units of cluster grading that need no cluster: what travels, and the recorder's engines."""

from __future__ import annotations

import pickle
from dataclasses import replace

import pytest
from grading_pipeline_helpers import FAST_SETTINGS, TINY

from autograder.bundle import assignment_arrivals, assignment_files, bundle_submission
from autograder.cluster_worker import grade_bundle
from autograder.gradebook import open_gradebook
from autograder.gradebook_engines import engines_in_use, shared_engines


def test_a_bundle_carries_the_submission_but_not_the_assignment_files(tiny_course):
    tiny_course.submit_solution("packed")
    files = assignment_files(tiny_course.layout, TINY, FAST_SETTINGS)
    bundle = bundle_submission(tiny_course.layout, "packed", files, FAST_SETTINGS)
    assert set(files.source) == set(files.release) == {f"{TINY}.ipynb"}
    assert bundle.assignment_digest == files.digest
    assert list(bundle.submitted) == [f"{TINY}.ipynb"]
    assert not hasattr(bundle, "source") and not hasattr(bundle, "release")
    before = assignment_arrivals().get(files.digest, 0)
    copy = pickle.loads(pickle.dumps(files))
    assert copy == files and assignment_arrivals()[files.digest] == before + 1


def test_a_bundle_is_not_graded_with_another_assignment_version(tiny_course):
    tiny_course.submit_solution("mismatch")
    files = assignment_files(tiny_course.layout, TINY, FAST_SETTINGS)
    bundle = bundle_submission(tiny_course.layout, "mismatch", files, FAST_SETTINGS)
    other = assignment_files(tiny_course.layout, TINY, replace(FAST_SETTINGS, course_id="other"))
    with pytest.raises(ValueError, match="pack the bundle with these files"):
        grade_bundle(bundle, other)


def test_shared_engines_reuse_one_engine_per_gradebook_and_release_it(tiny_course):
    layout = tiny_course.layout
    with open_gradebook(layout) as first:
        alone = first.engine
    with shared_engines():
        with open_gradebook(layout) as first:
            shared = first.engine
        with open_gradebook(layout) as second:
            assert second.engine is shared
            assert second.find_assignment(TINY).name == TINY  # still a working gradebook
        assert engines_in_use() == 1
    assert engines_in_use() == 0
    with open_gradebook(layout) as after:
        assert after.engine is not shared and after.engine is not alone
