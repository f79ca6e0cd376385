# all.tcl -- runs every tests/*.test in its own tclsh process, prints each
# file's summary and a final "N passed, N failed" line; exits non-zero when
# any test failed or any file did not finish (crash, sanitizer abort).
#
#   tclsh tests/all.tcl [glob-pattern ...]     e.g. tclsh tests/all.tcl pareto*
#
# The environment (SUCCESS_LIB, LD_PRELOAD, ASAN_OPTIONS...) is passed on.

set dir [file dirname [file normalize [info script]]]
cd [file dirname $dir]
set patterns [expr {[llength $argv] ? $argv : {*}}]
set files {}
foreach p $patterns {
  foreach f [lsort [glob -nocomplain -directory $dir $p.test]] {
    if {$f ni $files} {lappend files $f}
  }
}

set total_passed 0
set total_failed 0
set broken {}
set tclsh [info nameofexecutable]
set started [clock milliseconds]
foreach f $files {
  set name [file tail $f]
  set t0 [clock milliseconds]
  set rc [catch {exec $tclsh $f 2>@1} out opts]
  set ms [expr {[clock milliseconds] - $t0}]
  if {[regexp -line "^[string map {. \\.} $name]: (\\d+) passed, (\\d+) failed$" \
         $out -> p fl]} {
    incr total_passed $p
    incr total_failed $fl
    foreach line [split $out \n] {
      if {[string match "!*" $line] || [string match "# *" $line]} {puts $line}
    }
    puts [format "%-28s %5d passed, %3d failed  (%.1f s)" $name $p $fl \
              [expr {$ms / 1000.0}]]
    if {$rc && $fl == 0} {
      lappend broken $name
      puts "! $name exited with an error after its summary:"
      puts $out
    }
  } else {
    lappend broken $name
    incr total_failed
    puts "! $name did not finish (counted as one failure); its output:"
    puts $out
  }
}
set secs [expr {([clock milliseconds] - $started) / 1000.0}]
puts [format "%d files in %.1f s" [llength $files] $secs]
if {[llength $broken]} {puts "did not finish cleanly: $broken"}
puts "$total_passed passed, $total_failed failed"
exit [expr {($total_failed || [llength $broken] || ![llength $files]) ? 1 : 0}]
