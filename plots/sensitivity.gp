# sensitivity.gp - a designed sweep's sensitivity indices for one metric:
# per key of the design, the first-order and total-effect Sobol' indices
# (or, for a Latin hypercube, the standardised regression coefficient)
# as bars with their 95% bootstrap intervals (docs/sweeps.md "Designed
# experiments"). plots.sh draws one per metric from sweep_sensitivity.csv.
#
#   gnuplot -e "in='table.csv'; out='sens.png'; title='service_level'" plots/sensitivity.gp
#
# in      columns: parameter, a, a_lo, a_hi, b, b_lo, b_hi (a: first order
#         or src; b: total effect, NaN for a Latin hypercube)
# out     the PNG to write
# title   optional: the plot's title
# alabel, blabel  optional: the legend of a and b
# plots   optional: this folder (default "plots"), for style.gp

if (!exists("in") || !exists("out")) {
	exit error "usage: gnuplot -e \"in='TABLE.csv'; out='PLOT.png'\" sensitivity.gp"
}
if (!exists("plots")) plots = "plots"
load plots."/style.gp"
if (!exists("alabel")) alabel = "first order (Saltelli 2010)"
if (!exists("blabel")) blabel = "total effect (Jansen 1999)"

stats in using 0 nooutput
nk = STATS_records
# a Latin hypercube's table has no second index
stats in using (valid(5) ? 1 : 0) nooutput
twob = STATS_max > 0

set output out
set title (exists("title") ? title : "sensitivity")
set ylabel "index (share of the output's variance)"
set xrange [-0.6 : nk - 0.4]
set yrange [*<-0.05 : 1.05<*]
set xtics () rotate by 0
set style fill solid 1.0 border -1
set key top right
bw = twob ? 0.34 : 0.5
off = twob ? 0.19 : 0
set arrow 1 from graph 0, first 0 to graph 1, first 0 nohead lc rgb "#333333" lw 1
plot in using ($0 - off):2:(bw):xtic(1) with boxes lt 1 title alabel, \
     '' using ($0 - off):2:3:4 with yerrorbars lt 7 pt 0 lw 2 notitle, \
     '' using ($0 + off):(twob ? $5 : NaN):(bw) with boxes lt 2 title (twob ? blabel : ""), \
     '' using ($0 + off):(twob ? $5 : NaN):6:7 with yerrorbars lt 7 pt 0 lw 2 notitle
