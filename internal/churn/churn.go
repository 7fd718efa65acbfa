// Package churn keeps the garbage collector busy for the torture tests:
// goroutines that allocate and drop memory until told to stop.
package churn

import "sync"

// Start begins the churn on two goroutines and returns the function that
// stops it and waits for them.
func Start() (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			var keep [][]byte
			for {
				select {
				case <-done:
					return
				default:
				}
				keep = append(keep, make([]byte, 1<<10))
				if len(keep) > 512 {
					keep = nil
				}
			}
		})
	}
	return func() {
		close(done)
		wg.Wait()
	}
}
