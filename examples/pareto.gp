# pareto.gp -- the Pareto chart of customers by MRR (run by chart.sh).
# Inputs (gnuplot -e): datafile (x %, mrr, cumulative %, tier), tiersfile
# (tier geometry: n, ymax, xK_lo, xK_hi, floorK (-1: none), custK, shareK,
# mrrshareK), outfile.
load tiersfile

set terminal pngcairo size 1400,800 enhanced font "DejaVu Sans,12" \
    background rgb "white"
set output outfile

# Headroom above the data for the tier captions.
top = 1.5
set xrange [0:100]
set yrange [0:ymax * top]
set y2range [0:100 * top]

set title "{/:Bold Customers by MRR: the Pareto chart and its tiers}\n\
{/*0.85 paying accounts ranked by MRR; tiers cut where cumulative MRR passes 45% and 75%}" \
    font ",16"
set xlabel "customers ranked by MRR (% of paying customers)"
set ylabel "MRR per customer ($ / month)"
set y2label "cumulative share of MRR (%)"
set xtics 10 format "%g%%" nomirror out
set ytics nomirror out
set ytics ()
set for [v = 0:int(ymax):10000] ytics add (v ? sprintf("$%dk", v / 1000) : "$0" v)
set y2tics 0, 25, 100 format "%g%%" out
set mxtics 2
set grid y2tics lc rgb "#dddddd" lw 1 dt 1
set border 11 lc rgb "#555555"
set key at graph 0.985, graph 0.24 right top box opaque \
    width 1 height 0.5 samplen 2.5 spacing 1.2

# Tier regions.
tier_color(k) = k == 1 ? "#dbe9f6" : (k == 2 ? "#fdebd3" : "#ececec")
bar_color(k) = k == 1 ? 0x1f5fa6 : (k == 2 ? 0xe08214 : 0x8c8c8c)
set style rect fc rgb tier_color(1) fs solid 1.0 noborder
set object 1 rect from x1_lo, graph 0 to x1_hi, graph 1 behind \
    fc rgb tier_color(1) fs solid 1.0 noborder
set object 2 rect from x2_lo, graph 0 to x2_hi, graph 1 behind \
    fc rgb tier_color(2) fs solid 1.0 noborder
set object 3 rect from x3_lo, graph 0 to x3_hi, graph 1 behind \
    fc rgb tier_color(3) fs solid 1.0 noborder

# Captions: tier, touch model, customers, share of MRR, floor.
dollars(x) = int(x + 0.5)
money(x) = dollars(x) >= 1000 \
    ? sprintf("$%d,%03d", dollars(x) / 1000, dollars(x) % 1000) \
    : sprintf("$%d", dollars(x))
caption(k, name, cust, share, mrrshare, fl) = \
    sprintf("{/:Bold Tier %d: %s}\n%d customers (%.1f%%)\n%.1f%% of MRR\n%s", \
            k, name, cust, share, mrrshare, \
            fl >= 0 ? "MRR floor " . money(fl) . " / month" : "no floor: the long tail")
set label 11 caption(1, "high-touch", cust1, share1, mrrshare1, floor1) \
    at x1_lo + 1.5, graph 0.965 left front font ",12" tc rgb "#1f5fa6"
set label 12 caption(2, "hybrid", cust2, share2, mrrshare2, floor2) \
    at (x2_lo + x2_hi) / 2, graph 0.72 center front font ",12" tc rgb "#b35806"
set label 13 caption(3, "automated", cust3, share3, mrrshare3, floor3) \
    at (x3_lo + x3_hi) / 2, graph 0.965 center front font ",12" tc rgb "#555555"

# Floors: a dashed line at each floor across its tier, with its value.
set arrow 21 from x1_lo, floor1 to x1_hi, floor1 nohead front \
    lc rgb "#202020" lw 1.5 dt 2
set arrow 22 from x2_lo, floor2 to x2_hi, floor2 nohead front \
    lc rgb "#202020" lw 1.5 dt 2
set label 23 "floor " . money(floor1) at x1_hi + 0.5, floor1 \
    left front offset 0, 0.6 font ",11" tc rgb "#1f5fa6"
set label 24 "floor " . money(floor2) at x2_hi - 0.5, floor2 \
    right front offset 0, 0.7 font ",11" tc rgb "#b35806"

# Cutoffs on the cumulative axis.
set arrow 31 from 0, second 45 to 100, second 45 nohead back \
    lc rgb "#777777" lw 1 dt 3
set arrow 32 from 0, second 75 to 100, second 75 nohead back \
    lc rgb "#777777" lw 1 dt 3
set label 33 "45%" at 99.5, second 45 right offset 0, 0.6 font ",10" \
    tc rgb "#555555"
set label 34 "75%" at 99.5, second 75 right offset 0, 0.6 font ",10" \
    tc rgb "#555555"

# Where the cumulative line leaves tiers 1 and 2.
set label 41 "" at x1_hi, second mrrshare1 point pt 7 ps 1.3 lc rgb "#b2182b" front
set label 42 "" at x2_hi, second (mrrshare1 + mrrshare2) point pt 7 ps 1.3 \
    lc rgb "#b2182b" front

set style fill solid 1.0 noborder
set boxwidth 100.0 / n absolute

plot datafile using 1:2:(bar_color($4)) with boxes lc rgb variable \
       title "MRR of each customer", \
     "" using 1:3 axes x1y2 with lines lw 3 lc rgb "#b2182b" \
       title "cumulative share of MRR"
