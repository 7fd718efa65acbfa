package state_test

import (
	"fmt"

	"github.com/corogo/coro/state"
)

// Two contexts pass control back and forth; neither runs unless the other
// transfers to it.
func Example() {
	state.Run(func() {
		main := state.Current()
		var ping, pong *state.State
		ping = state.New(func() {
			for i := range 3 {
				fmt.Println("ping", i)
				ping.Transfer(pong)
			}
			ping.Transfer(main)
		})
		pong = state.New(func() {
			for {
				fmt.Println("pong")
				pong.Transfer(ping)
			}
		})
		main.Transfer(ping)
		fmt.Println("back in main; pong is", pong.Status())
	})
	// Output:
	// ping 0
	// pong
	// ping 1
	// pong
	// ping 2
	// pong
	// back in main; pong is suspended
}

// Cancelling a suspended context runs its deferred calls on its own stack.
func ExampleState_Cancel() {
	state.Run(func() {
		main := state.Current()
		var worker *state.State
		worker = state.New(func() {
			defer fmt.Println("worker cleans up")
			worker.Transfer(main)
		})
		main.Transfer(worker)
		worker.Cancel()
		fmt.Println("worker is", worker.Status())
	})
	// Output:
	// worker cleans up
	// worker is done
}
