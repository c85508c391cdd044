# The README's commands. Each installs what it needs first (scripts/setup.sh).
.PHONY: setup demo test bench compat dist clean

PUBLIC_URL ?= /

setup:
	@bash scripts/setup.sh

demo: setup
	@bash scripts/demo.sh

test: setup
	@bash scripts/test.sh

bench: setup
	@bash scripts/bench.sh

compat: setup
	@bash scripts/compat-table.sh

dist: setup
	PUBLIC_URL="$(PUBLIC_URL)" bash scripts/build.sh

clean:
	rm -rf dist .work target
