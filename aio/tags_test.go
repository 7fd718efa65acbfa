package aio

import "testing"

// A slot is reused once its request completes, under a new tag, so that a
// cancel aimed at the old tag cannot match the new request.
func TestTagTableReusesSlotsUnderNewTags(t *testing.T) {
	var tt tagTable
	r1, r2, r3 := new(request), new(request), new(request)
	t1, t2 := tt.add(r1), tt.add(r2)
	if t1 == t2 {
		t.Fatalf("two requests in flight share tag %#x", t1)
	}
	if got := tt.take(t1); got != r1 {
		t.Fatalf("take(%#x) = %p, want %p", t1, got, r1)
	}
	t3 := tt.add(r3)
	if uint32(t3) != uint32(t1) {
		t.Errorf("freed slot %d not reused: got slot %d", uint32(t1), uint32(t3))
	}
	if t3 == t1 {
		t.Errorf("reused slot kept tag %#x", t1)
	}
	for _, tag := range []uint64{t1, t2, t3} {
		if tag >= wakeTag {
			t.Errorf("tag %#x collides with the ring's own user data", tag)
		}
	}
	if got := tt.take(t3); got != r3 {
		t.Fatalf("take(%#x) = %p, want %p", t3, got, r3)
	}
	if got := tt.take(t2); got != r2 {
		t.Fatalf("take(%#x) = %p, want %p", t2, got, r2)
	}
	if len(tt.slots) != 2 {
		t.Errorf("table grew to %d slots for 2 requests at once", len(tt.slots))
	}
}
