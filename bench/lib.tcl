# lib.tcl -- the benchmark harness's library: entries, generated data, the
# ways (ext, ref, floor) run and timed, peak memory, DuckDB, callgrind.
# Used by bench/run.tcl (make bench) and tests/bench.test (make test).
#
# An entry file bench/<m>.tcl declares entries (docs/contributing.md,
# "Benchmark entries"):
#
#   bench_entry pareto_vtab {
#     title  {pareto_tiers virtual table}
#     unit   customers
#     sizes  {10000 100000 1000000}      ;# passed to dist/gen --customers
#     gen    {--tables accounts}         ;# other dist/gen arguments
#     setup  {CREATE VIRTUAL TABLE temp.tiers USING pareto_tiers(...)}
#     ext    {SELECT ... FROM tiers}
#     ref    {SELECT ... FROM (...)}
#     floor  {SELECT count(*), sum(mrr) FROM accounts}
#     duckdb {SELECT ...}                ;# optional: DuckDB dialect of ref
#     target {ref 0.2 floor 5}           ;# optional: max ratios ext/<way>
#   }
#
# duckdb may be several statements: all but the last run once, untimed
# (DuckDB's own setup, e.g. CREATE TEMP TABLE/VIEW); the last is timed.
# Without it, DuckDB runs `ref` unless ref reads objects the setup made
# (then the DuckDB column says "no duckdb query").
#
# The body is evaluated as a Tcl script in which each key is a command
# taking its value (so `;#` comments and `setup [reference pareto]` work);
# a flat key-value list on one line works too. Required keys: title, unit,
# sizes, ext, ref, floor. `reference <m>` returns sql/reference/<m>.sql,
# `duckdb_reference <m>` bench/duckdb/<m>.sql (DuckDB-dialect SQL that
# several entries' duckdb queries share).
#
# The generated databases are opened read-only: `setup` creates temp
# objects only (CREATE TEMP VIEW, CREATE VIRTUAL TABLE temp.x ...).
package require sqlite3

namespace eval bench {
  variable root [file normalize [file join [file dirname [info script]] ..]]
  variable dir [file join $root bench]
  # The runner's own files, never sourced as entry files.
  variable ownFiles {run.tcl lib.tcl}
  variable keys {title unit sizes gen setup ext ref floor duckdb target}
  variable required {title unit sizes ext ref floor}
  variable ways {ext ref floor}
  variable names {}       ;# entry names in declaration order
  variable entry          ;# entry(name) -> dict of the keys (+ file)
  array set entry {}
  variable sourcing ""    ;# the entry file being sourced
  variable lib [expr {[info exists ::env(SUCCESS_LIB)]
                      ? $::env(SUCCESS_LIB) : "dist/success"}]
  if {[file pathtype $lib] ne "absolute"} {set lib [file join $root $lib]}
}

# ---- entries ----------------------------------------------------------

namespace eval bench::decl {
  variable name ""
  variable cur {}
  namespace unknown ::bench::decl::unknown_key
}
proc bench::decl::unknown_key {cmd args} {
  variable name
  error "bench_entry $name: unknown key '$cmd' (keys: $::bench::keys)"
}
proc bench::decl::store {key value rest} {
  variable name
  variable cur
  if {[llength $rest] % 2} {
    error "bench_entry $name: key '[lindex $rest end]' has no value"
  }
  foreach {k v} [list $key $value {*}$rest] {
    if {$k ni $::bench::keys} {
      error "bench_entry $name: unknown key '$k' (keys: $::bench::keys)"
    }
    if {[dict exists $cur $k]} {
      error "bench_entry $name: key '$k' given twice"
    }
    dict set cur $k $v
  }
}
foreach k $bench::keys {
  proc bench::decl::$k {value args} "::bench::decl::store $k \$value \$args"
}

