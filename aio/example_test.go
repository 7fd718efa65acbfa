package aio_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"

	"github.com/corogo/coro/aio"
	"github.com/corogo/coro/sched"
)

// Two coroutines read files at once; neither blocks the other.
func Example() {
	dir, _ := os.MkdirTemp("", "aio-example")
	defer os.RemoveAll(dir)
	for _, name := range []string{"one", "two"} {
		os.WriteFile(filepath.Join(dir, name), []byte("first line of "+name+"\nsecond\n"), 0o644)
	}

	sched.Run(func() {
		var readers []*sched.Coro
		for _, name := range []string{"one", "two"} {
			readers = append(readers, sched.Async(func() any {
				f, err := aio.Open(filepath.Join(dir, name))
				if err != nil {
					return err
				}
				defer f.Close()
				line, err := bufio.NewReader(f).ReadString('\n')
				if err != nil {
					return err
				}
				return line
			}))
		}
		for _, r := range readers {
			line, _ := r.Join()
			fmt.Print(line)
		}
	})
	// Output:
	// first line of one
	// first line of two
}
