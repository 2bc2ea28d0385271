# emptyfull.gp - empty and full ports in each ward over the day, side by
# side (a user finds no bike at an empty port, no free dock at a full one).
#
#   gnuplot -e "empty='empty.csv'; full='full.csv'; out='empty_full.png'" plots/emptyfull.gp
#
# empty  a time-of-day table: `bssim plotdata timeofday RUN empty_stations`
# full   the same for full_stations
#        columns read: 1 hour (0-24), then per ward a triplet
#        <ward>,<ward>_lo,<ward>_hi (mean and 95% confidence interval)
# out    the PNG to write
# title  optional: a second title line (e.g. the run's name)
# yports optional: the top of the y axes (to share a scale between runs;
#        by default the larger of the two panels', so that they compare)
# plots  optional: this folder (default "plots"), for style.gp

if (!exists("empty") || !exists("full") || !exists("out")) {
	exit error "usage: gnuplot -e \"empty='E.csv'; full='F.csv'; out='PLOT.png'\" emptyfull.gp"
}
if (!exists("plots")) plots = "plots"
if (!exists("width")) width = 1600
if (!exists("height")) height = 720
load plots."/style.gp"

stats empty using 1 nooutput
nw = int((STATS_columns - 2) / 3)
# one y scale for both panels, so that their heights compare
ymax = 0
# the top of the band, or the mean where there is no band (one replication)
top(w) = valid(3*w+2) ? column(3*w+2) : column(3*w)
if (exists("yports")) ymax = yports
if (!exists("yports")) do for [w=1:nw] {
	stats empty using (top(w)) nooutput
	ymax = STATS_max > ymax ? STATS_max : ymax
	stats full using (top(w)) nooutput
	ymax = STATS_max > ymax ? STATS_max : ymax
}

set output out
set multiplot layout 1,2 title tr("ef_title", "Empty and full ports by ward over the day").(exists("title") ? "\n".title : "") \
	font sprintf(",%d", fontsize + 4) margins 0.07,0.86,0.17,0.78 spacing 0.07,0
set xrange [0:24]
set xtics 0,6,24 format "%02.0f:00"
set yrange [0:ymax * 1.05 + 1]
set xlabel tr("tod", "time of day")
set label 1 tr("band_note", "lines: mean over replications and measured days; bands: 95% confidence interval") \
	at screen 0.01,0.03 font sprintf(",%d", fontsize - 5) tc rgb "#555555"

set title tr("ef_empty", "empty: no bike to rent") font sprintf(",%d", fontsize)
set ylabel tr("ports", "ports")
plot for [w=1:nw] empty using 1:(column(3*w+1)):(column(3*w+2)) \
		with filledcurves lc w fs transparent solid 0.22 noborder, \
	for [w=1:nw] empty using 1:(column(3*w)) with lines lc w

unset label 1
set title tr("ef_full", "full: no free dock to return") font sprintf(",%d", fontsize)
set ylabel ""
set key at screen 0.99,0.55 right center title tr("ward", "ward") reverse Left
plot for [w=1:nw] full using 1:(column(3*w+1)):(column(3*w+2)) \
		with filledcurves lc w fs transparent solid 0.22 noborder, \
	for [w=1:nw] full using 1:(column(3*w)) with lines lc w title columnheader(3*w)
unset multiplot
