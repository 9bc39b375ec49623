//go:build race

package main

// The race detector's shadow memory multiplies a process's resident set,
// so peak-RSS bounds are not asserted under -race.
const raceEnabled = true
