# Grading pipeline (autograder/): instructor and student commands. Included by the Makefile.
#   make release [ASSIGNMENT=ex1_perceptron]          solutions/ -> course/exercises/
#   make release-check                               fail if course/exercises/ drifted from solutions/
#   make collect FROM=path/or.zip [ASSIGNMENT=...]   folder/zip -> autograder/submitted/
#   make collect EXCHANGE=1 ASSIGNMENT=...           from the nbgrader exchange
#   make autograde [ASSIGNMENT=...] [STUDENT=...] [JOBS=2] [SANDBOX=1]   JOBS: students at once;
#                                                    SANDBOX=1: kernels under bubblewrap
#   make feedback  [ASSIGNMENT=...] [STUDENT=...]
#   make report                                      autograder/reports/grades.csv + scores.png
#   make validate NB=course/exercises/ex1_perceptron/perceptron.ipynb
#   make check EX=ex1_perceptron
# GRADE_ARGS passes global options, e.g. GRADE_ARGS="--cell-timeout 60".

GRADE := $(strip $(BIN)/python -m autograder $(GRADE_ARGS))
_assignment_opt = $(if $(ASSIGNMENT),--assignment $(ASSIGNMENT))
_student_opt = $(if $(STUDENT),--student $(STUDENT))
_jobs_opt = $(if $(JOBS),--jobs $(JOBS))
_sandbox_opt = $(if $(SANDBOX),--sandbox)

.PHONY: release release-check collect autograde feedback report validate check

release: setup
	$(GRADE) release $(ASSIGNMENT)

release-check: setup
	$(GRADE) release --check $(ASSIGNMENT)

collect: setup
	$(if $(EXCHANGE),$(GRADE) collect --exchange $(_assignment_opt),$(if $(FROM),$(GRADE) collect "$(FROM)" $(_assignment_opt),@echo "usage: make collect FROM=folder-or-zip [ASSIGNMENT=a]  |  make collect EXCHANGE=1 ASSIGNMENT=a"; exit 2))

autograde: setup
	$(strip $(GRADE) $(_sandbox_opt)) autograde $(ASSIGNMENT) $(_student_opt) $(_jobs_opt)

feedback: setup
	$(GRADE) feedback $(ASSIGNMENT) $(_student_opt)

report: setup
	$(GRADE) report

validate: setup
	@test -n "$(NB)" || { echo "usage: make validate NB=course/exercises/<assignment>/<notebook>.ipynb"; exit 2; }
	$(GRADE) validate "$(NB)"

check: setup
	@test -n "$(EX)" || { echo "usage: make check EX=<assignment>   (e.g. EX=ex1_perceptron)"; exit 2; }
	$(GRADE) check $(EX)
