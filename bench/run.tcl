# run.tcl -- sqlite-success's benchmark runner (make bench).
#
#   SUCCESS_LIB=dist/success tclsh bench/run.tcl [options]
#   make bench [BENCH_ARGS='--quick' | '--callgrind' | '--only pareto*']
#
# Sources every entry file bench/*.tcl (format: docs/contributing.md,
# "Benchmark entries"; bench/lib.tcl), and for each entry and size:
#  - generates the data once with dist/gen into dist/bench/ (reused while
#    dist/gen and the arguments are the same);
#  - opens it read-only with the extension loaded and runs `setup`;
#  - times each way (ext, ref, floor) in this one process on that
#    connection: one warm-up run each, then --runs timed runs (clock
#    microseconds) interleaved round by round, median; ext and ref must
#    return the same rows (REAL within 1e-9 relative) or the entry is
#    FAILED;
#  - measures each way's peak memory in a fresh child process (VmHWM
#    reset through /proc/self/clear_refs; see bench::child);
#  - runs the `duckdb` query (or `ref`) on DuckDB through node
#    (bench/duckdb.mjs) over CSV exports of the tables it names, loaded in
#    memory before timing: one warm-up, --runs timed runs, median; its
#    rows are compared with ext's (a difference is listed as a problem
#    and its time not compared).
# Then prints the tables (times and ratios, targets, memory, scaling, the
# machine) and writes them as Markdown to --out.
#
# Options:
#   --quick            smallest size of each entry only, 3 runs
#   --only PATTERN     entries whose name (or file name without .tcl)
#                      matches the glob PATTERN
#   --callgrind        instead of timing: each way once under valgrind
#                      --tool=callgrind in a child process (smallest size,
#                      or --size), instructions executed in sqlite3_step
#                      less the setup's; prints counts and ratios
#   --out FILE         Markdown report (default docs/benchmarks.md for a
#                      full timing run; partial runs -- --quick, --only,
#                      --size, --max-size, --entries, --callgrind -- write
#                      only when --out is given)
#   --runs N           timed runs per way (default 5, 3 with --quick)
#   --size N           run every entry at this one size
#   --max-size N       skip sizes above N
#   --timeout S        a single run longer than S seconds is interrupted
#                      and reported as a timeout (default 60)
#   --budget S         at most S seconds of timed runs per way: a way
#                      whose warm-up shows --runs runs would exceed it gets
#                      fewer runs, shown as "(n=K)" (default 60)
#   --no-duckdb        skip DuckDB;  --no-memory  skip the memory children
#   --duckdb-threads N DuckDB threads (default: DuckDB's, all cores)
#   --entries DIR      where the entry files are (default bench/)
#   --cache DIR        generated data (default dist/bench)
#
# Exit status 1 when an entry FAILED (an error, or ext and ref differ).
source [file join [file dirname [file normalize [info script]]] lib.tcl]

# ---- child mode (peak memory and callgrind; see bench::child) ----------
if {[lindex $argv 0] eq "--child"} {
  bench::child [lindex $argv 1]
  exit 0
}

# ---- options -----------------------------------------------------------
proc usage {{msg ""}} {
  if {$msg ne ""} {puts stderr "run.tcl: $msg"}
  puts stderr "usage: tclsh bench/run.tcl \[--quick] \[--only PATTERN] \[--callgrind]\
      \[--out FILE] \[--runs N] \[--size N] \[--max-size N] \[--timeout S]\
      \[--budget S] \[--no-duckdb] \[--no-memory] \[--duckdb-threads N]\
      \[--entries DIR] \[--cache DIR]"
  exit 2
}
array set opt [list quick 0 only * callgrind 0 out "" runs "" size "" \
    max-size "" timeout 60 budget 60 duckdb 1 memory 1 duckdb-threads 0 \
    entries $bench::dir cache [file join $bench::root dist bench]]
