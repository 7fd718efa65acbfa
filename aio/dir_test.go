package aio_test

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corogo/coro/aio"
	"github.com/corogo/coro/sched"
)

// wdTree makes a directory wd in a temporary directory, holding a file f,
// a directory sub and a symbolic link ln to f, and returns wd's name.
func wdTree(t *testing.T) string {
	t.Helper()
	wd := filepath.Join(t.TempDir(), "wd")
	must(t, os.MkdirAll(filepath.Join(wd, "sub"), 0o755))
	must(t, os.WriteFile(filepath.Join(wd, "f"), []byte("contents"), 0o644))
	must(t, os.Symlink("f", filepath.Join(wd, "ln")))
	return wd
}

// openDir opens name as a Dir, which the caller closes (within its
// scheduler, where every aio call is made).
func openDir(t *testing.T, name string) *aio.Dir {
	t.Helper()
	d, err := aio.OpenDir(name)
	must(t, err)
	return d
}

// sameInfo reports how a, from a Dir, differs from b, from package os.
func sameInfo(a, b fs.FileInfo) string {
	if a.Name() != b.Name() || a.Size() != b.Size() || a.Mode() != b.Mode() || !a.ModTime().Equal(b.ModTime()) {
		return fs.FormatFileInfo(a) + " != " + fs.FormatFileInfo(b)
	}
	return ""
}

