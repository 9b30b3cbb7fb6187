# A class on one server (classroom/): JupyterHub with real Unix accounts and nbgrader's exchange.
#   sudo make hub [ROSTER=roster.csv] [HUB_IP=0.0.0.0] [HUB_PORT=8000] [HUB_STATE=/srv/nnbasics-hub]
#                 [HUB_EXCHANGE=/srv/nbgrader/exchange] [GRADEBOOK_URL=postgresql+psycopg://...]
#   sudo make hub-stop                              stop the hub, its proxy and every server it started
#   make hub-status
#   make hub-release ASSIGNMENT=ex1_perceptron      (instructor, in the hub's course copy) release to the exchange
# Every variable has an NNBASICS_* twin (see classroom/settings.py); make hub is idempotent.

HUB_STATE    ?= $(or $(NNBASICS_HUB_STATE),/srv/nnbasics-hub)
ROSTER       ?= $(or $(NNBASICS_HUB_ROSTER),$(HUB_STATE)/roster.csv)
HUB_IP       ?= $(or $(NNBASICS_HUB_IP),127.0.0.1)
HUB_PORT     ?= $(or $(NNBASICS_HUB_PORT),8000)
HUB_EXCHANGE ?= $(or $(NNBASICS_EXCHANGE),/srv/nbgrader/exchange)
GRADEBOOK_URL ?= $(NNBASICS_GRADEBOOK_URL)

_hub_env = NNBASICS_HUB_STATE="$(HUB_STATE)" NNBASICS_HUB_ROSTER="$(abspath $(ROSTER))" \
	NNBASICS_HUB_IP="$(HUB_IP)" NNBASICS_HUB_PORT="$(HUB_PORT)" NNBASICS_EXCHANGE="$(HUB_EXCHANGE)" \
	$(if $(GRADEBOOK_URL),NNBASICS_GRADEBOOK_URL="$(GRADEBOOK_URL)")

.PHONY: hub hub-stop hub-status hub-release

hub: setup
	$(_hub_env) $(BIN)/python -m classroom start

hub-stop: setup
	$(_hub_env) $(BIN)/python -m classroom stop

hub-status: setup
	$(_hub_env) $(BIN)/python -m classroom status

hub-release: setup
	@test -n "$(ASSIGNMENT)" || { echo "usage: make hub-release ASSIGNMENT=ex1_perceptron [ASSIGNMENT='ex1_perceptron ex2_xor']"; exit 2; }
	NNBASICS_EXCHANGE="$(HUB_EXCHANGE)" $(BIN)/python -m classroom release-exchange $(ASSIGNMENT)