set partial 0
for {set i 0} {$i < [llength $argv]} {incr i} {
  set a [lindex $argv $i]
  switch -- $a {
    --quick {set opt(quick) 1; set partial 1}
    --callgrind {set opt(callgrind) 1; set partial 1}
    --no-duckdb {set opt(duckdb) 0}
    --no-memory {set opt(memory) 0}
    --only - --out - --runs - --size - --max-size - --timeout - --budget -
    --duckdb-threads - --entries - --cache {
      if {$i + 1 >= [llength $argv]} {usage "$a needs a value"}
      set opt([string range $a 2 end]) [lindex $argv [incr i]]
      if {$a in {--only --size --max-size --entries}} {set partial 1}
    }
    -h - --help {usage}
    default {usage "unknown option '$a'"}
  }
}
foreach k {runs size max-size duckdb-threads} {
  if {$opt($k) ne "" && (![string is integer -strict $opt($k)] || $opt($k) < 0)} {
    usage "--$k must be a non-negative integer, got '$opt($k)'"
  }
}
foreach k {timeout budget} {
  if {![string is double -strict $opt($k)] || $opt($k) <= 0} {
    usage "--$k must be a positive number of seconds, got '$opt($k)'"
  }
}
if {$opt(runs) eq ""} {set opt(runs) [expr {$opt(quick) ? 3 : 5}]}
if {$opt(runs) < 1} {usage "--runs must be at least 1"}
if {$opt(out) eq "" && !$partial} {
  set opt(out) [file join $bench::root docs benchmarks.md]
}
set tmpdir [file join $opt(cache) tmp-[pid]]

if {![file exists $bench::lib.so] && ![file exists $bench::lib.dylib]
    && ![file exists $bench::lib]} {
  puts stderr "run.tcl: the extension $bench::lib is not built (make all)"
  exit 2
}
if {$opt(callgrind) && [auto_execok valgrind] eq ""} {
  puts stderr "run.tcl: --callgrind needs valgrind (apt-get install valgrind)"
  exit 2
}

# ---- the machine ---------------------------------------------------------
proc read_file {f} {
  if {[catch {set fd [open $f]; set s [read $fd]; close $fd}]} {return ""}
  return $s
}
proc loadavg {} {
  return [join [lrange [read_file /proc/loadavg] 0 2] " "]
}
proc machine {} {
  set m {}
  set cpu ""
  regexp -line {^model name\s*:\s*(.*)$} [read_file /proc/cpuinfo] -> cpu
  if {[catch {exec nproc} n]} {set n "?"}
  lappend m CPU "[string trim $cpu] ($n cores available)"
  if {[regexp -line {^MemTotal:\s+(\d+) kB} [read_file /proc/meminfo] -> kb]} {
    lappend m memory [format "%.1f GiB" [expr {$kb / 1048576.0}]]
  }
  if {![catch {exec uname -sr} os]} {lappend m OS $os}
  sqlite3 vdb :memory:
  set v [vdb eval {SELECT sqlite_version()}]
  vdb close
  lappend m SQLite "$v (the library the Tcl binding loads)"
  lappend m Tcl [info patchlevel]
  if {![catch {exec git -C $::bench::root rev-parse --short HEAD 2>/dev/null} c]} {
    lappend m commit $c
  }
  return $m
}

# ---- running an entry ------------------------------------------------------
proc progress {msg} {
  puts $msg
  flush stdout
}

# The sizes of entry e this run uses.
proc entry_sizes {e} {
  global opt
  if {$opt(size) ne ""} {return [list $opt(size)]}
  set sizes [lsort -integer -unique [dict get $e sizes]]
  if {$opt(max-size) ne ""} {
    set sizes [lmap s $sizes {expr {$s <= $opt(max-size) ? $s : [continue]}}]
  }
  if {($opt(quick) || $opt(callgrind)) && [llength $sizes]} {
    set sizes [lrange $sizes 0 0]
  }
  return $sizes
}

