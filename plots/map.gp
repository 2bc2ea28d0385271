# map.gp - the ports on a map: colour = share of time empty, area =
# capacity (docks), with each ward's name at its centre.
#
#   gnuplot -e "in='ports.csv'; wards='wards.csv'; out='map.png'" plots/map.gp
#
# in     a ports table: `bssim plotdata ports RUN` (from stations.geojson)
#        columns read by name: lon, lat (degrees), capacity (docks),
#        empty_frac (share of time with no bike, 0-1)
# wards  optional: `bssim plotdata wards RUN`; columns read: ward, lon, lat
# bounds optional: `bssim plotdata boundaries RUN` (lon,lat; a blank line
#        after each ring): the ward boundaries, drawn under the ports
# out    the PNG to write
# title  optional: a second title line (e.g. the run's name)
# plots  optional: this folder (default "plots"), for style.gp
#
# Projection: longitude is scaled by cos(mean latitude), so a kilometre is
# as long east-west as north-south (locally equal-area and true to scale;
# exact enough across a city). The axes stay in degrees.

if (!exists("in") || !exists("out")) {
	exit error "usage: gnuplot -e \"in='PORTS.csv'; out='PLOT.png'\" map.gp"
}
if (!exists("plots")) plots = "plots"
if (!exists("width")) width = 1280
if (!exists("height")) height = 1000
load plots."/style.gp"

stats in using "lon" nooutput
lon0 = STATS_min; lon1 = STATS_max
stats in using "lat" nooutput
lat0 = STATS_min; lat1 = STATS_max
# ward boundaries (bounds: `bssim plotdata boundaries RUN`): the map shows
# the wards whole
if (exists("bounds")) {
	stats bounds using "lon" nooutput
	lon0 = (STATS_min < lon0 ? STATS_min : lon0); lon1 = (STATS_max > lon1 ? STATS_max : lon1)
	stats bounds using "lat" nooutput
	lat0 = (STATS_min < lat0 ? STATS_min : lat0); lat1 = (STATS_max > lat1 ? STATS_max : lat1)
}
kx = cos((lat0 + lat1) / 2 * pi / 180)  # km per degree of lon / km per degree of lat
pad = 0.05 * ((lon1 - lon0) * kx > (lat1 - lat0) ? (lon1 - lon0) * kx : (lat1 - lat0)) + 0.002
set xrange [lon0 - pad / kx : lon1 + pad / kx]
set yrange [lat0 - pad : lat1 + pad]
set size ratio ((lat1 - lat0 + 2 * pad) / ((lon1 - lon0) * kx + 2 * pad))

# a point's area is proportional to the port's docks
ps(cap) = 0.42 * sqrt(cap)

set output out
set title tr("map_title", "Ports: share of time empty, and capacity").(exists("title") ? "\n".title : "")
set xlabel tr("lon", "longitude (°E)")
set ylabel tr("lat", "latitude (°N)")
# About five ticks a side at a round step (1, 2 or 5 x 10^k degrees), with
# just enough decimals that neighbouring ticks differ: labels of seven
# characters never run into each other, even on a small network or in a
# wider (CJK) font.
nice(raw) = (m = 10 ** floor(log10(raw)), r = raw / m, (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * m)
decs(step) = (d = -floor(log10(step) + 1e-9), d < 0 ? 0 : d)
xstep = nice((lon1 - lon0 + 2 * pad / kx) / 5)
ystep = nice((lat1 - lat0 + 2 * pad) / 6)
set xtics xstep
set ytics ystep
set format x sprintf("%%.%df", decs(xstep))
set format y sprintf("%%.%df", decs(ystep))
set grid lc rgb "#eeeeee"
set cbrange [0:100]
set cblabel tr("map_cb", "time empty (%)")
set cbtics 0,20,100
set palette defined (0 "#ffffcc", 0.25 "#fed976", 0.5 "#fd8d3c", 0.75 "#e31a1c", 1 "#800026")
set key at graph 0.02,0.98 left top box opaque samplen 1 spacing 1.3 title tr("docks", "docks")

# a 1 km scale bar, bottom left
km = 1 / (111.32 * kx)
xb = lon0 - pad / kx + 0.03 * (lon1 - lon0 + 2 * pad / kx)
yb = lat0 - pad + 0.04 * (lat1 - lat0 + 2 * pad)
set arrow 1 from xb,yb to xb + km,yb nohead lw 4 lc rgb "#333333" front
set label 2 tr("km", "1 km") at xb + km / 2, yb center offset 0,1 front

# ward names at their centres, when a wards table is given, on a
# half-transparent white box so that the ports under them still show
set style textbox 1 transparent fillcolor rgb "#50ffffff" noborder margins 2,1
wardlabels = exists("wards") ? \
	sprintf(", '%s' using 'lon':'lat':'ward' with labels boxed bs 1 font '%s:Bold,%d' tc rgb '#000000'", \
		wards, font, fontsize + 6) : ""

# the boundaries under the ports, as thin dark lines
boundlines = exists("bounds") ? \
	sprintf("'%s' using 'lon':'lat' with lines lw 1.5 lc rgb '#555555' dt 1, ", bounds) : ""

plot @boundlines in using "lon":"lat":(ps(column("capacity"))):(100 * column("empty_frac")) \
		with points pt 7 ps variable lc palette, \
	in using "lon":"lat":(ps(column("capacity"))) \
		with points pt 6 ps variable lw 0.6 lc rgb "#555555", \
	for [c in "5 20 50"] NaN with points pt 6 ps ps(c + 0) lw 1 lc rgb "#555555" title c \
	@wardlabels