// Each method of a Dir does to a name in its directory what package os
// does to the name joined to the directory's.
func TestDirMatchesOS(t *testing.T) {
	backends(t, func(t *testing.T) {
		wd := wdTree(t)
		in := func(name string) string { return wd + "/" + name } // uncleaned: os names wd/. "." too
		runSched(t, func() {
			d := openDir(t, wd)
			defer d.Close()
			if d.Name() != wd {
				t.Errorf("Name = %q, want %q", d.Name(), wd)
			}

			for _, name := range []string{"f", "ln", "sub", "."} {
				fi, err := d.Stat(name)
				want, _ := os.Stat(in(name))
				if err != nil || sameInfo(fi, want) != "" {
					t.Errorf("Stat(%q) = %v, %v", name, sameInfo(fi, want), err)
				}
				fi, err = d.Lstat(name)
				want, _ = os.Lstat(in(name))
				if err != nil || sameInfo(fi, want) != "" {
					t.Errorf("Lstat(%q) = %v, %v", name, sameInfo(fi, want), err)
				}
			}

			f, err := d.Open("f")
			must(t, err)
			b, err := io.ReadAll(f)
			must(t, f.Close())
			if err != nil || string(b) != "contents" || f.Name() != in("f") {
				t.Errorf("Open(f): %q, %v, named %q", b, err, f.Name())
			}
			f, err = d.Create("new")
			must(t, err)
			_, err = f.Write([]byte("made"))
			must(t, err)
			must(t, f.Close())
			f, err = d.OpenFile("new", os.O_WRONLY|os.O_APPEND, 0)
			must(t, err)
			_, err = f.Write([]byte(" here"))
			must(t, err)
			must(t, f.Close())
			if b, _ := os.ReadFile(in("new")); string(b) != "made here" {
				t.Errorf("Create and OpenFile wrote %q", b)
			}

			must(t, d.Mkdir("m", 0o750))
			must(t, os.Mkdir(in("m-os"), 0o750))
			if got, want := statMode(t, in("m")), statMode(t, in("m-os")); got != want {
				t.Errorf("Mkdir made %v, os.Mkdir %v", got, want)
			}
			must(t, d.Mknod("fifo", unix.S_IFIFO|0o600, 0))
			if got := statMode(t, in("fifo")); got != fs.ModeNamedPipe|0o600 {
				t.Errorf("Mknod made %v", got)
			}

			names, err := d.Readdir(".")
			slices.Sort(names)
			if want := osNames(t, wd); err != nil || !slices.Equal(names, want) {
				t.Errorf("Readdir(.) = %v, %v; os.ReadDir: %v", names, err, want)
			}
			entries, _, err := d.Readdirx(".", aio.ReaddirDirsFirst)
			if err != nil || len(entries) != len(names) || entries[0].Type != unix.DT_DIR || entries[len(entries)-1].Type == unix.DT_DIR {
				t.Errorf("Readdirx(., DirsFirst) = %v, %v; want the entries of %v, directories first", entries, err, names)
			}
			dirs, nondirs, err := d.Scandir(".")
			if err != nil || !slices.Equal(dirs, []string{"m", "m-os", "sub"}) || !slices.Equal(nondirs, []string{"f", "fifo", "ln", "new"}) {
				t.Errorf("Scandir(.) = %v %v, %v", dirs, nondirs, err)
			}

			target, err := d.Readlink("ln")
			if want, _ := os.Readlink(in("ln")); err != nil || target != want {
				t.Errorf("Readlink(ln) = %q, %v; want %q", target, err, want)
			}
			real, err := d.Realpath("ln")
			if want, _ := filepath.EvalSymlinks(in("ln")); err != nil || real != want {
				t.Errorf("Realpath(ln) = %q, %v; want %q", real, err, want)
			}

			must(t, d.Chmod("f", 0o640))
			if got := statMode(t, in("f")); got != 0o640 {
				t.Errorf("after Chmod: %v", got)
			}
			must(t, d.Chown("f", -1, -1))
			must(t, d.Chown("f", os.Getuid(), os.Getgid()))
			when := time.Date(2001, 2, 3, 4, 5, 6, 7, time.UTC)
			must(t, d.Utime("f", when, when))
			if fi, _ := os.Stat(in("f")); !fi.ModTime().Equal(when) {
				t.Errorf("after Utime: %v", fi.ModTime())
			}

			must(t, d.Truncate("f", 3))
			if b, _ := os.ReadFile(in("f")); string(b) != "con" {
				t.Errorf("after Truncate: %q", b)
			}
			// truncate(2) of a FIFO fails, and a Dir's waits for no reader.
			err, oserr := d.Truncate("fifo", 0), os.Truncate(in("fifo"), 0)
			if !errors.Is(err, unix.EINVAL) || !errors.Is(oserr, unix.EINVAL) {
				t.Errorf("Truncate(fifo) = %v; os.Truncate: %v", err, oserr)
			}
			if err, oserr := d.Truncate("sub", 0), os.Truncate(in("sub"), 0); !errors.Is(err, unix.EISDIR) || !errors.Is(oserr, unix.EISDIR) {
				t.Errorf("Truncate(sub) = %v; os.Truncate: %v", err, oserr)
			}
			st, err := d.Statvfs(".")
			var want unix.Statfs_t
			must(t, unix.Statfs(wd, &want))
			if err != nil || st.Type != want.Type || st.Fsid != want.Fsid || st.Bsize != want.Bsize {
				t.Errorf("Statvfs(.) = %+v, %v; want %+v", st, err, want)
			}

			must(t, d.Link("f", "hard"))
			if a, b := lstat(t, in("f")), lstat(t, in("hard")); !os.SameFile(a, b) {
				t.Error("Link made another file")
			}
			must(t, d.Symlink("sub", "soft"))
			if target, _ := os.Readlink(in("soft")); target != "sub" {
				t.Errorf("Symlink made a link to %q", target)
			}
			if fi, err := os.Stat(in("soft")); err != nil || !fi.IsDir() {
				t.Errorf("the link from Symlink does not reach sub, resolved from its directory: %v", err)
			}

			before := lstat(t, in("hard"))
			must(t, d.Rename("hard", "renamed"))
			if after := lstat(t, in("renamed")); !os.SameFile(before, after) {
				t.Error("Rename: renamed is another file")
			}
			other := openDir(t, t.TempDir())
			defer other.Close()
			must(t, d.RenameTo("renamed", other, "moved", 0))
			if after := lstat(t, filepath.Join(other.Name(), "moved")); !os.SameFile(before, after) {
				t.Error("RenameTo: moved is another file")
			}
			if err := other.RenameTo("moved", d, "f", unix.RENAME_NOREPLACE); !errors.Is(err, fs.ErrExist) {
				t.Errorf("RenameTo with RENAME_NOREPLACE onto a file: %v", err)
			}

			must(t, d.Unlink("soft"))
			must(t, d.Rmdir("m"))
			for _, gone := range []string{"soft", "m"} {
				if _, err := os.Lstat(in(gone)); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("%s is still there: %v", gone, err)
				}
			}

			sub, err := d.OpenDir("sub")
			must(t, err)
			defer sub.Close()
			if fi, err := sub.Stat("."); err != nil || fi.Sys().(*unix.Statx_t).Ino != lstat(t, in("sub")).Sys().(*syscall.Stat_t).Ino || sub.Name() != in("sub") {
				t.Errorf("OpenDir(sub): %q, Stat(.): %v", sub.Name(), err)
			}
		})
	})
}

