# flows.gp - trips between wards as a heat map with the numbers written in.
#
#   gnuplot -e "in='flows.csv'; out='flows.png'" plots/flows.gp
#
# in     a ward x ward matrix with row and column headers:
#        `bssim plotdata matrix RUN flows` (summary.json's "flows": mean
#        completed trips per day from the renting ward, a row, to the
#        return ward, a column); `... matrix RUN settlement_yen` works too
#        with what='yen per day' heading='Settlement between wards'
# out    the PNG to write
# title  optional: a second title line (e.g. the run's name)
# what   optional: what a cell counts (default "trips per day")
# heading optional: the main title (default "Trips between wards")
# vmax   optional: the top of the colour scale (to share it between runs)
# plots  optional: this folder (default "plots"), for style.gp

if (!exists("in") || !exists("out")) {
	exit error "usage: gnuplot -e \"in='MATRIX.csv'; out='PLOT.png'\" flows.gp"
}
if (!exists("plots")) plots = "plots"
if (!exists("width")) width = 1100
if (!exists("height")) height = 900
load plots."/style.gp"
if (!exists("what")) what = tr("flows_what", "trips per day")
if (!exists("heading")) heading = tr("flows_title", "Trips between wards")
unset grid
set datafile columnheaders

stats in matrix rowheaders columnheaders using 3 nooutput
nw = int(STATS_records ** 0.5 + 0.5)
if (!exists("vmax")) vmax = STATS_max
if (vmax <= 0) vmax = 1

set output out
set title heading.(exists("title") ? "\n".title : "")
set xlabel tr("flows_x", "returned in")
set ylabel tr("flows_y", "rented in")
set x2label ""
set xrange [-0.5:nw-0.5]
set yrange [nw-0.5:-0.5]
set tics scale 0
set border 0
set size ratio -1
set cbrange [0:vmax]
set cblabel what offset 2,0
set rmargin 12
set cbtics format "%.0f"
# light to dark blue; numbers in white on the darkest cells
set palette defined (0 "#f7fbff", 0.35 "#c6dbef", 0.7 "#6baed6", 1 "#08519c")

plot in matrix rowheaders columnheaders using 1:2:3 with image, \
	in matrix rowheaders columnheaders \
		using 1:2:(sprintf("%.0f", $3)):($3 > 0.6 * vmax ? 0xffffff : 0x000000) \
		with labels font sprintf(",%d", fontsize + 2) tc rgb variable
