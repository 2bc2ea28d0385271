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
# diff    optional: 1 when the table holds paired differences B - A (from
#         `bssim plotdata diff`): a zero line, and the note says so
# layout  optional: a file to append the chosen axes to (y range, tick
#         rotation), one line per plot
# plots   optional: this folder (default "plots"), for style.gp

if (!exists("in") || !exists("out")) {
	exit error "usage: gnuplot -e \"in='SERIES.csv'; out='PLOT.png'\" sweep.gp"
}
if (!exists("plots")) plots = "plots"
if (!exists("scale")) scale = 1
load plots."/style.gp"
if (!exists("ylabel")) ylabel = tr("mean", "mean")

stats in using 1 nooutput
ncols = STATS_columns
ns = int((ncols - 2) / 3)
nx = STATS_records
xmin = STATS_min; xmax = STATS_max
xpad = xmax > xmin ? 0.08 * (xmax - xmin) : 0.5
# a categorical x (runs, agreements: the table numbers them 1, 2, ... and
# their labels are not those numbers) gets half a step on each side and
# points without lines: a line would join unrelated runs
stats in using (strcol(2) eq sprintf("%g", $1) ? 0 : 1) nooutput
categorical = STATS_max > 0
if (categorical || (nx > 1 && (xmax - xmin) == nx - 1 && xmin == 1)) xpad = 0.5
stats in using (strlen(strcol(2))) nooutput
maxlabel = int(STATS_max)

# Tick labels never overlap: when the longest does not fit its share of
# the width (about 0.55 em a character; 1 em in Japanese, whose
# characters are full width), tilt them by 30 degrees; when the ticks are
# closer than two lines of text even tilted, stand them upright.
# (plotdata cuts labels at 40 characters.)
charem = exists("lang") && lang eq "ja" ? 1.0 : 0.55
charpx = charem * fontsize * 1.33
tickpx = 0.72 * width / (nx > 0 ? nx : 1)
xrot = maxlabel * charpx <= 0.9 * tickpx ? 0 : (tickpx >= 2.2 * fontsize * 1.33 ? 30 : 90)

set output out
set title (exists("title") ? title : ylabel)
set xlabel (exists("xlabel") ? xlabel : "")
set ylabel ylabel
set xrange [xmin - xpad : xmax + xpad]
set xtics ()
if (xrot > 0) set xtics rotate by xrot right
set key outside right center reverse Left
set bars 2
if (exists("diff") && diff) {
	set label 1 tr("bar_note_diff", "points: paired difference, mean over replications; bars: its paired 95% confidence interval") \
		at screen 0.01,0.025 font sprintf(",%d", fontsize - 5) tc rgb "#555555"
} else {
	set label 1 tr("bar_note", "points: mean over replications; bars: 95% confidence interval") \
		at screen 0.01,0.025 font sprintf(",%d", fontsize - 5) tc rgb "#555555"
}
# room under the axis for tilted labels (in character heights)
set bmargin (xrot == 0 ? 5 : 4 + ceil(maxlabel * (xrot == 90 ? 0.55 : 0.3) * charem / 0.55))

# an interval that does not exist (one replication) is drawn as no bar,
# not as no point
or_mean(c, s) = valid(c) ? column(c) : column(3*s)
style = categorical ? "yerrorbars" : "yerrorlines"

# The y axis always holds zero: a share or a count drawn from 89.4 to
# 91.4 % makes a small difference look large, and a difference is read
# against zero. The data's signs (a missing value counts as zero) fix the
# end of the range at zero; autoscale finds the other.
ylo = 0; yhi = 0
do for [c=3:ncols] {
	stats in using (valid(c) ? column(c) : 0) nooutput
	ylo = STATS_min < ylo ? STATS_min : ylo
	yhi = STATS_max > yhi ? STATS_max : yhi
}
if (ylo == 0 && yhi == 0) { set yrange [-1 : 1] } else { if (ylo >= 0) { set yrange [0 : *] } else { if (yhi <= 0) { set yrange [* : 0] } } }
if (exists("diff") && diff) set xzeroaxis lt -1 lw 2

plot for [s=1:ns] in using 1:(scale * column(3*s)):(scale * or_mean(3*s+1, s)):(scale * or_mean(3*s+2, s)):xtic(2) \
	with @style lc s title columnheader(3*s)

# what was chosen, for tests and for checking a slide: layout='FILE'
if (exists("layout")) {
	set print layout append
	print sprintf("%s ymin=%g ymax=%g xrot=%d categorical=%d ticks=%d maxlabel=%d", \
		out, GPVAL_Y_MIN, GPVAL_Y_MAX, xrot, categorical, nx, maxlabel)
	unset print
}
