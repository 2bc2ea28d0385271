#!/bin/sh
# tag-stations.sh - add a tags column to a stations CSV by a rule on the
# port's name that a source supports: the operator's own port name.
#
#   scripts/tag-stations.sh data/tokyo4_stations.csv > data/tokyo4_stations_tagged.csv
#
# Rule: a port whose name contains 駅 ("station": the operator names the
# port after a railway or metro station, e.g. H1-02.豊洲駅) is tagged
# `station`; every other port has no tag. Limits: it finds only ports
# named after a station, not every port near one (a port at a station's
# exit named after a building is missed), and a name such as 駅前通り
# would count though it names a street. Other tags (tourism,
# shopping_street, office) have no source in the shipped data: add them by
# hand or from your own list (docs/outputs.md, "Port tags").
# The stations CSV must have no quoted fields (true of bssim's own
# output: no shipped name holds a comma or a quote).
set -eu
LC_ALL=C awk -F, -v OFS=, '
	NR == 1 { for (i = 1; i <= NF; i++) if ($i == "name") c = i
		  if (!c) { print "tag-stations.sh: no name column" > "/dev/stderr"; exit 2 }
		  print $0, "tags"; next }
	{ print $0, (index($c, "駅") ? "station" : "") }' "${1:?usage: scripts/tag-stations.sh STATIONS.csv}"
