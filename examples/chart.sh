#!/bin/sh
# chart.sh -- draws the Pareto chart of customers by MRR, as customer-success
# teams draw it: one bar of MRR per paying customer in descending order, the
# cumulative share of MRR as a line on a second axis, the tier regions
# (high-touch, hybrid, automated) shaded, with each tier's MRR floor marked.
#
#   sh examples/chart.sh examples/demo.db docs/img/pareto.png
#
# Needs the sqlite3 shell, the built extension (dist/success) and gnuplot.
# When gnuplot is missing and we are root with apt-get, gnuplot-nox is
# installed; otherwise the script says what to install and exits 1.
# Only accounts with MRR > 0 are tiered (accounts.mrr is 0 once churned).
set -eu

db=${1:?usage: sh examples/chart.sh DATABASE OUTPUT.png}
out=${2:?usage: sh examples/chart.sh DATABASE OUTPUT.png}
here=$(cd "$(dirname "$0")" && pwd)
ext=${SUCCESS_LIB:-$here/../dist/success}

if ! command -v gnuplot >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "chart.sh: gnuplot not found; installing gnuplot-nox" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnuplot-nox >&2
  else
    echo "chart.sh: gnuplot is needed: install it (Debian/Ubuntu:" \
         "apt-get install gnuplot-nox; macOS: brew install gnuplot)" >&2
    exit 1
  fi
fi
[ -f "$db" ] || { echo "chart.sh: no database $db" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The tiers, computed in temp objects (the database is only read).
setup="
CREATE TEMP VIEW chart_paying AS
  SELECT customer_id, mrr FROM accounts WHERE mrr > 0;
CREATE VIRTUAL TABLE temp.chart_tiers USING pareto_tiers(
  source=chart_paying, key=customer_id, value=mrr,
  cutoffs='0.45,0.75', names='high-touch,hybrid,automated');
CREATE TEMP TABLE chart_rows AS
  SELECT row_number() OVER () AS i, mrr, cum_share, tier, tier_floor
  FROM chart_tiers;"

# Data: x (share of customers, %) of the bar's centre, MRR, cumulative share
# of MRR (%), tier.
sqlite3 -batch -cmd ".load $ext" "$db" >"$tmp/data.tsv" <<SQL
$setup
.mode tabs
SELECT 100.0 * (i - 0.5) / (SELECT count(*) FROM chart_rows), mrr,
       100.0 * cum_share, tier
FROM chart_rows ORDER BY i;
SQL

# Tier geometry and labels, as gnuplot assignments (floor -1: no floor).
sqlite3 -batch -cmd ".load $ext" "$db" >"$tmp/tiers.gp" <<SQL
$setup
.mode list
.headers off
SELECT printf('n = %d', count(*)) FROM chart_rows;
SELECT printf('ymax = %.17g', max(mrr)) FROM chart_rows;
SELECT printf('x%d_lo = %.17g; x%d_hi = %.17g; floor%d = %s; '
              || 'cust%d = %d; share%d = %.17g; mrrshare%d = %.17g',
              tier, 100.0 * (min(i) - 1) / n,
              tier, 100.0 * max(i) / n,
              tier, printf('%.17g', coalesce(min(tier_floor), -1)),
              tier, count(*),
              tier, 100.0 * count(*) / n,
              tier, 100.0 * sum(mrr) / total)
FROM chart_rows,
     (SELECT count(*) AS n, sum(mrr) AS total FROM chart_rows)
GROUP BY tier ORDER BY tier;
SQL

mkdir -p "$(dirname "$out")"
gnuplot -e "datafile='$tmp/data.tsv'; tiersfile='$tmp/tiers.gp'; \
  outfile='$out'" "$here/pareto.gp"
echo "chart.sh: wrote $out"
