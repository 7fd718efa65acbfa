package bench

import (
	_ "embed"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

//go:embed cede.pl
var perlCedeScript string

// PerlCedeRoundTrip times Perl Coro's cede round trip (main and one async
// ceding to each other) with the script cede.pl, in ns per round trip. It
// returns an error when perl or Coro is missing.
func PerlCedeRoundTrip(rounds int) (float64, error) {
	out, err := exec.Command("perl", "-e", perlCedeScript, strconv.Itoa(rounds)).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("bench: perl Coro: %v: %s", err, strings.TrimSpace(string(out)))
	}
	ns, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil {
		return 0, fmt.Errorf("bench: perl Coro printed %q: %w", out, err)
	}
	return ns, nil
}