# Times one entry at one size; returns the result dict:
#   name size status (ok|FAILED) problems {..}
#   way,ext way,ref way,floor: bench::time_way dicts (+ mem)
#   duck: bench::duckdb_run dict, or {status skipped why ...}
proc run_size {name e size} {
  global opt tmpdir
  set r [dict create name $name size $size status ok problems {}]
  if {[catch {
    if {![file exists [bench::data_file $opt(cache) $size [dict get $e gen]]]} {
      progress "  (generating: dist/gen --customers $size [dict get $e gen])"
    }
    bench::data $opt(cache) $size [dict get $e gen]
  } file]} {
    return [fail $r "data: $file"]
  }
  bench::open_db db $file
  set err [bench::setup db $e]
  if {$err ne ""} {
    db close
    return [fail $r "setup: $err"]
  }
  set sqls {}
  foreach way $bench::ways {dict set sqls $way [dict get $e $way]}
  set times [bench::time_ways db $sqls $opt(runs) $opt(timeout) $opt(budget)]
  foreach way $bench::ways {
    set w [dict get $times $way]
    dict set r way,$way $w
    if {[dict get $w status] ne "ok"} {
      set r [fail $r "$way: [dict get $w error]"]
    }
  }
  if {[dict get $r way,ext status] eq "ok" && [dict get $r way,ref status] eq "ok"} {
    set diff [bench::rows_diff [dict get $r way,ext rows] [dict get $r way,ref rows]]
    if {$diff ne ""} {set r [fail $r "ext and ref differ: $diff"]}
  }
  if {$opt(duckdb)} {
    dict set r duck [run_duckdb db $file $e $r]
  } else {
    dict set r duck [dict create status skipped why "--no-duckdb"]
  }
  db close
  if {$opt(memory)} {
    foreach way $bench::ways {
      if {[dict get $r way,$way status] ne "ok"} continue
      set m [bench::child_memory $tmpdir $file [dict get $e setup] [dict get $e $way]]
      if {[lindex $m 0] eq "error"} {
        dict lappend r problems "memory of $way: [lindex $m 1]"
      } else {
        dict set r way,$way mem $m
      }
    }
  }
  return $r
}
proc fail {r msg} {
  dict set r status FAILED
  dict lappend r problems $msg
  return $r
}

proc run_duckdb {db file e r} {
  global opt tmpdir
  lassign [bench::duckdb_status] st why
  if {$st ne "ok"} {return [dict create status skipped why $why]}
  set sql [dict get $e duckdb]
  set own 1
  if {[string trim $sql] eq ""} {
    set sql [dict get $e ref]
    set own 0
    # a ref reading what the setup created cannot run on DuckDB as is
    if {[llength [bench::names_in [$db eval {SELECT name FROM sqlite_temp_schema}] $sql]]} {
      return [dict create status skipped why "no duckdb query" own 0]
    }
  }
  if {[catch {bench::duckdb_run $db $file $tmpdir $sql $opt(runs) \
                  $opt(timeout) $opt(duckdb-threads)} d]} {
    set d [dict create status error error $d]
  }
  dict set d own $own
  if {[dict get $d status] eq "ok" && [dict get $r way,ext status] eq "ok"} {
    dict set d diff [bench::rows_diff [dict get $r way,ext rows] [dict get $d rows]]
  }
  return $d
}

# One line of progress for a result.
proc summary_line {r unit} {
  set parts [list [format "%-24s %9s %s" [dict get $r name] [dict get $r size] $unit]]
  foreach way $bench::ways {
    if {[dict exists $r way,$way median] && [dict get $r way,$way median] ne ""} {
      lappend parts "$way [bench::ms [dict get $r way,$way median]] ms"
    }
  }
  if {[dict exists $r duck median]} {
    lappend parts "duckdb [bench::ms [dict get $r duck median]] ms"
  }
  lappend parts [dict get $r status]
  return [join $parts "  "]
}

