package ilist

import (
	"slices"
	"testing"
)

type item struct {
	v    int
	a, b Links[item]
}

func onA(x *item) *Links[item] { return &x.a }
func onB(x *item) *Links[item] { return &x.b }

func values(l *List[item], at func(*item) *Links[item]) []int {
	var out []int
	for x := l.Front(); x != nil; x = Next(x, at) {
		out = append(out, x.v)
	}
	return out
}

func TestTwoListsThroughOneElement(t *testing.T) {
	var la, lb List[item]
	items := make([]*item, 5)
	for i := range items {
		items[i] = &item{v: i}
	}
	for i := range items {
		la.PushBack(items[i], onA)
		lb.PushBack(items[len(items)-1-i], onB)
	}
	la.Remove(items[0], onA) // head
	la.Remove(items[2], onA) // middle
	la.Remove(items[4], onA) // tail
	lb.Remove(items[1], onB)
	if got := values(&la, onA); !slices.Equal(got, []int{1, 3}) || la.Len() != 2 {
		t.Errorf("list a = %v (len %d)", got, la.Len())
	}
	if got := values(&lb, onB); !slices.Equal(got, []int{4, 3, 2, 0}) || lb.Len() != 4 {
		t.Errorf("list b = %v (len %d)", got, lb.Len())
	}
	for _, want := range []int{4, 3, 2, 0} {
		if x := lb.PopFront(onB); x == nil || x.v != want {
			t.Fatalf("PopFront = %v, want %d", x, want)
		}
	}
	if lb.PopFront(onB) != nil || lb.Len() != 0 || lb.Front() != nil {
		t.Error("list b not empty after popping everything")
	}
	la.PushBack(items[0], onA) // a removed element can go back
	if got := values(&la, onA); !slices.Equal(got, []int{1, 3, 0}) {
		t.Errorf("list a after re-adding = %v", got)
	}
	var back []int
	for x := la.Back(); x != nil; x = Prev(x, onA) {
		back = append(back, x.v)
	}
	if !slices.Equal(back, []int{0, 3, 1}) {
		t.Errorf("list a from the back = %v", back)
	}
}
