// Command hopgen writes package state's hop tables: assembly functions that
// are never executed and exist only for their pcsp tables, the tables from
// which the runtime's unwinder learns a frame's size (runtime.funcspdelta).
// Each function is a run of identical SP-growing instructions, so a return
// PC at the k-th instruction of the run makes the unwinder see a frame of
// base + k*step bytes; a fake return PC into a table thus encodes a hop of
// any size the table covers. state/hops.go locates the entries at start-up
// and describes how the engine uses them.
//
// Run it with go generate in state/. -out writes the files elsewhere, which
// the test uses to check that the committed files are current.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"path/filepath"
	"strings"
)

// pcspMax is the largest SP delta the assembler accepts at any point of a
// function: cmd/internal/obj's pctospadj stops with "overflow in spadj"
// beyond it. It is below 1<<31, so on amd64 every delta fits the signed
// 32-bit immediate of one SUBQ.
const pcspMax = 1_100_000_000

// The tables' parameters; state/hops_params_<arch>.go repeats them for the
// engine. Entry i of a table (0 <= i < n) has SP delta o + i*s, and the
// delta after a table's last instruction, o + n*s, must not exceed pcspMax.
const (
	amd64FineO, amd64FineS, amd64FineN, amd64FineF         = 0, 8, 8192, 16
	amd64CoarseO, amd64CoarseS, amd64CoarseN, amd64CoarseF = 4128, 65536, 16384, 256

	arm64FineO, arm64FineS, arm64FineN, arm64FineF = 16, 16, 4096, 64
	arm64CoarseO, arm64CoarseS, arm64CoarseF       = 4112, 65536, 256
	// As many entries as pcspMax allows; the last function holds the rest.
	arm64CoarseN = (pcspMax - arm64CoarseO) / arm64CoarseS
)

// constraint limits the generated files to the Go release whose assembler
// and unwinder they were checked against, as ginfo_go126.go does.
const constraint = "//go:build go1.26 && !go1.27"

// A table is a run of entries split over functions ·hop<name><j>: function j
// holds entries j*f up to j*f+f-1 (the last function fewer if f does not
// divide n), after an SP growth to its base o + j*f*s.
type table struct {
	name       string
	o, s, n, f int64
}

func (t table) funcs() int64 { return (t.n + t.f - 1) / t.f }

// An arch writes tables in one architecture's Go assembly.
type arch struct {
	goarch string
	// flags are the hop functions' TEXT flags.
	flags string
	// frame is the SP delta at which the prologue that the assembler gives
	// a hop function ends: the function's base is reached from there.
	frame int64
	// grow returns instructions that together grow SP by n > 0, each a
	// constant SP adjustment that the assembler records in pcsp. The
	// table's step must come out as one instruction: entries are the
	// boundaries between identical instructions.
	grow func(n int64) []string
	// load and store make hopFuncs: load puts argument %[1]s at %[2]d(FP),
	// a pointer to an array, in a register; store writes the address of
	// symbol %[1]s at offset %[2]d of that array.
	load, store string
	// align is the multiple of which every SP delta must be, so that fake
	// frames keep SP as aligned as the ABI needs.
	align  int64
	tables []table
}

var arches = []arch{
	{
		goarch: "amd64",
		// NOFRAME: without it a function that calls saves BP, so no delta
		// below 8 could be had. The CALL keeps the split check anyway.
		flags: "NOFRAME",
		frame: 0,
		grow:  func(n int64) []string { return []string{fmt.Sprintf("ADJSP $%d", n)} },
		load:  "MOVQ %s+%d(FP), DI",
		store: "LEAQ %s(SB), AX\n\tMOVQ AX, %d(DI)",
		align: 8,
		tables: []table{
			{"Fine", amd64FineO, amd64FineS, amd64FineN, amd64FineF},
			{"Coarse", amd64CoarseO, amd64CoarseS, amd64CoarseN, amd64CoarseF},
		},
	},
	{
		goarch: "arm64",
		// A function that calls gets a 16-byte frame for LR and FP.
		flags: "0",
		frame: 16,
		grow:  arm64Grow,
		load:  "MOVD %s+%d(FP), R0",
		store: "MOVD $%s(SB), R1\n\tMOVD R1, %d(R0)",
		align: 16,
		tables: []table{
			{"Fine", arm64FineO, arm64FineS, arm64FineN, arm64FineF},
			{"Coarse", arm64CoarseO, arm64CoarseS, arm64CoarseN, arm64CoarseF},
		},
	},
}

// arm64Grow splits n into SUB immediates, which are 12 bits, optionally
// shifted left by 12: larger constants would make the assembler go through
// a register, and only constant SP adjustments are recorded in pcsp.
func arm64Grow(n int64) []string {
	var insns []string
	for n >= 1<<12 {
		c := min(n>>12, 1<<12-1) << 12
		insns = append(insns, fmt.Sprintf("SUB $%d, RSP", c))
		n -= c
	}
	if n > 0 {
		insns = append(insns, fmt.Sprintf("SUB $%d, RSP", n))
	}
	return insns
}

func main() {
	out := flag.String("out", ".", "directory to write the generated files to")
	flag.Parse()
	for _, a := range arches {
		for _, t := range a.tables {
			if err := a.check(t); err != nil {
				log.Fatalf("hopgen: %s table %s: %v", a.goarch, t.name, err)
			}
		}
		files := map[string][]byte{
			"hops_" + a.goarch + ".s":         a.asm(),
			"hops_params_" + a.goarch + ".go": a.params(),
		}
		for name, b := range files {
			if err := os.WriteFile(filepath.Join(*out, name), b, 0o666); err != nil {
				log.Fatalf("hopgen: %v", err)
			}
		}
	}
}

