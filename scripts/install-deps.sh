#!/bin/sh
# Install what bssim needs from Debian's packages, only when it is missing.
# Called by `make check`, `make demo` and friends; safe to run again.
#   scripts/install-deps.sh            build and test dependencies (python3 and
#                                      python3-jsonschema run the layout and schema tests)
#   scripts/install-deps.sh mpi        ... and Open MPI (make mpi)
#   scripts/install-deps.sh plots      ... and gnuplot, with a Japanese font (make plots, demo, check)
#   scripts/install-deps.sh browser    ... and chromium (make check-browser)
#   scripts/install-deps.sh bench      ... and hyperfine, valgrind, time (make bench*)
#   scripts/install-deps.sh fuzz       ... and clang with libFuzzer (make fuzz, fuzz-smoke)
#   scripts/install-deps.sh docs       ... and graphviz (make keys-doc redraws docs/img/layers.svg)
#   scripts/install-deps.sh python     ... and pandas, openpyxl (the Python package's DataFrames and
#                                      results.xlsx read back by read_excel, tested by make check)
#   scripts/install-deps.sh slurm      ... and Slurm with munge (make check-slurm's one-node cluster)
set -eu

need=""
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
want() { for p in "$@"; do have_pkg "$p" || need="$need $p"; done; }

want libgsl-dev libcsv-dev libjansson-dev zlib1g-dev libxlsxwriter-dev check pkg-config make gcc libpng-dev librandom123-dev \
	python3 python3-jsonschema
for extra in "$@"; do
	case "$extra" in
	mpi) want libopenmpi-dev openmpi-bin ;;
	plots) want gnuplot-nox fontconfig fonts-ipaexfont-gothic ;; # a CJK font for output.language ja
	bench) want hyperfine valgrind time ;;
	fuzz) want clang libclang-rt-dev ;; # libFuzzer's runtime for Debian's default clang
	browser) want chromium ;;
	docs) want graphviz ;;
	python) want python3-pandas python3-openpyxl ;; # openpyxl: pandas.read_excel of results.xlsx
	slurm) want slurm-wlm munge ;; # slurmctld, slurmd and the client commands
	*) echo "install-deps.sh: unknown extra '$extra'" >&2; exit 2 ;;
	esac
done

[ -z "$need" ] && exit 0
echo "install-deps.sh: installing$need" >&2
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || true
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
