"""The course's instructor pipeline, built on nbgrader (used as a library, not through its CLI).

Steps, each usable on its own and kept apart so that more tamper checks or other kernels can be
added without rewriting the others:

- :mod:`autograder.release`    solutions/ -> course/exercises/ (student versions), drift check;
- :mod:`autograder.collect`    submissions from an nbgrader exchange, a folder or a zip;
- :mod:`autograder.autograde`  the runner: one (student, assignment) at a time, never stops on one;
- :mod:`autograder.sandbox`    ``--sandbox``: each kernel under bubblewrap (no course files, no network);
- :mod:`autograder.states`     the recorded outcome of each submission (graded / failed / flagged);
- :mod:`autograder.feedback`   feedback HTML without hidden tests;
- :mod:`autograder.report`     grades.csv plus a histogram of scores per assignment;
- :mod:`autograder.validate`   the students' ``make validate`` (visible tests);
- :mod:`autograder.check`      self-study grading with the full tests (``make check``);
- :mod:`autograder.cli`        ``nnbasics-grade`` / ``python -m autograder``.

Supporting modules: :mod:`~autograder.layout` (paths), :mod:`~autograder.config` (nbgrader
config and time limits), :mod:`~autograder.execution` (whole-notebook deadline),
:mod:`~autograder.scrub` (traceback-scrubbing feedback preprocessor),
:mod:`~autograder.hidden_tests` (leak detection), :mod:`~autograder.tamper` (modified tests),
:mod:`~autograder.submission_checks`, :mod:`~autograder.failures`, :mod:`~autograder.gradebook`,
:mod:`~autograder.nbgrader_run`, :mod:`~autograder.test_results`,
:mod:`~autograder.solution_submission`, :mod:`~autograder.environment`.

The package knows notebooks and nbgrader, never the course's network code (``nnbasics``): the
sandbox only locates that package's folder, to let the kernel read it.
"""
