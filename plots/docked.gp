# docked.gp - bikes docked in each ward over the day.
#
#   gnuplot -e "in='docked.csv'; out='docked.png'" plots/docked.gp
#
# in     a time-of-day table: `bssim plotdata timeofday RUN bikes_docked`
#        columns read: 1 hour (0-24), then per ward a triplet
#        <ward>,<ward>_lo,<ward>_hi (mean over replications and its 95%
#        confidence interval); the ward's name is the triplet's header
# out    the PNG to write
# title  optional: a second title line (e.g. the run's name)
# ymax   optional: the top of the y axis (to share a scale between runs)
# plots  optional: this folder (default "plots"), for style.gp

if (!exists("in") || !exists("out")) {
	exit error "usage: gnuplot -e \"in='TABLE.csv'; out='PLOT.png'\" docked.gp"
}
if (!exists("plots")) plots = "plots"
load plots."/style.gp"

stats in using 1 nooutput
nw = int((STATS_columns - 2) / 3)

set output out
set title tr("docked_title", "Bikes docked by ward over the day").(exists("title") ? "\n".title : "")
set xlabel tr("tod", "time of day")
set ylabel tr("docked_y", "bikes docked")
set xrange [0:24]
set xtics 0,3,24 format "%02.0f:00"
if (exists("ymax")) { set yrange [0:ymax * 1.05 + 1] } else { set yrange [0:*] }
set key outside right center title tr("ward", "ward") reverse Left
set label 1 tr("band_note", "lines: mean over replications and measured days; bands: 95% confidence interval") \
	at screen 0.01,0.025 font sprintf(",%d", fontsize - 5) tc rgb "#555555"
set bmargin 5

plot for [w=1:nw] in using 1:(column(3*w+1)):(column(3*w+2)) \
		with filledcurves lc w fs transparent solid 0.22 noborder, \
	for [w=1:nw] in using 1:(column(3*w)) with lines lc w title columnheader(3*w)