// check reports parameters that the assembler would reject or that would
// not make a table.
func (a arch) check(t table) error {
	switch {
	case t.s <= 0 || t.n <= 0 || t.f <= 0:
		return fmt.Errorf("step %d, count %d and entries per function %d must be positive", t.s, t.n, t.f)
	case t.o < a.frame:
		return fmt.Errorf("offset %d is below the %d-byte frame every hop function has", t.o, a.frame)
	case t.o%a.align != 0 || t.s%a.align != 0:
		return fmt.Errorf("offset %d and step %d must be multiples of %d", t.o, t.s, a.align)
	case t.o+t.n*t.s > pcspMax:
		return fmt.Errorf("SP delta %d after the last entry exceeds the assembler's limit %d: at most %d entries fit",
			t.o+t.n*t.s, int64(pcspMax), (pcspMax-t.o)/t.s)
	case len(a.grow(t.s)) != 1:
		return fmt.Errorf("step %d needs %d instructions, not one", t.s, len(a.grow(t.s)))
	}
	return nil
}

// group is how many steps a line of a hop function holds.
const group = 16

func groupMacro(t table) string { return fmt.Sprintf("HOP_%s_%d", strings.ToUpper(t.name), group) }

func (a arch) asm() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by hopgen; DO NOT EDIT.\n\n%s\n\n", constraint)
	b.WriteString(`#include "textflag.h"
#include "funcdata.h"

// The hop functions call hopNever only so that the assembler neither
// treats them as leaves nor marks them NOSPLIT: the linker's check of
// NOSPLIT stack use would reject their huge SP deltas. The call is never
// made: nothing ever executes a hop function.
TEXT ·hopNever<>(SB), NOSPLIT|NOFRAME, $0-0
	UNDEF

`)
	fmt.Fprintf(&b, "// %s\nTEXT ·hopFuncs(SB), NOSPLIT, $0-%d\n", a.funcsDecl(), 8*len(a.tables))
	for k, t := range a.tables {
		fmt.Fprintf(&b, "\t"+a.load+"\n", strings.ToLower(t.name), 8*k)
		for j := range t.funcs() {
			fmt.Fprintf(&b, "\t"+a.store+"\n", fmt.Sprintf("·hop%s%d<>", t.name, j), 8*j)
		}
	}
	b.WriteString("\tRET\n")
	for _, t := range a.tables {
		fmt.Fprintf(&b, "\n// %d steps of table %s, to keep this file and the line table small.\n#define %s %s\n",
			group, t.name, groupMacro(t), strings.Repeat(a.grow(t.s)[0]+"; ", group-1)+a.grow(t.s)[0])
	}
	for _, t := range a.tables {
		for j := range t.funcs() {
			first := j * t.f
			count := min(t.f, t.n-first)
			base := t.o + first*t.s
			fmt.Fprintf(&b, "\n// Entries %d to %d of table %s: SP delta %d to %d.\n", first, first+count-1, t.name, base, base+(count-1)*t.s)
			fmt.Fprintf(&b, "TEXT ·hop%s%d<>(SB), %s, $0-0\n\tNO_LOCAL_POINTERS\n\tCALL ·hopNever<>(SB)\n", t.name, j, a.flags)
			if base > a.frame {
				for _, insn := range a.grow(base - a.frame) {
					fmt.Fprintf(&b, "\t%s\n", insn)
				}
			}
			for range count / group {
				fmt.Fprintf(&b, "\t%s\n", groupMacro(t))
			}
			for range count % group {
				fmt.Fprintf(&b, "\t%s\n", a.grow(t.s)[0])
			}
			b.WriteString("\tUNDEF\n")
		}
	}
	return b.Bytes()
}

func (a arch) funcsDecl() string {
	var args []string
	for _, t := range a.tables {
		args = append(args, fmt.Sprintf("%s *[hop%sFuncs]uintptr", strings.ToLower(t.name), t.name))
	}
	return fmt.Sprintf("func hopFuncs(%s)", strings.Join(args, ", "))
}

func (a arch) params() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by hopgen; DO NOT EDIT.\n\n%s\n\npackage state\n\n", constraint)
	fmt.Fprintf(&b, `// The shapes of the hop tables in hops_%s.s (see hops.go). Entry i of
// a table (0 <= i < N) is a return PC at which the unwinder sees SP delta
// O + i*S; each function holds F entries, the last one possibly fewer.
const (
`, a.goarch)
	for _, t := range a.tables {
		for _, c := range []struct {
			suffix string
			v      int64
		}{{"O", t.o}, {"S", t.s}, {"N", t.n}, {"F", t.f}, {"Funcs", t.funcs()}} {
			fmt.Fprintf(&b, "\thop%s%s = %d\n", t.name, c.suffix, c.v)
		}
	}
	fmt.Fprintf(&b, ")\n\n// hopFuncs stores the entry address of each hop function.\n%s\n", a.funcsDecl())
	src, err := format.Source(b.Bytes())
	if err != nil {
		log.Fatalf("hopgen: formatting hops_params_%s.go: %v", a.goarch, err)
	}
	return src
}
