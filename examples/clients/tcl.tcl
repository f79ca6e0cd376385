# Tcl client: the sqlite3 Tcl package loads sqlite-success.
#
#   tclsh examples/clients/tcl.tcl [DB [LIB [QUERIES]]]
#
# Defaults: examples/demo.db, dist/success, examples/clients/queries.sql.
# Prints each query of queries.sql as "== name ==", a header line and rows,
# columns separated by "|", NULL as nothing (the format of every client).
package require sqlite3

# {name sql ...}: a query starts at "-- query: name", ends at ';' EOL.
proc read_queries {path} {
  set fd [open $path]
  fconfigure $fd -encoding utf-8
  set text [read $fd]
  close $fd
  set queries {}
  set name ""
  foreach line [split $text \n] {
    if {$name eq ""} {
      if {[regexp {^-- query: (.*)$} $line -> name]} {
        set name [string trim $name]
        set lines {}
      }
    } else {
      lappend lines $line
      if {[string match *\; [string trimright $line]]} {
        lappend queries $name [join $lines \n]
        set name ""
      }
    }
  }
  return $queries
}

# Sourced by tests/clients.test for read_queries only.
if {[file normalize $::argv0] ne [file normalize [info script]]} return

set root [file normalize [file join [file dirname [info script]] .. ..]]
lassign $argv dbfile lib qfile
if {$dbfile eq ""} {set dbfile [file join $root examples demo.db]}
if {$lib eq ""} {set lib [file join $root dist success]}
if {$qfile eq ""} {set qfile [file join $root examples clients queries.sql]}

sqlite3 conn $dbfile -readonly 1
conn enable_load_extension 1
conn eval {SELECT load_extension($lib)} ;# entry point: sqlite3_success_init
conn enable_load_extension 0
fconfigure stdout -encoding utf-8
foreach {name sql} [read_queries $qfile] {
  puts "== $name =="
  set header 1
  # (a leading newline: eval would take SQL starting with "--" for an option)
  conn eval \n$sql row {
    if {$header} {
      puts [join $row(*) |]
      set header 0
    }
    set cells {}
    foreach c $row(*) {lappend cells $row($c)}
    puts [join $cells |]
  }
}
conn close