// Load, Slurp, Copy, Move and Rmtree of a Dir do to a name in it what
// the package's functions do to the name joined to the directory's, and
// CopyTo and MoveTo what they do from one directory to another.
func TestDirLoadCopyMoveRmtree(t *testing.T) {
	backends(t, func(t *testing.T) {
		wd := wdTree(t)
		in := func(name string) string { return wd + "/" + name }
		runSched(t, func() {
			d := openDir(t, wd)
			defer d.Close()
			for _, name := range []string{"f", "ln"} {
				got, err := d.Load(name)
				want, werr := aio.Load(in(name))
				if err != nil || werr != nil || string(got) != string(want) {
					t.Errorf("Load(%q) = %q, %v; aio.Load: %q, %v", name, got, err, want, werr)
				}
			}
			for _, c := range []struct {
				off int64
				n   int
			}{{0, 0}, {2, 3}, {-3, 0}, {-5, 2}, {100, 0}} {
				got, err := d.Slurp("f", c.off, c.n)
				want, werr := aio.Slurp(in("f"), c.off, c.n)
				if err != nil || werr != nil || string(got) != string(want) {
					t.Errorf("Slurp(f, %d, %d) = %q, %v; aio.Slurp: %q, %v", c.off, c.n, got, err, want, werr)
				}
			}
			var pe *fs.PathError
			if _, err := d.Slurp("f", -100, 0); !errors.As(err, &pe) || pe.Op != "slurpat" || pe.Path != "f" || !errors.Is(err, unix.EINVAL) {
				t.Errorf("Slurp(f) from before the start = %v, want slurpat f: EINVAL", err)
			}

			must(t, os.Chmod(in("f"), 0o604))
			must(t, d.Copy("f", "copied"))
			sfi, cfi := lstat(t, in("f")), lstat(t, in("copied"))
			if b, _ := os.ReadFile(in("copied")); string(b) != "contents" || cfi.Mode() != sfi.Mode() || !cfi.ModTime().Equal(sfi.ModTime()) {
				t.Errorf("Copy made %q %v %v; the source is %v %v", b, cfi.Mode(), cfi.ModTime(), sfi.Mode(), sfi.ModTime())
			}
			var le *os.LinkError
			if err := d.Copy("f", "ln"); !errors.Is(err, aio.ErrSameFile) || !errors.As(err, &le) || le.Op != "copyat" || le.Old != "f" || le.New != "f" {
				t.Errorf("Copy onto a link to the source = %v, want copyat f f: ErrSameFile", err)
			}
			if b, _ := os.ReadFile(in("f")); string(b) != "contents" {
				t.Errorf("Copy onto itself left the source holding %q", b)
			}
			other := openDir(t, t.TempDir())
			defer other.Close()
			must(t, d.CopyTo("f", other, "c"))
			if b, _ := os.ReadFile(filepath.Join(other.Name(), "c")); string(b) != "contents" {
				t.Errorf("CopyTo wrote %q", b)
			}

			before := lstat(t, in("copied"))
			must(t, d.Move("copied", "moved"))
			if _, err := os.Lstat(in("copied")); !errors.Is(err, fs.ErrNotExist) || !os.SameFile(before, lstat(t, in("moved"))) {
				t.Errorf("Move left the source (%v), or moved another file", err)
			}
			must(t, d.MoveTo("moved", other, "m"))
			if !os.SameFile(before, lstat(t, filepath.Join(other.Name(), "m"))) {
				t.Error("MoveTo: m is another file")
			}

			for _, name := range []string{"sub/a/b", "sub/c"} {
				must(t, os.MkdirAll(in(name), 0o755))
			}
			must(t, os.WriteFile(in("sub/a/b/x"), nil, 0o644))
			must(t, os.Symlink(other.Name(), in("sub/out"))) // removed, not followed
			must(t, d.Rmtree("sub/"))
			if _, err := os.Lstat(in("sub")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Rmtree(sub/) left sub: %v", err)
			}
			if names := osNames(t, other.Name()); !slices.Equal(names, []string{"c", "m"}) {
				t.Errorf("Rmtree followed a link out: what it named holds %v", names)
			}
			err, aerr := d.Rmtree("sub"), aio.Rmtree(in("sub"))
			if !errors.As(err, &pe) || pe.Op != "lstatat" || pe.Path != "sub" || !errors.Is(err, fs.ErrNotExist) || !errors.Is(aerr, fs.ErrNotExist) {
				t.Errorf("Rmtree(gone) = %v; aio.Rmtree: %v", err, aerr)
			}
			if err := d.Rmtree("."); !errors.As(err, &pe) || pe.Op != "rmtreeat" || !errors.Is(err, unix.EINVAL) {
				t.Errorf("Rmtree(.) = %v, want rmtreeat .: EINVAL", err)
			}
			if _, err := os.Stat(in("f")); err != nil {
				t.Errorf("Rmtree(.) removed f: %v", err)
			}
		})
	})
}

