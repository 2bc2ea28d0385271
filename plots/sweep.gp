# sweep.gp - one metric against a varied key, one line per value of the
# other varied keys (e.g. one per agreement), with 95% confidence
# intervals as error bars. Also draws runs side by side (x = run).
#
#   gnuplot -e "in='series.csv'; out='service_level.png'; ylabel='service level (%)'; scale=100" plots/sweep.gp
#
# in      a series table: `bssim plotdata sweep SWEEP METRIC` (or of the
#         compare.csv that `bssim plotdata compare RUN...` writes)
#         columns read: 1 x value, 2 its label (the tick text), then per
#         series a triplet <series>,<series>_lo,<series>_hi
# out     the PNG to write
# xlabel  optional: the x axis (default: the first column's header, the
#         varied key)
# ylabel  optional: the y axis (default "mean")
# scale   optional: multiply values by this (100 for shares in %)
# title   optional: the plot's title (default: ylabel)
# plots   optional: this folder (default "plots"), for style.gp

if (!exists("in") || !exists("out")) {
	exit error "usage: gnuplot -e \"in='SERIES.csv'; out='PLOT.png'\" sweep.gp"
}
if (!exists("plots")) plots = "plots"
if (!exists("scale")) scale = 1
load plots."/style.gp"
if (!exists("ylabel")) ylabel = tr("mean", "mean")

stats in using 1 nooutput
ns = int((STATS_columns - 2) / 3)
xmin = STATS_min; xmax = STATS_max
xpad = xmax > xmin ? 0.08 * (xmax - xmin) : 0.5
# categorical x (1, 2, ...) gets half a step on each side
if (STATS_records > 1 && (xmax - xmin) == STATS_records - 1 && xmin == 1) xpad = 0.5

set output out
set title (exists("title") ? title : ylabel)
set xlabel (exists("xlabel") ? xlabel : "")
set ylabel ylabel
set xrange [xmin - xpad : xmax + xpad]
set xtics ()
set key outside right center reverse Left
set bars 2
set label 1 tr("bar_note", "points: mean over replications; bars: 95% confidence interval") \
	at screen 0.01,0.025 font sprintf(",%d", fontsize - 5) tc rgb "#555555"
set bmargin 5

# an interval that does not exist (one replication) is drawn as no bar,
# not as no point
or_mean(c, s) = valid(c) ? column(c) : column(3*s)

plot for [s=1:ns] in using 1:(scale * column(3*s)):(scale * or_mean(3*s+1, s)):(scale * or_mean(3*s+2, s)):xtic(2) \
	with yerrorlines lc s title columnheader(3*s)
