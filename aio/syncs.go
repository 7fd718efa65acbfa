package aio

import "golang.org/x/sys/unix"

// Sync commits the buffers of every file system to disk (aio_sync:
// sync(2), which reports no error).
func Sync() error {
	return run(func() error {
		unix.Sync()
		return nil
	})
}

// Pathsync opens name to read, commits it to disk and closes it
// (aio_pathsync): made for a directory, after a rename or an unlink in
// it, so that the change of names is on disk; it works for anything that
// opens to read.
func Pathsync(name string) error {
	f, err := Open(name)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