# Declares an entry (see the top of this file).
proc bench_entry {name body} {
  if {![regexp {^[A-Za-z0-9_.-]+$} $name]} {
    error "bench_entry: name must be letters, digits, _ . -, got '$name'"
  }
  if {[info exists ::bench::entry($name)]} {
    error "bench_entry $name: declared twice"
  }
  set ::bench::decl::name $name
  set ::bench::decl::cur {}
  namespace eval ::bench::decl $body
  set e [dict merge {gen {} setup {} duckdb {} target {}} $::bench::decl::cur]
  bench::check_entry $name $e
  dict set e file $::bench::sourcing
  set ::bench::entry($name) $e
  lappend ::bench::names $name
  return $name
}

proc bench::check_entry {name e} {
  variable required
  foreach k $required {
    if {![dict exists $e $k] || [string trim [dict get $e $k]] eq ""} {
      error "bench_entry $name: missing key '$k'"
    }
  }
  set sizes [dict get $e sizes]
  if {[catch {llength $sizes}] || ![llength $sizes]} {
    error "bench_entry $name: sizes must be a list of positive integers, got '$sizes'"
  }
  foreach s $sizes {
    if {![string is integer -strict $s] || $s < 1} {
      error "bench_entry $name: sizes must be a list of positive integers, got '$sizes'"
    }
  }
  if {[catch {llength [dict get $e gen]}]} {
    error "bench_entry $name: gen must be a list of dist/gen arguments"
  }
  set target [dict get $e target]
  if {[catch {dict size $target}]} {
    error "bench_entry $name: target must be {way ratio ...}, got '$target'"
  }
  dict for {way ratio} $target {
    if {$way ni {ref floor duckdb}} {
      error "bench_entry $name: target way must be ref, floor or duckdb, got '$way'"
    }
    if {![string is double -strict $ratio] || $ratio <= 0} {
      error "bench_entry $name: target $way must be a positive number, got '$ratio'"
    }
  }
}

# The text of sql/reference/<m>.sql.
proc reference {m} {
  set f [file join $::bench::root sql reference $m.sql]
  if {![file readable $f]} {
    error "reference $m: no file sql/reference/$m.sql"
  }
  set fd [open $f]
  set text [read $fd]
  close $fd
  return $text
}

# The text of bench/duckdb/<m>.sql: SQL in DuckDB's dialect shared by
# several entries' duckdb queries (e.g. a view of the reference's rows).
proc duckdb_reference {m} {
  set f [file join $::bench::dir duckdb $m.sql]
  if {![file readable $f]} {
    error "duckdb_reference $m: no file bench/duckdb/$m.sql"
  }
  set fd [open $f]
  set text [read $fd]
  close $fd
  return $text
}

# The entry files of $dir (every *.tcl but the runner's own), sorted.
proc bench::entry_files {{dir ""}} {
  variable ownFiles
  if {$dir eq ""} {set dir $::bench::dir}
  set out {}
  foreach f [lsort [glob -nocomplain -directory $dir *.tcl]] {
    if {[file tail $f] ni $ownFiles} {lappend out $f}
  }
  return $out
}