// MoveTo a Dir on another file system copies and removes, as Move does.
func TestDirMoveToAnotherFileSystem(t *testing.T) {
	shm, err := os.MkdirTemp("/dev/shm", "dir-move")
	if err != nil {
		t.Skipf("no second file system to move to: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(shm) })
	backends(t, func(t *testing.T) {
		wd := wdTree(t)
		if lstat(t, wd).Sys().(*syscall.Stat_t).Dev == lstat(t, shm).Sys().(*syscall.Stat_t).Dev {
			t.Skipf("%s and %s are on one file system", wd, shm)
		}
		must(t, os.Chmod(filepath.Join(wd, "f"), 0o640))
		dst := filepath.Base(t.Name()) // one for each backend
		runSched(t, func() {
			d, other := openDir(t, wd), openDir(t, shm)
			defer d.Close()
			defer other.Close()
			must(t, d.MoveTo("f", other, dst))
		})
		_, err := os.Stat(filepath.Join(wd, "f"))
		b, _ := os.ReadFile(filepath.Join(shm, dst))
		if mode := statMode(t, filepath.Join(shm, dst)); !errors.Is(err, fs.ErrNotExist) || string(b) != "contents" || mode != 0o640 {
			t.Errorf("MoveTo another file system left the source (%v), or made %q, %v", err, b, mode)
		}
	})
}

func statMode(t *testing.T, name string) fs.FileMode {
	t.Helper()
	return lstat(t, name).Mode()
}

func lstat(t *testing.T, name string) fs.FileInfo {
	t.Helper()
	fi, err := os.Lstat(name)
	must(t, err)
	return fi
}

// osNames is the sorted names in directory name, by package os.
func osNames(t *testing.T, name string) []string {
	t.Helper()
	entries, err := os.ReadDir(name)
	must(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// A Dir's errors read as os.Root's, where os.Root has the request: the
// path as given, and the request's name with "at" after it.
func TestDirErrorsReadAsRoot(t *testing.T) {
	backends(t, func(t *testing.T) {
		wd := wdTree(t)
		root, err := os.OpenRoot(wd)
		must(t, err)
		defer root.Close()
		runSched(t, func() {
			d := openDir(t, wd)
			defer d.Close()
			check := func(what string, got, want error) {
				t.Helper()
				if got == nil || want == nil || got.Error() != want.Error() {
					t.Errorf("%s: %v; os.Root: %v", what, got, want)
				}
			}
			_, err := d.Open("missing")
			_, rerr := root.Open("missing")
			check("Open", err, rerr)
			_, err = d.Stat("missing")
			_, rerr = root.Stat("missing")
			check("Stat", err, rerr)
			check("Mkdir", d.Mkdir("missing/m", 0o755), root.Mkdir("missing/m", 0o755))
			_, err = d.Readlink("missing")
			_, rerr = root.Readlink("missing")
			check("Readlink", err, rerr)
			check("Chmod", d.Chmod("missing", 0o644), root.Chmod("missing", 0o644))
			check("Chown", d.Chown("missing", -1, -1), root.Chown("missing", -1, -1))
			check("Rename", d.Rename("missing", "x"), root.Rename("missing", "x"))
			check("Link", d.Link("missing", "x"), root.Link("missing", "x"))
			check("Symlink", d.Symlink("t", "missing/x"), root.Symlink("t", "missing/x"))
			_, err = d.Load("missing")
			_, rerr = root.ReadFile("missing")
			check("Load", err, rerr)
			_, err = d.Load("sub")
			_, rerr = root.ReadFile("sub")
			check("Load(a directory)", err, rerr)
			_, rerr = root.Open("missing")
			check("Copy", d.Copy("missing", "x"), rerr)
			check("Copy into a missing directory", d.Copy("f", "missing/x"), root.WriteFile("missing/x", nil, 0o644))
			_, err = aio.OpenDir(filepath.Join(wd, "f"))
			_, rerr = os.OpenRoot(filepath.Join(wd, "f"))
			check("aio.OpenDir(a file)", err, rerr)

			var pe *fs.PathError
			if _, err := d.Lstat("missing"); !errors.As(err, &pe) || pe.Op != "lstatat" || pe.Path != "missing" || !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Lstat(missing) = %v", err)
			}
			if err := d.Unlink("missing"); !errors.As(err, &pe) || pe.Op != "unlinkat" || pe.Path != "missing" {
				t.Errorf("Unlink(missing) = %v", err)
			}
			// The directory itself cannot be removed through it, as with
			// unlinkat(2) (IO::AIO falls back to the name it was made with).
			if err := d.Rmdir("."); !errors.Is(err, unix.EINVAL) {
				t.Errorf("Rmdir(.) = %v, want EINVAL", err)
			}
		})
	})
}

// Relative names resolve in the Dir, not in the current directory;
// absolute names ignore the Dir, as with the *at calls.
func TestDirRelativeAndAbsoluteNames(t *testing.T) {
	backends(t, func(t *testing.T) {
		wd := wdTree(t)
		cwd := t.TempDir()
		must(t, os.WriteFile(filepath.Join(cwd, "f"), []byte("the current directory's"), 0o644))
		t.Chdir(cwd)
		elsewhere := filepath.Join(t.TempDir(), "abs")
		runSched(t, func() {
			d := openDir(t, wd)
			defer d.Close()
			if b := load(t, d, "f"); b != "contents" {
				t.Errorf("Dir.Open(f) read %q, want the Dir's f", b)
			}
			if b, err := aio.Load("f"); err != nil || string(b) != "the current directory's" {
				t.Errorf("Load(f) = %q, %v", b, err)
			}
			f, err := d.Create(elsewhere)
			must(t, err)
			must(t, f.Close())
			if f.Name() != elsewhere {
				t.Errorf("a file made by an absolute name is called %q, want %q", f.Name(), elsewhere)
			}
			if _, err := os.Stat(elsewhere); err != nil {
				t.Errorf("Create(absolute): %v", err)
			}
			if _, err := os.Stat(filepath.Join(wd, elsewhere)); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Create(absolute) made a file under the Dir: %v", err)
			}
			must(t, d.Mkdir(elsewhere+".d", 0o755))
			if fi, err := d.Stat(elsewhere + ".d"); err != nil || !fi.IsDir() {
				t.Errorf("Stat(absolute) = %v, %v", fi, err)
			}
			if b, err := d.Load("f"); err != nil || string(b) != "contents" {
				t.Errorf("Dir.Load(f) = %q, %v; want the Dir's f", b, err)
			}
			must(t, d.Copy("f", elsewhere+".copy"))
			if b, _ := os.ReadFile(elsewhere + ".copy"); string(b) != "contents" {
				t.Errorf("Copy to an absolute name wrote %q", b)
			}
			must(t, d.Rmtree(elsewhere+".d"))
			if _, err := os.Stat(elsewhere + ".d"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Rmtree(absolute) left it: %v", err)
			}
			must(t, d.Rename(elsewhere, "came-in"))
			if _, err := os.Stat(filepath.Join(wd, "came-in")); err != nil {
				t.Errorf("Rename of an absolute name to a relative one: %v", err)
			}
			sub, err := d.OpenDir(cwd)
			must(t, err)
			defer sub.Close()
			if sub.Name() != cwd || load(t, sub, "f") != "the current directory's" {
				t.Errorf("OpenDir(absolute) is called %q", sub.Name())
			}
		})
	})
}

// load reads name through d.
func load(t *testing.T, d *aio.Dir, name string) string {
	t.Helper()
	f, err := d.Open(name)
	must(t, err)
	defer f.Close()
	b, err := io.ReadAll(f)
	must(t, err)
	return string(b)
}

// A Dir stays in its directory when the directory is renamed, and
// another made at the old name changes nothing: the point of aio_wd.
func TestDirFollowsItsDirectoryAcrossARename(t *testing.T) {
	backends(t, func(t *testing.T) {
		wd := wdTree(t)
		moved := filepath.Join(filepath.Dir(wd), "moved")
		runSched(t, func() {
			d := openDir(t, wd)
			defer d.Close()
			must(t, os.Rename(wd, moved))
			must(t, os.Mkdir(wd, 0o755)) // an impostor at the old name
			f, err := d.Create("made-after")
			must(t, err)
			must(t, f.Close())
			if _, err := os.Stat(filepath.Join(moved, "made-after")); err != nil {
				t.Errorf("Create after the rename: %v", err)
			}
			if names := osNames(t, wd); len(names) != 0 {
				t.Errorf("the directory now at the old name got %v", names)
			}
			if b := load(t, d, "f"); b != "contents" {
				t.Errorf("Open(f) after the rename read %q", b)
			}
			if b, err := d.Load("f"); err != nil || string(b) != "contents" {
				t.Errorf("Load(f) after the rename = %q, %v", b, err)
			}
			must(t, d.Copy("f", "copied-after"))
			if b, _ := os.ReadFile(filepath.Join(moved, "copied-after")); string(b) != "contents" {
				t.Errorf("Copy after the rename wrote %q", b)
			}
			must(t, os.Mkdir(filepath.Join(wd, "sub"), 0o755))
			must(t, d.Rmtree("sub"))
			if _, err := os.Stat(filepath.Join(moved, "sub")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Rmtree(sub) after the rename left the Dir's sub: %v", err)
			}
			if _, err := os.Stat(filepath.Join(wd, "sub")); err != nil {
				t.Errorf("Rmtree(sub) after the rename removed the impostor's: %v", err)
			}
			real, err := d.Realpath(".")
			if want, _ := filepath.EvalSymlinks(moved); err != nil || real != want {
				t.Errorf("Realpath(.) = %q, %v; want %q", real, err, want)
			}
			if d.Name() != wd {
				t.Errorf("Name = %q, want the name it was opened with, %q", d.Name(), wd)
			}
			if names := osNames(t, wd); !slices.Equal(names, []string{"sub"}) {
				t.Errorf("the directory now at the old name holds %v, want only the sub made there", names)
			}
		})
	})
}

// Every method of a closed Dir fails with fs.ErrClosed, naming the path;
// a nil Dir's with os.ErrInvalid, never as the current directory.
func TestDirAfterClose(t *testing.T) {
	backends(t, func(t *testing.T) {
		wd := wdTree(t)
		runSched(t, func() {
			d, err := aio.OpenDir(wd)
			must(t, err)
			must(t, d.Close())
			if err := d.Close(); !errors.Is(err, fs.ErrClosed) {
				t.Errorf("second Close = %v", err)
			}
			live := openDir(t, wd)
			defer live.Close()
			var nilDir *aio.Dir
			for _, c := range []struct {
				d    *aio.Dir
				want error
			}{{d, fs.ErrClosed}, {nilDir, os.ErrInvalid}} {
				for what, err := range dirCalls(c.d, live) {
					var pe *fs.PathError
					if !errors.Is(err, c.want) || c.want == fs.ErrClosed && (!errors.As(err, &pe) || pe.Path != "f") {
						t.Errorf("%s of a Dir that is %v: %v", what, c.want, err)
					}
				}
			}
			for what, err := range map[string]error{
				"RenameTo": live.RenameTo("f", d, "g", 0),
				"CopyTo":   live.CopyTo("f", d, "g"),
				"MoveTo":   live.MoveTo("f", d, "g"),
			} {
				if !errors.Is(err, fs.ErrClosed) {
					t.Errorf("%s a closed Dir: %v", what, err)
				}
			}
			if _, err := os.Stat(filepath.Join(wd, "f")); err != nil {
				t.Errorf("a failed RenameTo or MoveTo moved f: %v", err)
			}
			if d.Name() != wd {
				t.Errorf("Name after Close = %q", d.Name())
			}
		})
	})
}

// dirCalls calls each method of d on the name f, by name, and returns
// their errors; live is a Dir to rename to.
func dirCalls(d, live *aio.Dir) map[string]error {
	errs := map[string]error{}
	_, errs["OpenDir"] = d.OpenDir("f")
	_, errs["Open"] = d.Open("f")
	_, errs["Create"] = d.Create("f")
	_, errs["Stat"] = d.Stat("f")
	_, errs["Lstat"] = d.Lstat("f")
	errs["Unlink"] = d.Unlink("f")
	errs["Rmdir"] = d.Rmdir("f")
	errs["Mkdir"] = d.Mkdir("f", 0o755)
	errs["Rename"] = d.Rename("f", "g")
	errs["RenameTo"] = d.RenameTo("f", live, "g", 0)
	errs["Link"] = d.Link("f", "g")
	errs["Symlink"] = d.Symlink("g", "f")
	_, errs["Readlink"] = d.Readlink("f")
	_, errs["Realpath"] = d.Realpath("f")
	_, errs["Readdir"] = d.Readdir("f")
	_, _, errs["Readdirx"] = d.Readdirx("f", 0)
	_, _, errs["Scandir"] = d.Scandir("f")
	errs["Chmod"] = d.Chmod("f", 0o644)
	errs["Chown"] = d.Chown("f", -1, -1)
	errs["Utime"] = d.Utime("f", time.Time{}, time.Time{})
	errs["Mknod"] = d.Mknod("f", unix.S_IFIFO|0o600, 0)
	errs["Truncate"] = d.Truncate("f", 0)
	_, errs["Statvfs"] = d.Statvfs("f")
	_, errs["Load"] = d.Load("f")
	_, errs["Slurp"] = d.Slurp("f", 0, 0)
	errs["Copy"] = d.Copy("f", "g")
	errs["CopyTo"] = d.CopyTo("f", live, "g")
	errs["Move"] = d.Move("f", "g")
	errs["MoveTo"] = d.MoveTo("f", live, "g")
	errs["Rmtree"] = d.Rmtree("f")
	return errs
}

// A Close while a request that uses the Dir is in flight leaves the
// descriptor open until the request ends, as a File's does: a file
// opened meanwhile does not take its number, which the request may still
// name (a pool worker makes the open with it), and the request ends in
// the directory it began in. The methods made of several requests (Load)
// hold the Dir throughout, as the single ones (OpenFile) do.
func TestDirCloseLeavesInFlightRequestItsDirectory(t *testing.T) {
	const msg = "through the Dir"
	// Each case's request waits in a FIFO of the Dir's for the peer, the
	// FIFO's other end: one writes msg, and each returns what it read.
	for _, c := range []struct {
		name    string
		request func(d *aio.Dir) (string, error)
		peer    func(fifo string) (string, error)
	}{{
		name: "OpenFile",
		request: func(d *aio.Dir) (string, error) {
			w, err := d.OpenFile("fifo", os.O_WRONLY, 0) // waits for a reader
			if err != nil {
				return "", err
			}
			defer w.Close()
			_, err = w.Write([]byte(msg))
			return "", err
		},
		peer: func(fifo string) (string, error) {
			b, err := os.ReadFile(fifo)
			return string(b), err
		},
	}, {
		name: "Load",
		request: func(d *aio.Dir) (string, error) {
			b, err := d.Load("fifo") // waits for a writer
			return string(b), err
		},
		peer: func(fifo string) (string, error) { return "", os.WriteFile(fifo, []byte(msg), 0) },
	}} {
		t.Run(c.name, func(t *testing.T) {
			backends(t, func(t *testing.T) {
				wd := wdTree(t)
				fifo := filepath.Join(wd, "fifo")
				must(t, unix.Mkfifo(fifo, 0o600))
				runSched(t, func() {
					d := openDir(t, wd)
					fd := aio.DirFd(d)
					var read string
					request := sched.Async(func() any {
						var err error
						read, err = c.request(d)
						return err
					})
					sched.Sleep(20 * time.Millisecond) // the request waits for the peer
					must(t, d.Close())
					if _, err := d.Stat("f"); !errors.Is(err, fs.ErrClosed) { // a regular file's: no wait should the check go
						t.Errorf("Stat after Close: %v", err)
					}
					if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil {
						t.Errorf("descriptor %d with a request in flight: %v, want it open", fd, err)
					}
					g, err := aio.Open(os.DevNull)
					must(t, err)
					defer g.Close()
					if int(g.Fd()) == fd {
						t.Errorf("Close freed descriptor %d under the request in flight: %s took it", fd, os.DevNull)
					}
					peer := make(chan error, 1)
					var peerRead string
					go func() {
						var err error
						peerRead, err = c.peer(fifo)
						peer <- err
					}()
					if v, _ := request.Join(); v != nil {
						t.Errorf("the request in flight: %v", v)
					}
					if err := <-peer; err != nil || read+peerRead != msg {
						t.Errorf("through the FIFO: %q read by the request, %q by its peer (%v); want %q", read, peerRead, err, msg)
					}
					if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != unix.EBADF {
						t.Errorf("descriptor %d after the request ended: %v, want EBADF (closed)", fd, err)
					}
				})
			})
		})
	}
}