# ---- callgrind mode ----------------------------------------------------------
proc run_callgrind {name e size} {
  global opt tmpdir
  set r [dict create name $name size $size status ok problems {}]
  if {[catch {bench::data $opt(cache) $size [dict get $e gen]} file]} {
    return [fail $r "data: $file"]
  }
  set base 0
  if {[string trim [dict get $e setup]] ne ""} {
    set c [bench::callgrind_count $tmpdir $file [dict get $e setup] ""]
    if {[lindex $c 0] eq "error"} {return [fail $r "setup: [lindex $c 1]"]}
    set base [dict get $c ir]
  }
  foreach way $bench::ways {
    set c [bench::callgrind_count $tmpdir $file [dict get $e setup] [dict get $e $way]]
    if {[lindex $c 0] eq "error"} {
      set r [fail $r "$way: [lindex $c 1]"]
      continue
    }
    dict set r ir,$way [expr {[dict get $c ir] - $base}]
    dict set r rows,$way [dict get $c rows]
  }
  if {[dict exists $r rows,ext] && [dict exists $r rows,ref]} {
    set diff [bench::rows_diff [dict get $r rows,ext] [dict get $r rows,ref]]
    if {$diff ne ""} {set r [fail $r "ext and ref differ: $diff"]}
  }
  return $r
}

# ---- tables --------------------------------------------------------------------
proc cell_time {w} {
  if {![dict exists $w status]} {return ""}
  if {[dict get $w status] eq "skipped"} {return "-"}
  if {[dict get $w status] ne "ok"} {
    if {[string match "timeout*" [dict get $w error]]} {return timeout}
    return error
  }
  set s [bench::ms [dict get $w median]]
  set n [llength [dict get $w times]]
  if {$n < $::opt(runs)} {append s " (n=$n)"}
  return $s
}
# The result of one way ({} when it did not run: no data, setup failed).
proc way_dict {r way} {
  if {[dict exists $r way,$way]} {return [dict get $r way,$way]}
  return {}
}
proc way_median {r way} {
  if {[dict exists $r way,$way median]} {return [dict get $r way,$way median]}
  return ""
}
# DuckDB's median, "" when it did not run or returned other rows than ext
# (then its time is not comparable).
proc duck_median {r} {
  if {![dict exists $r duck median] || [dict get $r duck status] ne "ok"} {
    return ""
  }
  if {[dict exists $r duck diff] && [dict get $r duck diff] ne ""} {return ""}
  return [dict get $r duck median]
}
proc duck_cell {r} {
  if {![dict exists $r duck]} {return ""}
  set d [dict get $r duck]
  switch -- [dict get $d status] {
    skipped {return "n/a ([dict get $d why])"}
    error {
      if {![dict get $d own]} {return "n/a (ref not DuckDB SQL)"}
      return error
    }
  }
  set s [bench::ms [dict get $d median]]
  if {[dict exists $d diff] && [dict get $d diff] ne ""} {append s " (differs!)"}
  return $s
}

# Targets of entry e for result r: list of "way<=R met|MISSED (x)".
proc targets {e r} {
  set out {}
  dict for {way max} [dict get $e target] {
    set ext [way_median $r ext]
    set other [expr {$way eq "duckdb" ? [duck_median $r] : [way_median $r $way]}]
    if {$ext eq "" || $other eq "" || $other <= 0} {
      lappend out "$way<=$max ?"
      continue
    }
    set x [expr {double($ext) / $other}]
    lappend out "$way<=$max [expr {$x <= $max ? "met" : "MISSED"}]"
  }
  return [join $out ", "]
}

