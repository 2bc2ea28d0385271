# days.gp - the trend over a run's days (a long run: a month, a year):
# service level, reach level, share of empty ports and docked bikes too
# low to rent, one panel each, for the whole network.
#
#   gnuplot -e "in='days.csv'; out='days.png'" plots/days.gp
#
# in     a days table: `bssim plotdata days RUN` (from days.csv, written
#        with output.days, by default for runs over 31 days); columns
#        read: 1 day (days from the start), then per metric a triplet
#        <metric>,<metric>_lo,<metric>_hi (mean over replications and its
#        95% confidence interval), in the order service_level,
#        reach_level, empty_station_frac, bikes_low_battery_mean
# out    the PNG to write
# title  optional: a second title line (e.g. the run's name)
# plots  optional: this folder (default "plots"), for style.gp
#
# Shares are drawn in % from 0 to 100 and bikes from 0, so that a trend
# is never magnified by a cut axis.

if (!exists("in") || !exists("out")) {
	exit error "usage: gnuplot -e \"in='DAYS.csv'; out='PLOT.png'\" days.gp"
}
if (!exists("plots")) plots = "plots"
if (!exists("width")) width = 1600
if (!exists("height")) height = 900
load plots."/style.gp"

stats in using 1 nooutput
d0 = STATS_min
d1 = STATS_max
# a band where there is an interval (two replications or more)
lo(c) = valid(c+1) ? column(c+1) : column(c)
hi(c) = valid(c+2) ? column(c+2) : column(c)

set output out
set multiplot layout 2,2 title tr("days_title", "The trend over the days").(exists("title") ? "\n".title : "") \
	font sprintf(",%d", fontsize + 4) margins 0.08,0.97,0.17,0.86 spacing 0.09,0.12
set xrange [d0:(d1 > d0 ? d1 : d0 + 1)]
# whole days on the axis; a year gets gnuplot's own spacing
if (d1 - d0 <= 14) { set xtics 1 format "%.0f" } else { set xtics format "%.0f" }
unset xlabel
set label 1 tr("band_days", "lines: mean over replications; bands: 95% confidence interval") \
	at screen 0.01,0.02 font sprintf(",%d", fontsize - 5) tc rgb "#555555"

set title tr("days_service", "service level: trips completed / requested") font sprintf(",%d", fontsize)
set ylabel "%"
set yrange [0:100]
plot in using 1:(100*lo(3)):(100*hi(3)) with filledcurves lc 1 fs transparent solid 0.25 noborder, \
	in using 1:(100*column(3)) with lines lc 1
unset label 1

set title tr("days_reach", "reach level: trips reaching the destination / requested") font sprintf(",%d", fontsize)
plot in using 1:(100*lo(6)):(100*hi(6)) with filledcurves lc 3 fs transparent solid 0.25 noborder, \
	in using 1:(100*column(6)) with lines lc 3

set xlabel tr("days_x", "day (days from the start)")
set title tr("days_empty", "ports with no bike to rent (time share)") font sprintf(",%d", fontsize)
plot in using 1:(100*lo(9)):(100*hi(9)) with filledcurves lc 2 fs transparent solid 0.25 noborder, \
	in using 1:(100*column(9)) with lines lc 2

set title tr("days_low", "docked bikes too low to rent (time average)") font sprintf(",%d", fontsize)
set ylabel tr("days_bikes", "bikes")
set yrange [0:*]
plot in using 1:(lo(12)):(hi(12)) with filledcurves lc 4 fs transparent solid 0.25 noborder, \
	in using 1:(column(12)) with lines lc 4
unset multiplot
