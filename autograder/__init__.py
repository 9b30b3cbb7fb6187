"""The course's instructor pipeline, built on nbgrader.

One module per step, each usable on its own:

- :mod:`autograder.layout`     where every nbgrader directory of this repository lives;
- :mod:`autograder.config`     the nbgrader configuration (paths, timeouts, preprocessors);
- :mod:`autograder.release`    solutions/ -> course/exercises/ (student versions), drift check;
- :mod:`autograder.collect`    submissions from an nbgrader exchange, a folder or a zip;
- :mod:`autograder.autograde`  runs each submission (one student at a time) and records its state;
- :mod:`autograder.states`     the recorded outcome of each submission (graded / failed / flagged);
- :mod:`autograder.feedback`   feedback HTML without hidden tests;
- :mod:`autograder.report`     CSV of every submission plus a histogram of scores;
- :mod:`autograder.validate`   the students' ``make validate`` (visible tests);
- :mod:`autograder.check`      self-study grading with the full tests (``make check``).

The package knows notebooks and nbgrader, never the course's network code (``nnbasics``).
"""