proc time_table {results} {
  set rows {}
  foreach r $results {
    set e $::bench::entry([dict get $r name])
    set ext [way_median $r ext]
    lappend rows [list [dict get $r name] [dict get $e unit] [group [dict get $r size]] \
        [cell_time [way_dict $r ext]] [cell_time [way_dict $r ref]] \
        [cell_time [way_dict $r floor]] [duck_cell $r] \
        [bench::ratio $ext [way_median $r ref]] \
        [bench::ratio $ext [way_median $r floor]] \
        [bench::ratio $ext [duck_median $r]] \
        [targets $e $r] [dict get $r status]]
  }
  return [list {entry unit >size ">ext ms" ">ref ms" ">floor ms" ">duckdb ms" \
                    >ext/ref >ext/floor >ext/duckdb targets status} $rows]
}

proc mem_cell {r way} {
  if {$way eq "duckdb"} {
    if {[dict exists $r duck peak_kb]} {return [bench::mib [dict get $r duck peak_kb]]}
    return ""
  }
  if {[dict exists $r way,$way mem peak_kb]} {
    return [bench::mib [dict get $r way,$way mem peak_kb]]
  }
  return ""
}
proc mem_table {results} {
  set rows {}
  foreach r $results {
    set row [list [dict get $r name] [group [dict get $r size]]]
    foreach way {ext ref floor duckdb} {lappend row [mem_cell $r $way]}
    lappend rows $row
  }
  return [list {entry >size ">ext MiB" ">ref MiB" ">floor MiB" ">duckdb MiB"} $rows]
}

# Per-unit cost and the growth exponent k (time ~ size^k) between
# consecutive sizes of an entry.
proc scaling_table {results} {
  set rows {}
  set prev {}
  foreach r $results {
    set name [dict get $r name]
    set e $::bench::entry($name)
    set size [dict get $r size]
    set row [list $name [dict get $e unit] [group $size]]
    set ks {}
    foreach way {ext ref floor duckdb} {
      set t [expr {$way eq "duckdb" ? [duck_median $r] : [way_median $r $way]}]
      lappend row [expr {$t eq "" ? "" : [per_unit $t $size]}]
      set k ""
      if {$t ne "" && [dict exists $prev name] && [dict get $prev name] eq $name} {
        set tp [expr {$way eq "duckdb" ? [duck_median $prev] : [way_median $prev $way]}]
        set sp [dict get $prev size]
        if {$tp ne "" && $tp > 0 && $t > 0 && $size != $sp} {
          set k [format %.2f [expr {log(double($t) / $tp) / log(double($size) / $sp)}]]
        }
      }
      lappend ks $k
    }
    lappend rows [concat $row $ks]
    set prev $r
  }
  return [list {entry unit >size ">ext ns/unit" ">ref ns/unit" ">floor ns/unit" \
      ">duckdb ns/unit" ">k ext" ">k ref" ">k floor" ">k duckdb"} $rows]
}
proc per_unit {us size} {
  set ns [expr {$us * 1000.0 / $size}]
  if {$ns >= 100} {return [format %.0f $ns]}
  if {$ns >= 10} {return [format %.1f $ns]}
  if {$ns >= 1} {return [format %.2f $ns]}
  return [format %.3g $ns]
}

proc callgrind_table {results} {
  set rows {}
  foreach r $results {
    set row [list [dict get $r name] [group [dict get $r size]]]
    foreach way $bench::ways {
      lappend row [expr {[dict exists $r ir,$way] ? [group [dict get $r ir,$way]] : ""}]
    }
    set ext [expr {[dict exists $r ir,ext] ? [dict get $r ir,ext] : ""}]
    foreach way {ref floor} {
      lappend row [bench::ratio $ext [expr {[dict exists $r ir,$way] ? [dict get $r ir,$way] : ""}]]
    }
    lappend row [expr {$ext eq "" ? "" : [format %.1f [expr {double($ext) / [dict get $r size]}]]}]
    lappend row [dict get $r status]
    lappend rows $row
  }
  return [list {entry >size ">ext Ir" ">ref Ir" ">floor Ir" >ext/ref >ext/floor \
      ">ext Ir/unit" status} $rows]
}
proc group {n} {
  set s ""
  while {[string length $n] > 3} {
    set s ",[string range $n end-2 end]$s"
    set n [string range $n 0 end-3]
  }
  return "$n$s"
}

