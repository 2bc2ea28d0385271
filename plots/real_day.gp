# Simulated vs real, by ward and hour, for the calibrated real day.
#   gnuplot -e "datafile='docs/img/real_day.csv'; outfile='docs/img/real_day.png'" plots/real_day.gp
# datafile: ward,hour,bikes_sim,bikes_real,empty_sim,empty_real,full_sim,full_real,
#           refusing_sim,refusing_real (scripts/real-day.sh)
if (!exists("datafile")) datafile = 'docs/img/real_day.csv'
if (!exists("outfile")) outfile = 'docs/img/real_day.png'
set terminal pngcairo size 1500,1300 font ",10"
set output outfile
set datafile separator ","
set multiplot layout 4,4 title "Real day 2022-06-29 (points) vs simulated, calibrated scenario (lines): by ward and hour"
wards = "Chiyoda Chuo Minato Koto"
set xrange [0:23]
set xtics 0,3,21
set key top left box opaque
do for [q=1:4] {
  ylab = q == 1 ? "bikes docked" : (q == 2 ? "empty ports" : \
         (q == 3 ? "full ports (0 free docks)" : "ports at physical limit"))
  do for [i=1:4] {
    w = word(wards, i)
    set title w." - ".ylab
    set xlabel (q == 4 ? "hour" : "")
    plot datafile using ($2):(strcol(1) eq w ? column(2*q+1) : 1/0) with lines lw 2 title "simulated", \
         datafile using ($2):(strcol(1) eq w ? column(2*q+2) : 1/0) with points pt 7 ps 0.8 title "real"
  }
}
unset multiplot
