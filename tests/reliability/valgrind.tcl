# valgrind.tcl -- runs every tests/*.test (or those matching the patterns)
# under valgrind memcheck, a few at a time, like tests/all.tcl.
#
#   tclsh tests/reliability/valgrind.tcl [-j N] [glob-pattern ...]
#
# A file fails when its tests fail or when valgrind reports an error:
# invalid reads/writes, uses of uninitialised values, or a DEFINITE leak
# (--errors-for-leak-kinds=definite). Tcl's own allocator keeps blocks until
# exit that valgrind calls "possibly lost"; those are not counted. Child
# processes (dist/unit, the sqlite3 shell) are not traced.
# Output: per file "name  N passed, N failed  (valgrind: ok | N errors)",
# then "N passed, N failed".

set dir [file dirname [file dirname [file normalize [info script]]]]
cd [file dirname $dir]
set jobs 2
if {[lindex $argv 0] eq "-j"} {
  set jobs [lindex $argv 1]
  set argv [lrange $argv 2 end]
}
set patterns [expr {[llength $argv] ? $argv : {*}}]
set files {}
foreach p $patterns {
  foreach f [lsort [glob -nocomplain -directory $dir $p.test]] {
    if {$f ni $files} {lappend files $f}
  }
}
set supp [file join $dir reliability valgrind.supp]
set vg [list valgrind --quiet --leak-check=full --show-leak-kinds=definite \
          --errors-for-leak-kinds=definite --error-exitcode=99 \
          --suppressions=$supp --num-callers=30]
set tclsh [info nameofexecutable]
set queue $files
set running 0
set total_passed 0
set total_failed 0
set bad {}
set started [clock milliseconds]

proc start_next {} {
  global queue running vg tclsh out
  if {![llength $queue]} return
  set f [lindex $queue 0]
  set queue [lrange $queue 1 end]
  set chan [open |[concat $vg [list $tclsh $f] [list 2>@1]] r]
  fconfigure $chan -blocking 0
  set out($chan) ""
  incr running
  fileevent $chan readable [list collect $chan $f]
}

proc collect {chan f} {
  global out running total_passed total_failed bad
  append out($chan) [read $chan]
  if {![eof $chan]} return
  fconfigure $chan -blocking 1
  set rc [catch {close $chan} msg opts]
  set text $out($chan)
  unset out($chan)
  set name [file tail $f]
  set code 0
  if {$rc} {
    set ec [dict get $opts -errorcode]
    if {[lindex $ec 0] eq "CHILDSTATUS"} {set code [lindex $ec 2]} else {set code -1}
  }
  set nerr [regexp -all -line {^==\d+== (Invalid|Conditional|Use of uninit|Mismatched|Syscall param|.*definitely lost)} $text]
  set vgstate [expr {$code == 99 || $nerr ? "valgrind: errors" : "valgrind: ok"}]
  if {[regexp -line "^[string map {. \\.} $name]: (\\d+) passed, (\\d+) failed$" $text -> p fl]} {
    incr total_passed $p
    incr total_failed $fl
    puts [format "%-28s %5d passed, %3d failed  (%s)" $name $p $fl $vgstate]
  } else {
    incr total_failed
    puts [format "%-28s did not finish  (%s); the end of its output:" $name $vgstate]
    puts [join [lrange [split $text \n] end-20 end] \n]
    set code 98
  }
  if {$code != 0 || $nerr} {
    lappend bad $name
    foreach line [split $text \n] {
      if {[string match "==*" $line] || [string match "!*" $line]} {puts $line}
    }
  }
  incr running -1
  start_next
  if {$running == 0} {set ::done 1}
}

for {set i 0} {$i < $jobs} {incr i} {start_next}
if {$running} {vwait ::done}
set secs [expr {([clock milliseconds] - $started) / 1000.0}]
puts [format "%d files under valgrind in %.1f s" [llength $files] $secs]
if {[llength $bad]} {puts "valgrind or test failures in: $bad"}
puts "$total_passed passed, [expr {$total_failed + [llength $bad] * ($total_failed == 0)}] failed"
exit [expr {($total_failed || [llength $bad] || ![llength $files]) ? 1 : 0}]
