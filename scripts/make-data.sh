#!/bin/sh
# Rebuild every derived input of the shipped scenarios from the raw
# published files in data/ (see data/SOURCES.md for what each step does).
#   scripts/make-data.sh [path/to/bssim]
set -eu
B=${1:-build/bssim}
D=data

# The 464 ports of the four wards; capacity = each port's largest
# bikes + docks on 2022-06-29; the real stock at 00:00 as fleet.initial.
"$B" import gbfs \
	--station-information $D/raw/docomo-cycle-tokyo_station_information_20220628.json \
	--region-map 1=Chiyoda,2=Chuo,3=Minato,4=Koto --wards Chiyoda,Chuo,Minato,Koto \
	--capacity-from $D/tokyo4_status_20220629.csv.gz \
	--station-status $D/raw/docomo-cycle-tokyo_station_status_20220629T0000.json \
	--stock-output $D/tokyo4_stock_20220629T0000.csv \
	-o $D/tokyo4_stations.csv

# Demand of the real Wednesday, per port and hour, from the status series;
# and the same ports with soft capacity (published capacity and physical
# limit from the series) for the calibrated scenario.
"$B" calibrate status $D/tokyo4_status_20220629.csv.gz \
	--stations $D/tokyo4_stations.csv \
	--profile $D/tokyo4_profile_20220629.csv \
	--stations-out $D/tokyo4_stations_soft_20220629.csv \
	-o $D/tokyo4_rates_20220629.csv

# Citi Bike Jersey City, January 2019: its stations, and its demand as
# rates with an OD table (the trace model replays the log itself).
"$B" import trips $D/raw/JC-201901-citibike-tripdata.csv --ward "Jersey City" \
	-o $D/jc_201901_stations.csv
"$B" calibrate trips $D/raw/JC-201901-citibike-tripdata.csv \
	--stations $D/jc_201901_stations.csv --od $D/jc_201901_od.csv \
	-o $D/jc_201901_rates.csv
