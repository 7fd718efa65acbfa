// Package state provides Coro::State: execution contexts with stacks of
// their own, between which control passes only by explicit Transfer. It is
// the layer the sched package's coroutines are built on.
//
// A host is one goroutine that runs contexts: Run makes the calling
// goroutine a host with the given function as its main context. Exactly one
// context of a host runs at a time; Transfer suspends the running one and
// resumes another. Any number of hosts may run in parallel, each on its own
// goroutine; a context belongs to one host for life.
//
// # Engines
//
// The engine that switches stacks is chosen at start-up and reported by
// Engine. The portable engine runs every context on a goroutine of its own
// and passes control with the runtime's coroutine switch (the one under
// iter.Pull): a Transfer is one switch, with no hub goroutine in between.
// It is safe under the race detector and every GC setting. The turbo
// engine (linux on amd64 and arm64) runs all contexts of a host on one goroutine, each
// on a stack of its own (64 KiB unless the StackSize option says more),
// and switches in assembly; its frame chain keeps suspended stacks visible
// to the garbage collector
// (chain.go). Run then starts the host goroutine itself and waits for it.
// CORO_ENGINE selects an engine ("portable", "turbo" or "auto"); see
// Engine for the conditions the turbo engine needs, and the README for
// its limits. On both engines a context inside a cgo callback cannot
// transfer until the callback returns. On both engines a context has
// profiler labels of its own
// (runtime/pprof), as a goroutine has, starting with those of the context
// that first transfers to it.
//
// # Ending
//
// A context ends when its function returns, calls runtime.Goexit, or is
// cancelled; its deferred calls run on its own stack in every case, and the
// context chosen by its OnExit option (by default the host's main context)
// resumes. A panic that escapes a context ends the host: main resumes with
// a panic whose value is a *PanicError holding the original value, the
// context's description and its stack. When main returns, Run cancels the
// contexts left.
package state
