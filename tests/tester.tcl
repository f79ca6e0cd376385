# tester.tcl -- sqlite-success's small test harness, with SQLite's semantics.
#
#   source [file join [file dirname [info script]] tester.tcl]
#   set testprefix health                 ;# names print as health-1.2
#   do_execsql_test 1.2 {SELECT 1+1} {2}
#   do_catchsql_test 1.3 {SELECT f('x')} {1 {f(): x must be a number, got 'x'}}
#   do_test 1.4 {some tcl script} {expected}
#   do_eqp_test 1.5 {SELECT ...} {expected plan lines}
#   finish_test                           ;# summary line, exit 1 on failure
#
# The connection `db` is an in-memory database with the extension loaded
# from $env(SUCCESS_LIB) (default dist/success). reset_db reopens it.
#
# Comparison: results are Tcl lists compared element by element. When both
# elements are numbers and one of them is not an integer, they are equal
# within a relative tolerance of 1e-9 (absolute 1e-12 near zero); everything
# else is compared exactly. Errors are compared exactly: {1 {message}}.

package require sqlite3

set ::tester(root) [file normalize [file join [file dirname [info script]] ..]]
set ::tester(lib) [expr {[info exists ::env(SUCCESS_LIB)]
                         ? $::env(SUCCESS_LIB) : "dist/success"}]
if {[file pathtype $::tester(lib)] ne "absolute"} {
  set ::tester(lib) [file join $::tester(root) $::tester(lib)]
}
set ::tester(passed) 0
set ::tester(failed) 0
set ::tester(failures) {}
set ::tester(file) [file tail $::argv0]
if {![info exists testprefix]} {set testprefix ""}

# Opens (or reopens) connection $name on $file with the extension loaded.
proc load_success {name} {
  $name enable_load_extension 1
  $name eval {SELECT load_extension($::tester(lib))}
}
proc open_db {name {file :memory:}} {
  sqlite3 $name $file
  load_success $name
}
proc reset_db {} {
  catch {db close}
  open_db db
}
reset_db

proc tester_name {name} {
  if {$::testprefix ne ""} {return "$::testprefix-$name"}
  return $name
}

proc is_number {x} {
  expr {[string is double -strict $x] && ![string is integer -strict $x]
        || [string is wideinteger -strict $x]}
}

# 1 when a and b are equal under the tolerance rule above.
proc values_equal {a b} {
  if {$a eq $b} {return 1}
  if {![string is double -strict $a] || ![string is double -strict $b]} {
    return 0
  }
  if {[string is wideinteger -strict $a] && [string is wideinteger -strict $b]} {
    return 0
  }
  if {[catch {expr {abs(double($a) - double($b))}} diff]} {return 0}
  set scale [expr {max(abs(double($a)), abs(double($b)))}]
  if {$diff <= 1e-12} {return 1}
  return [expr {$diff <= 1e-9 * $scale}]
}

proc results_equal {got expected} {
  if {[catch {llength $got} n1] || [catch {llength $expected} n2]} {
    return [expr {$got eq $expected}]
  }
  if {$n1 != $n2} {return 0}
  foreach g $got e $expected {
    if {![values_equal $g $e]} {
      # nested lists (e.g. {1 {message}}) compare exactly
      return 0
    }
  }
  return 1
}

proc tester_record {name ok got expected} {
  set full [tester_name $name]
  if {$ok} {
    incr ::tester(passed)
    if {[info exists ::env(TEST_VERBOSE)]} {puts "$full ok"}
  } else {
    incr ::tester(failed)
    lappend ::tester(failures) $full
    puts "! $::tester(file) $full failed"
    foreach {label text} [list expected $expected "got     " $got] {
      set lines [split "\[$text\]" \n]
      puts "!   $label: [lindex $lines 0]"
      foreach l [lrange $lines 1 end] {puts "!   $l"}
    }
  }
}

# Runs script; compares its result with expected (tolerant compare).
proc do_test {name script expected} {
  if {[catch {uplevel 1 $script} got]} {
    set got "error: $got"
  }
  tester_record $name [results_equal $got $expected] $got $expected
}

proc do_execsql_test {name sql expected} {
  if {[catch {uplevel 1 [list db eval $sql]} got]} {
    set got "error: $got"
  }
  tester_record $name [results_equal $got $expected] $got $expected
}

# expected is {0 {rows}} or {1 {exact error message}}
proc catchsql {sql {conn db}} {
  set rc [catch {uplevel 1 [list $conn eval $sql]} res]
  return [list $rc $res]
}
proc do_catchsql_test {name sql expected} {
  set got [uplevel 1 [list catchsql $sql]]
  set ok [expr {[lindex $got 0] == [lindex $expected 0]}]
  if {$ok} {
    if {[lindex $got 0]} {
      set ok [expr {[lindex $got 1] eq [lindex $expected 1]}]
    } else {
      set ok [results_equal [lindex $got 1] [lindex $expected 1]]
    }
  }
  tester_record $name $ok $got $expected
}

# The plan's detail lines, one per line, indented by depth like the shell's
# EXPLAIN QUERY PLAN (two spaces per level). expected: the same lines;
# leading/trailing blank lines and common indentation are ignored.
proc query_plan {sql} {
  set lines {}
  set depth(0) -1
  db eval "EXPLAIN QUERY PLAN $sql" {
    set d [expr {[info exists depth($parent)] ? $depth($parent) + 1 : 0}]
    set depth($id) $d
    lappend lines "[string repeat {  } $d]$detail"
  }
  return [join $lines \n]
}
proc normalize_plan {text} {
  set lines {}
  foreach l [split [string trim $text \n] \n] {
    if {[string trim $l] ne ""} {lappend lines $l}
  }
  set indent 1000
  foreach l $lines {
    regexp {^( *)} $l -> sp
    set indent [expr {min($indent, [string length $sp])}]
  }
  set out {}
  foreach l $lines {lappend out [string trimright [string range $l $indent end]]}
  return [join $out \n]
}
proc do_eqp_test {name sql expected} {
  if {[catch {query_plan $sql} got]} {set got "error: $got"}
  set expected [normalize_plan $expected]
  tester_record $name [expr {$got eq $expected}] $got $expected
}

# Runs body once per row of a table of cases: foreach_case {a b} {1 2 3 4} {...}
proc foreach_case {vars cases body} {
  uplevel 1 [list foreach $vars $cases $body]
}

proc finish_test {} {
  catch {db close}
  puts "$::tester(file): $::tester(passed) passed, $::tester(failed) failed"
  exit [expr {$::tester(failed) ? 1 : 0}]
}
