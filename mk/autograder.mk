# Grading pipeline (autograder/): instructor and student commands. Included by the Makefile.
#   make release [ASSIGNMENT=ex1_perceptron]          solutions/ -> course/exercises/
#   make release-check                               fail if course/exercises/ drifted from solutions/
#   make collect FROM=path/or.zip [ASSIGNMENT=...]   folder/zip -> autograder/submitted/
#   make collect EXCHANGE=1 ASSIGNMENT=...           from the nbgrader exchange
#   make release ... also times the reference solutions: autograder/limits/<assignment>.json
#   make limits [ASSIGNMENT=...]                     only re-time them (time limits of autograde)
#   make autograde [ASSIGNMENT=...] [STUDENT=...] [JOBS=n] [SANDBOX=0|1] [REGRADE=1]
#                  CLUSTER=tcp://HOST:PORT or local:N: grade on Dask workers instead of JOBS (docs/scale.md)
#                  JOBS: students at once (default: cores); kernels run under bubblewrap wherever
#                  it works (SANDBOX=1: required, SANDBOX=0: off); reruns keep finished grades of
#                  unchanged submissions (REGRADE=1: grade all again).
#                  Exit status 0 all graded, 1 some failed, 3 some flagged (see make review)
#   make review STUDENT=s ASSIGNMENT=a DECISION=clear|confirm   decide on a flagged submission
#   make feedback  [ASSIGNMENT=...] [STUDENT=...]
#   make report                                      autograder/reports/grades.csv + scores.png
#   make validate NB=course/exercises/ex1_perceptron/perceptron.ipynb
#   make check EX=ex1_perceptron
# GRADE_ARGS passes global options, e.g. GRADE_ARGS="--cell-timeout 60".

GRADE := $(strip $(BIN)/python -m autograder $(GRADE_ARGS))
_assignment_opt = $(if $(ASSIGNMENT),--assignment $(ASSIGNMENT))
_student_opt = $(if $(STUDENT),--student $(STUDENT))
_jobs_opt = $(if $(JOBS),--jobs $(JOBS))
_cluster_opt = $(if $(CLUSTER),--cluster $(CLUSTER))
_sandbox_opt = $(if $(filter 0 no false,$(SANDBOX)),--no-sandbox,$(if $(SANDBOX),--sandbox))
_regrade_opt = $(if $(filter-out 0,$(REGRADE)),--regrade)

.PHONY: release release-check limits collect autograde review feedback report validate check

release: setup
	$(GRADE) release $(ASSIGNMENT)
	$(GRADE) limits $(ASSIGNMENT)

limits: setup
	$(GRADE) limits $(ASSIGNMENT)

release-check: setup
	$(GRADE) release --check $(ASSIGNMENT)

collect: setup
	$(if $(EXCHANGE),$(GRADE) collect --exchange $(_assignment_opt),$(if $(FROM),$(GRADE) collect "$(FROM)" $(_assignment_opt),@echo "usage: make collect FROM=folder-or-zip [ASSIGNMENT=a]  |  make collect EXCHANGE=1 ASSIGNMENT=a"; exit 2))

autograde: setup
	$(strip $(GRADE) $(_sandbox_opt)) autograde $(ASSIGNMENT) $(_student_opt) $(_jobs_opt) $(_cluster_opt) $(_regrade_opt)

review: setup
	@test -n "$(STUDENT)" -a -n "$(ASSIGNMENT)" -a -n "$(filter clear confirm,$(DECISION))" || { echo "usage: make review STUDENT=s ASSIGNMENT=a DECISION=clear|confirm"; exit 2; }
	$(GRADE) review $(STUDENT) $(ASSIGNMENT) --$(DECISION)

feedback: setup feedback-js
	$(GRADE) feedback $(ASSIGNMENT) $(_student_opt)

report: setup
	$(GRADE) report

validate: setup
	@test -n "$(NB)" || { echo "usage: make validate NB=course/exercises/<assignment>/<notebook>.ipynb"; exit 2; }
	$(GRADE) validate "$(NB)"

check: setup
	@test -n "$(EX)" || { echo "usage: make check EX=<assignment>   (e.g. EX=ex1_perceptron)"; exit 2; }
	$(GRADE) check $(EX)

# Running a class (autograder/class_commands.py):
#   make due ASSIGNMENT=ex1_perceptron DUE="2026-12-01 23:59 Europe/Berlin"   (DUE=clear removes it)
#   make release-feedback [ASSIGNMENT=...] [STUDENT=...]   feedback -> exchange (nbgrader fetch_feedback)
#   LATE_POLICY=none|zero|per-day:P on autograde/report (default none; env NNBASICS_LATE_POLICY)
ifdef LATE_POLICY
export NNBASICS_LATE_POLICY := $(LATE_POLICY)
endif

.PHONY: due release-feedback

due: setup
	@test -n "$(ASSIGNMENT)" || { echo 'usage: make due ASSIGNMENT=<assignment> DUE="YYYY-MM-DD HH:MM[:SS][ TZ]"  (DUE=clear removes it)'; exit 2; }
	$(GRADE) set-due $(ASSIGNMENT) $(if $(filter clear,$(DUE)),--clear,$(if $(DUE),"$(DUE)"))

release-feedback: setup
	$(GRADE) release-feedback $(ASSIGNMENT) $(_student_opt)

# The feedback pages' formulas are pre-rendered with the site's MathJax (site/package.json, npm).
# Without npm or the registry they load MathJax from the CDN instead: never a reason for feedback to
# fail. (The class hub's course copy has no site/: its environment holds these modules.)
.PHONY: feedback-js
feedback-js:
	@if [ -f site/package.json ] && command -v npm >/dev/null 2>&1 && { [ ! -f site/node_modules/.package-lock.json ] \
	    || [ site/package-lock.json -nt site/node_modules/.package-lock.json ]; }; then \
	  npm ci --no-audit --no-fund --prefix site >/dev/null 2>&1 \
	    || echo "warning: npm ci --prefix site failed: the feedback's formulas will need the internet to render"; fi