proc problems {results} {
  set out {}
  foreach r $results {
    foreach p [dict get $r problems] {
      lappend out "[dict get $r name] at [dict get $r size]: $p"
    }
    if {[dict exists $r duck status]} {
      set d [dict get $r duck]
      if {[dict get $d status] eq "error" && [dict get $d own]} {
        lappend out "[dict get $r name] at [dict get $r size]: duckdb query failed: [dict get $d error]"
      }
      if {[dict exists $d diff] && [dict get $d diff] ne ""} {
        lappend out "[dict get $r name] at [dict get $r size]: DuckDB's result differs from ext: [dict get $d diff]"
      }
    }
  }
  return $out
}

# ---- main ----------------------------------------------------------------------
set started [clock seconds]
set load0 [loadavg]
file mkdir $opt(cache)
if {[catch {bench::clean_cache $opt(cache)} msg]} {
  puts stderr "run.tcl: $msg"
  exit 2
}

set fileErrors {}
foreach f [bench::entry_files $opt(entries)] {
  set err [bench::source_file $f]
  if {$err ne ""} {
    lappend fileErrors "[file tail $f]: $err"
    puts "! [file tail $f] could not be sourced: $err"
  }
}
set selected {}
foreach name $bench::names {
  set e $bench::entry($name)
  set base [file rootname [dict get $e file]]
  if {[string match $opt(only) $name] || [string match $opt(only) $base]} {
    lappend selected $name
  }
}
if {![llength $selected]} {
  puts stderr "run.tcl: no entry matches '$opt(only)' in $opt(entries)"
  exit 2
}

set machine [machine]
if {$opt(duckdb) && !$opt(callgrind)} {
  lassign [bench::duckdb_status] st why
  if {$st ne "ok"} {puts "DuckDB: not used ($why)"}
}

set results {}
foreach name $selected {
  set e $bench::entry($name)
  foreach size [entry_sizes $e] {
    if {$opt(callgrind)} {
      set r [run_callgrind $name $e $size]
      progress [format "%-24s %9s %s  %s" $name $size [dict get $e unit] [dict get $r status]]
    } else {
      set r [run_size $name $e $size]
      progress [summary_line $r [dict get $e unit]]
    }
    foreach p [dict get $r problems] {progress "  ! $p"}
    lappend results $r
  }
}
set load1 [loadavg]

# DuckDB's description, from the first run that used it.
foreach r $results {
  if {[dict exists $r duck version]} {
    lappend machine DuckDB "[dict get $r duck version] (@duckdb/node-api on node\
        [string trim [bench::exec_plain node --version]], [dict get $r duck threads] threads)"
    break
  }
}
if {$opt(duckdb) && !$opt(callgrind) && ![dict exists $machine DuckDB]} {
  lappend machine DuckDB "not used ([lindex [bench::duckdb_status 0] 1])"
}
lappend machine date [clock format $started -format "%Y-%m-%d %H:%M %Z"]
lappend machine "load average" "$load0 at the start, $load1 at the end"
set secs [expr {[clock seconds] - $started}]
set settings [expr {$opt(callgrind)
  ? "each way once under valgrind --tool=callgrind in a child process;\
     instructions executed inside sqlite3_step, less those of the setup"
  : "median of $opt(runs) timed runs after 1 warm-up, the ways interleaved;\
     run timeout $opt(timeout) s, at most $opt(budget) s of timed runs per way"}]
lappend machine settings $settings
lappend machine "run time" "[expr {$secs / 60}] min [expr {$secs % 60}] s"

# A section heading.
proc h {markdown title} {
  if {$markdown} {return "\n## $title\n\n"}
  return "\n== $title ==\n"
}

