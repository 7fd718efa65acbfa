// Package aio is Coro::AIO, Coro::Handle and Coro::Socket for Go: file
// requests and sockets that suspend only the calling coroutine, while the
// scheduler runs the others.
//
// Every request corresponds to an IO::AIO request, without the callback:
// it returns what the callback would receive, with Go errors
// (*fs.PathError where package os would give one). A File implements the
// io interfaces, so bufio, io.Copy and the rest of the standard library
// work inside coroutines. A request on a handle in IO::AIO is a File's
// method here (aio_stat on a handle is File.Stat); aio_seek is File.Seek,
// made at once, as lseek only sets a number; and aio_group, which bundles
// requests under one callback, has no twin: coroutines that Join are
// that bundle. A Dir, from OpenDir, is aio_wd's working directory: its
// methods are the path requests, with relative names resolved in a
// directory opened once, which a rename of it does not change.
//
// # The event loop
//
// The first request of a scheduler gives it an event loop, which the
// scheduler waits in when no coroutine is ready (sched.Poller). Requests go
// to the kernel through io_uring; where io_uring cannot be used (kernel
// setting, seccomp, qemu-user) or when CORO_AIO=pool, a pool of worker
// threads makes the same system calls, and Backend says which serves and
// why. CORO_AIO=uring demands io_uring: where it cannot be used, the
// request that makes a loop panics, saying why. CORO_AIO=auto, or unset,
// is the default; any other value stops the program at start-up. The
// ring carries opens, stats, reads, writes, syncs, closes and socket
// waits, and where the kernel has their opcodes the path requests
// Unlink, Rmdir, Mkdir, Rename, Rename2, Link and Symlink, a Dir's too
// (unlinkat and renameat came in Linux 5.11; mkdirat, linkat and
// symlinkat in 5.15): a kernel without one sends just those requests to
// the pool. Requests that io_uring has no opcode for always go to the
// pool. The ring's kernel workers for file work are capped at one, so
// that a scheduler stays within two busy threads: the path requests of
// many coroutines are made one after another, where many goroutines'
// would be made at once. Syncs, which wait on the disk rather than a
// core, lift the cap to 16 while two or more are in flight; the workers
// this starts idle for some seconds after, and until they end take other
// file work too.
// As in Coro, the loop runs when the scheduler idles: requests reach the
// kernel and results come back then, or when a coroutine that computes
// without pause calls sched.Poll. A Read or ReadAt of up to 64 KiB whose
// data is in the page cache is copied at once, without a request, where
// the file system can tell (ext4 can; tmpfs and overlayfs cannot, and
// their reads are all requests); a file opened with O_DIRECT always reads
// by requests, as its reads bypass the cache. On Linux 6.1 and
// later the kernel also keeps the completion work of socket requests for
// the scheduler's next wait in the ring, where it runs as a batch, instead
// of interrupting the scheduler's thread for each one.
//
// A scheduler runs its coroutines on one thread, so the kernel work of
// requests that complete at once (cached reads, opens) is done on that
// thread too. For cached reads, a scheduler takes a second thread while a
// core is spare, that is, while no more than half of GOMAXPROCS (as it
// was when the loop was made) are taken by schedulers that are not
// waiting idle: its copier. A coroutine whose cached read finds the
// copier running and free, and another coroutine ready, hands the read
// over and lets the others run until it is done, while the scheduler's
// thread copies the next reads itself; with nothing else left to run it
// takes back a read the copier has not begun. Such a read lets other
// coroutines run, as any request does, and as with a request, a Throw or
// Cancel that comes meanwhile waits for the copy, which is then given
// back as a request's is (below).
// CORO_COPIER=off keeps every read on the scheduler's thread. To
// spread all the work over several cores, as goroutines do, run one
// scheduler per core, each on its own goroutine, with a share of the
// coroutines: each gets its own event loop (coro bench measures both
// ways).
//
// A request's priority follows its coroutine's (sched.PrioMax most
// urgent), as Coro::AIO's does, mapped onto the kernel's best-effort I/O
// priority levels.
//
// # Sockets
//
// Listen, Dial, DialTimeout and ListenPacket give TCP, UDP and unix-domain
// sockets as net.Listener, net.Conn and net.PacketConn, so the standard
// library's protocol code runs on coroutines. Their descriptors are
// non-blocking: a call that would block waits through the event loop
// instead. As in package net: deadlines (a call begun after its deadline
// fails at once, and one that passes ends the waits in progress), Close
// waking the waiters with net.ErrClosed, reads that take turns, Writes
// that never interleave,
// TCP connections with TCP_NODELAY and 15-second keep-alive, IPV6_V6ONLY
// for "tcp6" and "udp6", and the resolver's errors. A connection also has
// CloseRead and CloseWrite, and on TCP SetNoDelay, SetKeepAlive and
// SetKeepAlivePeriod, reached through an interface assertion.
// A socket belongs to the scheduler whose coroutines first wait on it
// (a Dial, an Accept, any read on io_uring, or a read or write that
// cannot go on at once): the loop keeps a record of it. While that
// scheduler runs, a coroutine of another that reads, writes or waits on
// the socket, sets its deadlines or closes it panics; Scheduler.Post reaches the owner's
// coroutines. A socket not yet waited on may be handed over, and so may
// one whose scheduler has ended.
// Unlike package os's files and package net's sockets, a File or a
// socket has no finalizer: one that is never closed keeps its descriptor
// until the process exits. A scheduler runs
// on one thread, so a server
// that wants every core runs a scheduler per core, each with a listener of
// its own on the one address (ListenConfig's ReusePort), and Serve runs
// a coroutine per connection.
//
// A coroutine cancelled while its request is in flight asks the kernel to
// cancel it and, unwinding, waits for the completion: until then the kernel
// may still use the request's memory, and the completion never reaches
// another coroutine. What the request produced meanwhile is dropped (an
// open's descriptor is closed), but for what a read took: a socket's, a
// pipe's or a device's is returned by the next Read, and a Read of a file
// cut short leaves its position where it was, so nothing read is lost. A
// Close is never cut short. No cancel
// reaches an open that waits: an open of a FIFO to write, which waits for
// a reader on a pool worker with either backend, ends only when one comes,
// and a cancel or a timeout waits until then. On the thread pool a read or write
// that waits for a pipe, a socket or a terminal stops at the cancel (a
// write to a pipe or socket goes at most 4 KiB at a time there, the room
// its readiness promises; a large one to a terminal may still block), but
// a request a worker has started otherwise runs to its end, and the
// cancelled coroutine, or Run ending, waits for it: an open of a FIFO to
// read waits for the other end there, and so do the requests io_uring has
// no opcode for (Sendfile, ReadV, WriteV), which run on a pool helper
// there. A write to a device other than a terminal is made on a pool
// worker with either backend without waiting for readiness, which such a
// device may never report (/dev/kmsg), and no cancel reaches it.
package aio
