# style.gp - the shared look of bssim's plots, loaded by every script here.
#
# PNG through cairo at 1280x720 (16:9: a projector's shape), text large
# enough to read from the back of a room, thick lines, and a palette that
# colour-blind readers can tell apart (Okabe & Ito). Labels are plain text
# (noenhanced), so names like service_level print as written.
#
# Sizes can be changed from the command line: -e "width=1920; height=1080".

if (!exists("width")) width = 1280
if (!exists("height")) height = 720
if (!exists("fontsize")) fontsize = 18

# Language (plots.sh passes lang and font for output.language "ja"):
# tr(KEY, "English") is the text of KEY in lang/LANG.gp (variables L_KEY),
# or the English text. font names the face; a Japanese set needs a CJK
# font (plots.sh checks with fc-match that it resolves to one), since
# cairo draws a missing glyph as a box.
if (!exists("font")) font = "DejaVu Sans"
if (exists("lang") && lang ne "en") load plots."/lang/".lang.".gp"
tr(k, en) = exists("L_".k) ? value("L_".k) : en

set terminal pngcairo size width,height noenhanced font sprintf("%s,%d", font, fontsize) linewidth 1.5
set encoding utf8
set datafile separator comma
set datafile columnheaders

set linetype 1 lc rgb "#0072B2" lw 3 pt 7 ps 1.6
set linetype 2 lc rgb "#D55E00" lw 3 pt 5 ps 1.6
set linetype 3 lc rgb "#009E73" lw 3 pt 9 ps 1.9
set linetype 4 lc rgb "#CC79A7" lw 3 pt 13 ps 1.9
set linetype 5 lc rgb "#E69F00" lw 3 pt 11 ps 1.9
set linetype 6 lc rgb "#56B4E9" lw 3 pt 15 ps 1.9
set linetype 7 lc rgb "#000000" lw 3 pt 7 ps 1.6
set linetype 8 lc rgb "#F0E442" lw 3 pt 5 ps 1.6
set linetype cycle 8

set border 3 lw 1.2 lc rgb "#333333"
set tics nomirror out scale 0.7
set grid xtics ytics lw 1 lc rgb "#dddddd"
set key noautotitle
set title font sprintf(",%d", fontsize + 4)