# The report, as text (terminal) or Markdown.
proc report {markdown} {
  global results machine opt fileErrors selected
  set out ""
  set mrows {}
  foreach {k v} $machine {lappend mrows [list $k $v]}
  if {$opt(callgrind)} {
    append out [h $markdown "Instruction counts (callgrind)"]
    append out [bench::render_table {*}[callgrind_table $results] $markdown]
    if {$markdown} {
      append out "\nIr: instructions executed inside sqlite3_step (the query and\
          the extension's code it calls), less those of the entry's setup.\
          Deterministic, so comparable across noisy runs.\n"
    }
  } else {
    append out [h $markdown "Time (median ms) and ratios"]
    append out [bench::render_table {*}[time_table $results] $markdown]
    if {$markdown} {
      append out "\next/ref, ext/floor, ext/duckdb: the extension's median time over\
          the other way's (below 1: the extension is faster). targets: the\
          entry's maximum ratios (`target` in its bench file), met or MISSED at\
          that size.\n"
    }
    append out [h $markdown "Peak memory (MiB)"]
    append out [bench::render_table {*}[mem_table $results] $markdown]
    if {$markdown} {
      append out "\nPeak RSS added while the way runs once, cold, in a fresh child\
          process after the setup (VmHWM reset through /proc/self/clear_refs, minus\
          VmRSS before the run); SQLite's own page cache (at most ~2 MiB by\
          default) is part of it. DuckDB: the same measure around its warm-up run\
          in the node process, the data already loaded.\n"
    }
    append out [h $markdown "Scaling"]
    append out [bench::render_table {*}[scaling_table $results] $markdown]
    if {$markdown} {
      append out "\nns/unit: median time per unit of size (per customer).\
          k: growth exponent between this size and the previous one,\
          time ~ size^k: 1 is linear, about 1.1 is n log n over a 10x step,\
          2 is quadratic. Times under ~1 ms are dominated by fixed costs\
          (k well below 1).\n"
    }
  }
  set probs [concat $fileErrors [problems $results]]
  if {[llength $probs]} {
    append out [h $markdown "Problems"]
    foreach p $probs {append out [expr {$markdown ? "- " : "! "}] $p \n}
  }
  append out [h $markdown "Machine"]
  append out [bench::render_table {machine ""} $mrows $markdown]
  if {$markdown} {
    append out [h $markdown "Entries"]
    foreach name $selected {
      set e $::bench::entry($name)
      append out "- `$name` (`bench/[dict get $e file]`): [dict get $e title];\
          sizes [join [lmap x [dict get $e sizes] {group $x}] {, }] [dict get $e unit]"
      if {[llength [dict get $e gen]]} {append out "; dist/gen `[dict get $e gen]`"}
      if {[dict size [dict get $e target]]} {
        append out "; target [join [lmap {k v} [dict get $e target] {string cat "ext/$k <= $v"}] {, }]"
      }
      append out "\n"
    }
  }
  return $out
}

puts [report 0]
if {$opt(out) ne ""} {
  set md "# Benchmarks\n\n"
  append md "Generated by `make bench` (`bench/run.tcl[expr {[llength $argv] ? " [join $argv]" : ""}]`)\
      on [clock format $started -format %Y-%m-%d]; do not edit by hand.\
      The machine is shared and noisy: compare the ratios, measured in the\
      same run on the same data, more than the absolute times. Each way runs\
      in one process on the same read-only database generated by `dist/gen`:\
      `ext` is the extension, `ref` the plain-SQL reference (`sql/reference/`),\
      `floor` a bare scan of the same rows, `duckdb` the same query on DuckDB\
      over the same data (loaded in memory from CSV before timing).\n"
  append md [report 1]
  file mkdir [file dirname [file normalize $opt(out)]]
  set fd [open $opt(out) w]
  puts -nonewline $fd $md
  close $fd
  puts "wrote $opt(out)"
}
file delete -force $tmpdir
set failed [expr {[llength $fileErrors] > 0}]
foreach r $results {
  if {[dict get $r status] ne "ok"} {set failed 1}
}
exit $failed
