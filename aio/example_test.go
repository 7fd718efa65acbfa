package aio_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"golang.org/x/sys/unix"

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

// A server that uses every core: a scheduler per core, each accepting on
// a listener of its own, all on one address. Each connection stays with
// the scheduler that accepted it.
func ExampleListenConfig() {
	var (
		servers    sync.WaitGroup
		schedulers []*sched.Scheduler
		listeners  []net.Listener
	)
	addr := "127.0.0.1:0" // the first listener's port, once it has one
	for range runtime.GOMAXPROCS(0) {
		s := sched.New()
		listening := make(chan net.Listener)
		servers.Go(func() {
			s.Run(func() {
				lc := aio.ListenConfig{ReusePort: true}
				ln, err := lc.Listen("tcp4", addr)
				if err != nil {
					fmt.Println(err)
					close(listening)
					return
				}
				listening <- ln
				aio.Serve(ln, func(c net.Conn) { io.Copy(c, c) })
			})
		})
		ln, ok := <-listening
		if !ok {
			return
		}
		schedulers, listeners = append(schedulers, s), append(listeners, ln)
		addr = ln.Addr().String()
	}

	for i := range 3 { // clients on ordinary goroutines, with package net
		c, err := net.Dial("tcp4", addr)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Fprintf(c, "request %d\n", i)
		line, _ := bufio.NewReader(c).ReadString('\n')
		fmt.Print(line)
		c.Close()
	}

	// A listener is closed in its own scheduler, as every aio call is made;
	// its Accept then fails, and its scheduler's Run returns.
	for i, s := range schedulers {
		s.Post(func() { listeners[i].Close() })
	}
	servers.Wait()
	// Output:
	// request 0
	// request 1
	// request 2
}

// Readdirx lists a directory with each entry's type, here directories
// first, in the order that stats them fastest (aio_readdirx).
func ExampleReaddirx() {
	dir, _ := os.MkdirTemp("", "aio-example")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o644)
	os.Mkdir(filepath.Join(dir, "src"), 0o755)

	sched.Run(func() {
		entries, _, err := aio.Readdirx(dir, aio.ReaddirDirsFirst)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, e := range entries {
			fmt.Println(e.Name, e.Type == unix.DT_DIR)
		}
	})
	// Output:
	// src true
	// notes.txt false
}

// A Dir keeps to its directory when the directory is renamed, as
// aio_wd's object does: a name is resolved in the directory it opened,
// not from the path it was opened with.
func ExampleOpenDir() {
	tmp, _ := os.MkdirTemp("", "aio-example")
	defer os.RemoveAll(tmp)
	os.Mkdir(filepath.Join(tmp, "spool"), 0o755)

	sched.Run(func() {
		d, err := aio.OpenDir(filepath.Join(tmp, "spool"))
		if err != nil {
			fmt.Println(err)
			return
		}
		defer d.Close()
		os.Rename(filepath.Join(tmp, "spool"), filepath.Join(tmp, "spool.old"))

		f, err := d.Create("job")
		if err != nil {
			fmt.Println(err)
			return
		}
		f.Write([]byte("work"))
		f.Close()
		names, _ := aio.Readdir(filepath.Join(tmp, "spool.old"))
		fmt.Println("spool.old holds", names)
		now, _ := d.Realpath(".")
		fmt.Println("the Dir is", filepath.Base(now))
		_, err = d.Stat("missing")
		fmt.Println(err)
	})
	// Output:
	// spool.old holds [job]
	// the Dir is spool.old
	// statat missing: no such file or directory
}
