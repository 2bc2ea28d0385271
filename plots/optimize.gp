# optimize.gp - the convergence of `bssim optimize`: the current
# allocation's objective after each evaluation, with its interval (from
# trace.csv), accepted moves marked.
#
#   gnuplot -e "in='out/tokyo4-optimize/trace.csv'; out='convergence.png'; ylabel='reach level'" plots/optimize.gp
#
# in      trace.csv of an optimisation's folder
# out     the PNG to write
# ylabel  optional: the y axis (default "objective")
# plots   optional: this folder (default "plots"), for style.gp

if (!exists("in") || !exists("out")) {
	exit error "usage: gnuplot -e \"in='DIR/trace.csv'; out='PLOT.png'\" optimize.gp"
}
if (!exists("plots")) plots = "plots"
load plots."/style.gp"
if (!exists("ylabel")) ylabel = "objective"

set datafile separator ","
set key top left
set xlabel "evaluation (allocations simulated)"
set ylabel ylabel
set title "optimiser's trace: current objective and its interval"
set output out
# columns: 2 evaluation, 3 objective, 4 ci_low, 5 ci_high, 13 accepted
plot in using 2:4:5 with filledcurves fc rgb "#56B4E9" fs transparent solid 0.3 title "interval", \
     "" using 2:3 with steps lw 3 lc rgb "#0072B2" title "current objective", \
     "" using 2:($13 == 1 ? $3 : 1/0) with points pt 7 ps 1.5 lc rgb "#D55E00" title "accepted move"
