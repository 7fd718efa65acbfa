package aio

import (
	"slices"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Extent is a range of a file and where it lies on the device, as
// FIEMAP reports it (IO::AIO's [$logical, $physical, $length, $flags]).
type Extent struct {
	Logical  uint64 // its offset in the file
	Physical uint64 // its offset on the device
	Length   uint64
	Flags    uint32 // FiemapExtent*
}

// Fiemap's flags and Extent's, as linux/fiemap.h has them (IO::AIO's
// FIEMAP_*): x/sys/unix has none.
const (
	FiemapFlagSync  = 0x1 // sync the file before mapping it
	FiemapFlagXattr = 0x2 // map the extended attributes' tree instead

	FiemapExtentLast          = 0x1 // the file's last extent
	FiemapExtentUnknown       = 0x2 // its location is not known yet
	FiemapExtentDelalloc      = 0x4 // delayed allocation: also Unknown
	FiemapExtentEncoded       = 0x8 // compressed, say
	FiemapExtentDataEncrypted = 0x80
	FiemapExtentNotAligned    = 0x100
	FiemapExtentDataInline    = 0x200
	FiemapExtentDataTail      = 0x400
	FiemapExtentUnwritten     = 0x800 // allocated, reading as zeros
	FiemapExtentMerged        = 0x1000
	FiemapExtentShared        = 0x2000
)

// fiemapHeader is struct fiemap, whose struct fiemap_extent array
// follows it.
type fiemapHeader struct {
	start, length                  uint64
	flags, mapped, count, reserved uint32
}

// fiemapExtent is struct fiemap_extent.
type fiemapExtent struct {
	logical, physical, length uint64
	reserved64                [2]uint64
	flags                     uint32
	reserved                  [3]uint32
}

const (
	fsIocFiemap = 0xC020660B // _IOWR('f', 11, struct fiemap), the same on amd64 and arm64
	fiemapBatch = 64         // extents asked for at a time when all are wanted
)

// Fiemap returns the extents of the file's range start, start+length
// (aio_fiemap): length < 0 is to the end of the file, and count the most
// to return, count < 0 all of them. flags is 0, or FiemapFlagSync to map
// the data as written. As IO::AIO does, all the extents are asked for a
// batch at a time, each from where the last ended, as the kernel may
// stop short of the end when asked for many.
func (f *File) Fiemap(start, length int64, flags uint32, count int) ([]Extent, error) {
	if err := f.hold("fiemap"); err != nil {
		return nil, err
	}
	defer f.release()
	end := fiemapEnd(start, length)
	var extents []Extent
	err := run(func() error {
		batch := fiemapBatch
		if count >= 0 {
			batch = count
		}
		words := make([]uint64, fiemapHeaderWords+uintptr(batch)*fiemapExtentWords) // one for every batch
		for at := uint64(start); ; {
			had := len(extents)
			var err error
			extents, _, err = fiemap(f.fd, words, at, end, flags, extents)
			if err != nil || count >= 0 || len(extents) == had {
				return err
			}
			last := extents[len(extents)-1]
			at = last.Logical + last.Length
			if last.Flags&FiemapExtentLast != 0 || at >= end {
				return nil
			}
		}
	})
	if err != nil {
		return nil, pathErr("fiemap", f.name, err)
	}
	return extents, nil
}

// FiemapCount returns how many extents the file's range start,
// start+length has (aio_fiemap with a count of 0), length < 0 to the end.
// The kernel may count short where there are many, as IO::AIO warns.
func (f *File) FiemapCount(start, length int64, flags uint32) (int, error) {
	if err := f.hold("fiemap"); err != nil {
		return 0, err
	}
	defer f.release()
	end := fiemapEnd(start, length)
	n, err := runN(func() (int, error) {
		var header [fiemapHeaderWords]uint64
		_, n, err := fiemap(f.fd, header[:], uint64(start), end, flags, nil)
		return n, err
	})
	return n, pathErr("fiemap", f.name, err)
}

// fiemapEnd is where the range start, start+length ends: the most
// FIEMAP takes (FIEMAP_MAX_OFFSET) for length < 0, or where it would
// overflow.
func fiemapEnd(start, length int64) uint64 {
	if length < 0 || uint64(start)+uint64(length) < uint64(start) {
		return ^uint64(0)
	}
	return uint64(start) + uint64(length)
}

// The sizes of struct fiemap and struct fiemap_extent in words.
const fiemapHeaderWords, fiemapExtentWords = unsafe.Sizeof(fiemapHeader{}) / 8, unsafe.Sizeof(fiemapExtent{}) / 8

// fiemap makes the FS_IOC_FIEMAP ioctl for the range from at to end,
// with words, 8-aligned as the kernel reads it, for struct fiemap and as
// many struct fiemap_extent after it as it has room for, and returns
// extents with those mapped appended, and how many the kernel mapped
// (with room for none, only counted). The caller's words and extents
// serve every batch, so that a batch allocates no buffer of its own.
func fiemap(fd int, words []uint64, at, end uint64, flags uint32, extents []Extent) ([]Extent, int, error) {
	count := (uintptr(len(words)) - fiemapHeaderWords) / fiemapExtentWords
	hdr := (*fiemapHeader)(unsafe.Pointer(&words[0]))
	*hdr = fiemapHeader{start: at, length: end - at, flags: flags, count: uint32(count)}
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), fsIocFiemap, uintptr(unsafe.Pointer(&words[0])))
	if errno != 0 {
		return extents, 0, errno
	}
	n := int(hdr.mapped)
	if count == 0 {
		return extents, n, nil
	}
	raw := unsafe.Slice((*fiemapExtent)(unsafe.Pointer(&words[fiemapHeaderWords])), count)[:min(n, int(count))]
	extents = slices.Grow(extents, len(raw))
	for _, e := range raw {
		extents = append(extents, Extent{Logical: e.logical, Physical: e.physical, Length: e.length, Flags: e.flags})
	}
	return extents, n, nil
}