# Sources one entry file at global level; returns "" or the error message.
proc bench::source_file {f} {
  variable sourcing
  set sourcing [file tail $f]
  set rc [catch {uplevel #0 [list source $f]} msg]
  set sourcing ""
  return [expr {$rc ? $msg : ""}]
}

# ---- generated data -----------------------------------------------------

proc bench::sha1 {text} {
  if {[catch {exec sha1sum << $text} out]} {
    # no sha1sum: a weaker but stable key
    set h 0
    foreach c [split $text ""] {
      set h [expr {($h * 31 + [scan $c %c]) & 0xffffffffffff}]
    }
    return [format %012x $h]
  }
  return [lindex $out 0]
}

# A short hash of the generator binary: cached data is regenerated when
# dist/gen changes.
proc bench::gen_binary {} {
  return [file join $::bench::root dist gen]
}
proc bench::gen_hash {} {
  variable genHash
  if {![info exists genHash]} {
    set gen [gen_binary]
    if {![file executable $gen]} {
      error "dist/gen not found: build it with `make dist/gen`"
    }
    if {[catch {exec sha1sum $gen} out]} {
      set out [sha1 "[file size $gen] [file mtime $gen]"]
    }
    set genHash [string range [lindex $out 0] 0 7]
  }
  return $genHash
}

# The dist/gen arguments of one database.
proc bench::gen_args {size gen} {
  set args [list --customers $size {*}$gen]
  if {"--schema" ni $gen} {
    lappend args --schema [file join $::bench::root sql schema.sql]
  }
  return $args
}

# The database for (size, gen) in cachedir, generated when missing.
# File name: c<size>-<hash of the arguments>-<hash of dist/gen>.db
proc bench::data_file {cachedir size gen} {
  set key [string range [sha1 [list $size $gen]] 0 7]
  return [file join $cachedir "c$size-$key-[gen_hash].db"]
}
proc bench::data {cachedir size gen} {
  set file [data_file $cachedir $size $gen]
  if {[file exists $file]} {return $file}
  file mkdir $cachedir
  set tmp $file.tmp
  file delete -force $tmp
  if {[catch {exec [gen_binary] {*}[gen_args $size $gen] --out $tmp 2>@1} msg]} {
    file delete -force $tmp
    regsub {\s*child process exited abnormally$} $msg {} msg
    error "dist/gen [list --customers $size {*}$gen]: [string trim $msg]"
  }
  file rename -force $tmp $file
  return $file
}

# Removes cached databases (and their CSV exports) made by another
# version of dist/gen.
proc bench::clean_cache {cachedir} {
  set keep [gen_hash]
  foreach f [glob -nocomplain -directory $cachedir c*-*-*.db c*-*-*.db.csv] {
    if {![regexp {^c\d+-[0-9a-f]+-([0-9a-f]+)\.db} [file tail $f] -> h]} continue
    if {$h ne $keep} {file delete -force $f}
  }
  # job files left by a run that was stopped (tmp-<pid> of a dead process)
  foreach d [glob -nocomplain -types d -directory $cachedir tmp-*] {
    set p [string range [file tail $d] 4 end]
    if {[string is integer -strict $p] && $p != [pid]
        && ![file exists /proc/$p]} {
      file delete -force $d
    }
  }
}

# ---- running the ways --------------------------------------------------

# Opens file read-only as command $name with the extension loaded.
proc bench::open_db {name file} {
  sqlite3 $name $file -readonly 1
  $name enable_load_extension 1
  $name eval {SELECT load_extension($::bench::lib)}
  $name enable_load_extension 0
  return $name
}

# Runs the entry's setup on $db; returns "" or the error.
proc bench::setup {db e} {
  if {[string trim [dict get $e setup]] eq ""} {return ""}
  if {[catch {$db eval [dict get $e setup]} msg]} {
    if {[string match "*readonly*" $msg]} {
      append msg " (the data is opened read-only: setup creates temp objects\
          only, e.g. CREATE TEMP VIEW, CREATE VIRTUAL TABLE temp.x)"
    }
    return $msg
  }
  return ""
}

# One run of sql: {ok us rows} or {error us message}. With a timeout (s),
# a progress handler interrupts the run when it is exceeded (checked every
# 100000 VM steps, so its cost is negligible).
proc bench::run_once {db sql {timeout 0}} {
  if {$timeout > 0} {
    set ::bench::deadline [expr {[clock microseconds] + int($timeout * 1e6)}]
    $db progress 100000 ::bench::past_deadline
  }
  set t0 [clock microseconds]
  set rc [catch {$db eval $sql} res]
  set us [expr {[clock microseconds] - $t0}]
  if {$timeout > 0} {$db progress 0 {}}
  if {$rc} {
    if {$timeout > 0 && [clock microseconds] >= $::bench::deadline
        && [string match *interrupt* $res]} {
      set res "timeout after $timeout s"
    }
    return [list error $us $res]
  }
  return [list ok $us $res]
}
proc bench::past_deadline {} {
  expr {[clock microseconds] >= $::bench::deadline}
}

# Times the ways of a dict {way sql ...} on db: one warm-up run of each
# (with the timeout; its rows are the way's result), then timed runs
# interleaved round by round (ext, ref, floor, ext, ...) so that a burst
# of load on a shared machine hits every way alike. Each way gets $runs
# timed runs, fewer when its warm-up shows they would take more than
# $budget seconds (at least 1). Returns {way dict ...}, each dict: status
# ok|error, rows, error, warm (us), times (us), median (us).
proc bench::time_ways {db sqls runs {timeout 0} {budget 0}} {
  set out {}
  set want {}
  dict for {way sql} $sqls {
    lassign [run_once $db $sql $timeout] st us res
    if {$st ne "ok"} {
      dict set out $way [dict create status error error $res warm $us \
                             times {} median {}]
      continue
    }
    set n $runs
    if {$budget > 0 && $us > 0 && $us * $runs > $budget * 1e6} {
      set n [expr {max(1, int($budget * 1e6 / $us))}]
    }
    dict set out $way [dict create status ok rows $res warm $us times {} \
                           median {}]
    dict set want $way $n
  }
  for {set i 0} {$i < $runs} {incr i} {
    dict for {way n} $want {
      if {$i >= $n || [dict get $out $way status] ne "ok"} continue
      set t0 [clock microseconds]
      if {[catch {$db eval [dict get $sqls $way]} msg]} {
        dict set out $way status error
        dict set out $way error "timed run [expr {$i + 1}]: $msg"
        continue
      }
      dict set out $way times [list {*}[dict get $out $way times] \
                                   [expr {[clock microseconds] - $t0}]]
    }
  }
  dict for {way w} $out {
    if {[dict get $w status] eq "ok"} {
      dict set out $way median [median [dict get $w times]]
    } else {
      dict set out $way median {}
    }
  }
  return $out
}

# One way alone (bench::time_ways with one way): its dict.
proc bench::time_way {db sql runs {timeout 0} {budget 0}} {
  return [dict get [time_ways $db [dict create way $sql] $runs $timeout $budget] way]
}

proc bench::median {xs} {
  set n [llength $xs]
  if {!$n} {return {}}
  set s [lsort -real $xs]
  if {$n % 2} {return [lindex $s [expr {$n / 2}]]}
  return [expr {([lindex $s [expr {$n / 2 - 1}]] + [lindex $s [expr {$n / 2}]]) / 2.0}]
}

# 1 when a and b are equal: exactly, or as numbers within 1e-9 relative
# (1e-12 absolute near zero) when one of them is not an integer.
proc bench::values_equal {a b} {
  if {$a eq $b} {return 1}
  if {![string is double -strict $a] || ![string is double -strict $b]} {
    return 0
  }
  if {[string is wideinteger -strict $a] && [string is wideinteger -strict $b]} {
    return 0
  }
  if {[catch {expr {abs(double($a) - double($b))}} diff]} {return 0}
  if {$diff <= 1e-12} {return 1}
  return [expr {$diff <= 1e-9 * max(abs(double($a)), abs(double($b)))}]
}

# "" when the flat result lists a and b are equal (values_equal), else a
# description of the first difference.
proc bench::rows_diff {a b} {
  if {[llength $a] != [llength $b]} {
    return "[llength $a] values vs [llength $b]: [short $a] vs [short $b]"
  }
  set i 0
  foreach x $a y $b {
    if {![values_equal $x $y]} {
      return "value [expr {$i + 1}] differs: [short $x] vs [short $y]"
    }
    incr i
  }
  return ""
}
proc bench::short {x {n 60}} {
  if {[string length $x] > $n} {return "[string range $x 0 $n]..."}
  return $x
}

# ---- child processes: peak memory, callgrind ----------------------------

# The child side (bench/run.tcl --child JOB): opens the database, runs the
# setup, then (when the job has a way) the way once, and prints
#   rss_kb R   peak_kb P   method M   rows {R}
# peak_kb: VmHWM after the way minus VmRSS before it, VmHWM being reset
# first through /proc/self/clear_refs (method clear_refs); without it the
# growth of VmHWM (a lower bound, method hwm-delta).
proc bench::child {jobfile} {
  set fd [open $jobfile]
  set job [read $fd]
  close $fd
  open_db cdb [dict get $job db]
  if {[dict get $job setup] ne ""} {cdb eval [dict get $job setup]}
  if {[dict get $job sql] eq ""} {
    puts "rows {}"
    cdb close
    return
  }
  set cleared [expr {![catch {
    set f [open /proc/self/clear_refs WRONLY]
    puts -nonewline $f 5
    close $f
  }]}]
  set rss [proc_status VmRSS]
  set hwm0 [proc_status VmHWM]
  set rows [cdb eval [dict get $job sql]]
  set hwm [proc_status VmHWM]
  if {$rss eq "" || $hwm eq ""} {
    puts "rss_kb {} peak_kb {} method none"
  } elseif {$cleared} {
    puts "rss_kb $rss peak_kb [expr {max(0, $hwm - $rss)}] method clear_refs"
  } else {
    puts "rss_kb $rss peak_kb [expr {max(0, $hwm - $hwm0)}] method hwm-delta"
  }
  puts [list rows $rows]
  cdb close
}
proc bench::proc_status {field} {
  if {[catch {
    set fd [open /proc/self/status]
    set s [read $fd]
    close $fd
  }]} {return ""}
  if {[regexp -line "^$field:\\s+(\\d+) kB" $s -> kb]} {return $kb}
  return ""
}

proc bench::write_job {tmpdir db setup sql} {
  file mkdir $tmpdir
  set f [file join $tmpdir job-[pid]-[incr ::bench::jobSeq].tcl]
  set fd [open $f w]
  puts $fd [dict create db $db setup $setup sql $sql]
  close $fd
  return $f
}
set ::bench::jobSeq 0

# Peak memory of one way in a fresh child process (dict: peak_kb, rss_kb,
# method) or {error message}.
proc bench::child_memory {tmpdir db setup sql} {
  set job [write_job $tmpdir $db $setup $sql]
  set rc [catch {exec [info nameofexecutable] [file join $::bench::dir run.tcl] \
                     --child $job 2>@1} out]
  file delete $job
  if {$rc} {return [list error [short [string trim $out] 200]]}
  set d {}
  foreach line [split $out \n] {
    if {[string match "rss_kb *" $line]} {set d $line}
  }
  if {$d eq ""} {return [list error "no memory line in: [short $out 200]"]}
  return $d
}

# Instructions executed inside sqlite3_step while the child runs setup and
# the way, less a baseline child that runs the setup only: the way's own
# instruction count, or {error message}.
proc bench::callgrind_count {tmpdir db setup sql} {
  set job [write_job $tmpdir $db $setup $sql]
  set out [file join $tmpdir cg-[pid].out]
  set rc [catch {exec_plain valgrind --tool=callgrind --toggle-collect=sqlite3_step \
      --callgrind-out-file=$out [info nameofexecutable] \
      [file join $::bench::dir run.tcl] --child $job 2>@1} res]
  file delete -force $job $out
  if {![regexp {Collected : (\d+)} $res -> n]} {
    return [list error [short [string trim $res] 300]]
  }
  set rows {}
  foreach line [split $res \n] {
    if {[string match "rows *" $line]} {set rows [lindex $line 1]}
  }
  return [list ir $n rows $rows]
}

# ---- DuckDB --------------------------------------------------------------

# exec without LD_PRELOAD: node, npm and valgrind are not ours to
# sanitize (make test-asan preloads ASan, whose leak check fails node).
proc bench::exec_plain {args} {
  set saved [expr {[info exists ::env(LD_PRELOAD)] ? [list $::env(LD_PRELOAD)] : {}}]
  unset -nocomplain ::env(LD_PRELOAD)
  set rc [catch {uplevel 1 [list exec {*}$args]} res opts]
  if {[llength $saved]} {set ::env(LD_PRELOAD) [lindex $saved 0]}
  return -options $opts $res
}

# Where DuckDB stands: {ok ""} when usable, else {no "why"}; tries
# `npm install --prefix bench` once when node is there but the package
# is not.
proc bench::duckdb_status {{install 1}} {
  variable duckStatus
  if {[info exists duckStatus]} {return $duckStatus}
  set pkg [file join $::bench::dir node_modules @duckdb node-api package.json]
  if {[auto_execok node] eq ""} {
    return [set duckStatus {no "no node"}]
  }
  if {![file exists $pkg] && $install} {
    if {[auto_execok npm] eq ""} {
      return [set duckStatus {no "no npm"}]
    }
    puts "DuckDB: npm install --prefix bench (once)..."
    if {[catch {exec_plain npm install --prefix $::bench::dir --no-audit --no-fund \
                    2>@1} msg]} {
      puts "DuckDB: npm install failed, continuing without DuckDB:\n$msg"
      return [set duckStatus {no "npm install failed"}]
    }
  }
  if {![file exists $pkg]} {
    return [set duckStatus {no "not installed"}]
  }
  return [set duckStatus {ok ""}]
}

# The names of the list that sql mentions as whole words (any case).
proc bench::names_in {names sql} {
  set out {}
  foreach name $names {
    set re "(^|\[^A-Za-z0-9_\])[regsub -all {[^A-Za-z0-9_]} $name {\\&}](\[^A-Za-z0-9_\]|$)"
    if {[regexp -nocase $re $sql]} {lappend out $name}
  }
  return $out
}

# The tables of db that sql names.
proc bench::tables_named {db sql} {
  return [names_in [$db eval {SELECT name FROM sqlite_schema
      WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name}] $sql]
}

# DuckDB column types for a SQLite table (by declared-type affinity).
proc bench::duck_columns {db table} {
  set cols {}
  $db eval "PRAGMA table_info(\"[string map {\" \"\"} $table]\")" {
    set t [string toupper $type]
    if {[string match *INT* $t]} {
      set dt BIGINT
    } elseif {[string match *REAL* $t] || [string match *FLOA* $t]
              || [string match *DOUB* $t]} {
      set dt DOUBLE
    } else {
      set dt VARCHAR
    }
    lappend cols [list $name $dt]
  }
  return $cols
}

# Exports table of dbfile to <dbfile>.csv/<table>.csv (once) with the
# sqlite3 shell: header line, NULL as \N, REAL with 17 digits.
proc bench::export_csv {dbfile table cols} {
  set dir $dbfile.csv
  set csv [file join $dir $table.csv]
  if {[file exists $csv]} {return $csv}
  file mkdir $dir
  set sel {}
  foreach c $cols {
    lassign $c name type
    set q "\"[string map {\" \"\"} $name]\""
    if {$type eq "DOUBLE"} {
      lappend sel "CASE WHEN typeof($q) = 'real' THEN printf('%.17g', $q) ELSE $q END AS $q"
    } else {
      lappend sel $q
    }
  }
  set sql "SELECT [join $sel {, }] FROM \"[string map {\" \"\"} $table]\""
  if {[catch {exec sqlite3 -readonly -csv -header -nullvalue {\N} $dbfile $sql \
                  > $csv.tmp} msg]} {
    file delete -force $csv.tmp
    error "sqlite3 export of $table: $msg"
  }
  file rename -force $csv.tmp $csv
  return $csv
}

proc bench::json_string {s} {
  set map {\\ \\\\ \" \\\" \n \\n \r \\r \t \\t}
  set s [string map $map $s]
  regsub -all {[\x00-\x1f]} $s {} s
  return "\"$s\""
}

# Runs sql on DuckDB over the tables of db it names: a dict with status
# (ok|error), median (us), times, rows, peak_kb, method, version, threads,
# load_ms, tables; or status error, error.
proc bench::duckdb_run {db dbfile tmpdir sql runs timeout threads} {
  set tables [tables_named $db $sql]
  set tj {}
  foreach t $tables {
    set cols [duck_columns $db $t]
    set csv [export_csv $dbfile $t $cols]
    set cj {}
    foreach c $cols {
      lappend cj "\[[json_string [lindex $c 0]], [json_string [lindex $c 1]]\]"
    }
    lappend tj "{\"name\": [json_string $t], \"csv\": [json_string $csv], \"columns\": \[[join $cj {, }]\]}"
  }
  file mkdir $tmpdir
  set job [file join $tmpdir duck-[pid].json]
  set fd [open $job w]
  puts $fd "{\"tables\": \[[join $tj {, }]\], \"query\": [json_string $sql],\
            \"runs\": $runs, \"timeout_ms\": [expr {int($timeout * 1000)}],\
            \"threads\": $threads}"
  close $fd
  set rc [catch {exec_plain node [file join $::bench::dir duckdb.mjs] $job 2>@1} out]
  file delete $job
  set r [dict create status ok rows {} tables $tables]
  foreach line [split $out \n] {
    set k [lindex [split $line] 0]
    set v [string range $line [string length $k]+1 end]
    switch -- $k {
      row {dict lappend r rows {*}[split $v \t]}
      times_ms {dict set r times $v}
      median_ms {dict set r median [expr {$v * 1000.0}]}
      error {dict set r status error; dict set r error $v}
      version - threads - load_ms - peak_kb - method - peak_method {
        if {$k eq "peak_method"} {set k method}
        dict set r $k $v
      }
    }
  }
  if {$rc && [dict get $r status] eq "ok"} {
    dict set r status error
    dict set r error [short [string trim $out] 200]
  }
  return $r
}

# ---- formatting ------------------------------------------------------------

# Milliseconds from microseconds, 3 significant digits.
proc bench::ms {us} {
  if {$us eq ""} {return ""}
  set ms [expr {$us / 1000.0}]
  if {$ms >= 100} {return [format %.0f $ms]}
  if {$ms >= 10} {return [format %.1f $ms]}
  if {$ms >= 1} {return [format %.2f $ms]}
  return [format %.3f $ms]
}
proc bench::ratio {a b} {
  if {$a eq "" || $b eq "" || $b <= 0} {return ""}
  set r [expr {double($a) / $b}]
  if {$r >= 100} {return [format %.0f $r]}
  if {$r >= 10} {return [format %.1f $r]}
  return [format %.2f $r]
}
proc bench::mib {kb} {
  if {$kb eq ""} {return ""}
  return [format %.1f [expr {$kb / 1024.0}]]
}

# Renders a table (header list, list of row lists) as aligned text or as
# Markdown. Columns whose header starts with ">" are right-aligned.
proc bench::render_table {header rows {markdown 0}} {
  set align {}
  set head {}
  foreach h $header {
    if {[string index $h 0] eq ">"} {
      lappend align r
      lappend head [string range $h 1 end]
    } else {
      lappend align l
      lappend head $h
    }
  }
  if {$markdown} {
    set out "| [join [lmap h $head {md_cell $h}] { | }] |\n"
    append out "|[join [lmap a $align {expr {$a eq "r" ? "---:" : ":---"}}] |]|\n"
    foreach r $rows {
      append out "| [join [lmap c $r {md_cell $c}] { | }] |\n"
    }
    return $out
  }
  set w {}
  foreach h $head {lappend w [string length $h]}
  foreach r $rows {
    set i 0
    foreach c $r {
      lset w $i [expr {max([lindex $w $i], [string length $c])}]
      incr i
    }
  }
  set out ""
  foreach r [list $head {} {*}$rows] {
    if {![llength $r]} {
      append out [join [lmap x $w {string repeat - $x}] "  "] \n
      continue
    }
    set cells {}
    foreach c $r x $w a $align {
      lappend cells [format [expr {$a eq "r" ? "%*s" : "%-*s"}] $x $c]
    }
    append out [string trimright [join $cells "  "]] \n
  }
  return $out
}
proc bench::md_cell {c} {
  return [string map {| \\| \n " "} $c]
}
