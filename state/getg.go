package state

import "unsafe"

// getg returns the calling goroutine's runtime g (getg_amd64.s,
// getg_arm64.s). The runtime never frees a g (allgs keeps them), so its
// address identifies the goroutine for as long as it runs; ginfo.go reads
// a few fields at offsets that a test checks against DWARF.
func getg() unsafe.Pointer
