//go:build cgo

package cgotest

/*
int callBack(int id);
*/
import "C"

// callbackHook is what the callback runs: a test's code, inside a cgo
// callback.
var callbackHook func(id int) int

//export goCallback
func goCallback(id C.int) C.int { return C.int(callbackHook(int(id))) }

// CallBack calls C, which calls back into Go: callbackHook(id).
func CallBack(id int) int { return int(C.callBack(C.int(id))) }
