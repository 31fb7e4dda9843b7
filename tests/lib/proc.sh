# shellcheck shell=bash
# Shared by the tests and benchmarks that start servers (sourced, not run).
#
# stop_pid PID: end a process the caller started: TERM, up to 5 s for it to
# go, then KILL; reaped when it is the caller's child.  No-op for "".
stop_pid() {
	local pid=$1 i
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}
