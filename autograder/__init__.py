"""The course's instructor pipeline, built on nbgrader (used as a library, not through its CLI).

Steps, each usable on its own and kept apart so that more tamper checks or other kernels can be
added without rewriting the others:

- :mod:`autograder.release`    solutions/ -> course/exercises/ (student versions), drift check;
- :mod:`autograder.collect`    submissions from an nbgrader exchange, a folder or a zip;
- :mod:`autograder.autograde`  the runner: one (student, assignment) at a time, never stops on one;
- :mod:`autograder.sandbox`    each kernel under bubblewrap by default (no course files, no network,
  memory and process limits);
- :mod:`autograder.integrity`  cheat detection (rebinding numpy, builtins, test helpers, sys.modules);
- :mod:`autograder.limits`     time limits derived from the reference solutions (autograder/limits/);
- :mod:`autograder.states`     the recorded outcome of each submission (graded / failed / flagged /
  cheating) and the resume rule; :mod:`autograder.review` clears or confirms a flag;
- :mod:`autograder.progress`   autograde's per-submission lines and progress bar;
- :mod:`autograder.feedback`   feedback HTML without hidden tests;
- :mod:`autograder.report`     grades.csv plus a histogram of scores per assignment;
- :mod:`autograder.lms_export` canvas.csv / moodle.csv for the LMS (students from :mod:`~autograder.roster`);
- :mod:`autograder.release_feedback`  feedback into the exchange for ``nbgrader fetch_feedback``;
- :mod:`autograder.deadlines` / :mod:`autograder.late_policy`  due dates and late penalties
  (:mod:`~autograder.lateness` applies them to the report; CLI in :mod:`~autograder.class_commands`);
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
