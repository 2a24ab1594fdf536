package pg

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
)

func TestImagesPendingAndCredits(t *testing.T) {
	db, _ := openTest(t)
	s := lockTest(t, db, "default")
	ctx := testCtx(t)
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

	intent := Pending{Addr: `image.hero["knight"]`, Fingerprint: "f1", Provider: "defapi", Model: "google/gempix2", IntentAt: at}
	if err := s.PutIntent(ctx, intent); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPendingTask(ctx, intent.Addr, "task-1", at.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	ps, err := db.PendingTasks(ctx, "default")
	want := intent
	want.TaskID, want.SubmittedAt = "task-1", at.Add(time.Second)
	if err != nil || len(ps) != 1 || !ps[0].IntentAt.Equal(want.IntentAt) || !ps[0].SubmittedAt.Equal(want.SubmittedAt) {
		t.Fatalf("PendingTasks = %+v, %v; want [%+v]", ps, err, want)
	}
	ps[0].IntentAt, ps[0].SubmittedAt = want.IntentAt, want.SubmittedAt // same instants, maybe other zones
	if d := cmp.Diff([]Pending{want}, ps); d != "" {
		t.Errorf("PendingTasks (-want +got):\n%s", d)
	}

	img := Image{Addr: intent.Addr, Output: "sprites/knight.png", SHA256: "s1", Fingerprint: "f1", Provider: "defapi",
		Model: "google/gempix2", Prompt: "a knight", Inputs: map[string]string{"prompt": "a knight"}, Refs: []string{"refs/p.png"},
		TaskID: "task-1", Consumed: 2.5, GeneratedAt: at}
	if err := s.PutImage(ctx, img); err != nil {
		t.Fatal(err)
	}
	img.SHA256 = "s2" // upserted: still one row
	if err := s.PutImage(ctx, img); err != nil {
		t.Fatal(err)
	}
	if err := s.AddCredits(ctx, img.Model, "task-1", 2.5, at); err != nil {
		t.Fatal(err)
	}
	imgs, err := db.Images(ctx, "default")
	if err != nil {
		t.Fatal(err)
	}
	for i := range imgs {
		imgs[i].GeneratedAt = imgs[i].GeneratedAt.UTC()
	}
	if d := cmp.Diff([]Image{img}, imgs); d != "" {
		t.Errorf("Images (-want +got):\n%s", d)
	}
	if ps, _ := db.PendingTasks(ctx, "default"); len(ps) != 0 {
		t.Errorf("the landed image is still in flight: %+v", ps)
	}
	stats, err := db.ModelStats(ctx)
	if err != nil || stats[img.Model] != (ModelStats{Tasks: 1, Consumed: 2.5}) {
		t.Errorf("ModelStats = %+v, %v", stats, err)
	}

	if err := s.MoveImage(ctx, img.Addr, "image.knight", "knight.png"); err != nil {
		t.Fatal(err)
	}
	imgs, _ = db.Images(ctx, "default")
	if len(imgs) != 1 || imgs[0].Addr != "image.knight" || imgs[0].Output != "knight.png" {
		t.Errorf("after MoveImage: %+v", imgs)
	}
	if err := s.DeleteImage(ctx, "image.knight"); err != nil {
		t.Fatal(err)
	}
	if imgs, _ = db.Images(ctx, "default"); len(imgs) != 0 {
		t.Errorf("after DeleteImage: %+v", imgs)
	}
	// Other workspaces see none of it; every write bumped the serial.
	if imgs, _ = db.Images(ctx, "staging"); len(imgs) != 0 {
		t.Errorf("workspace staging sees %+v", imgs)
	}
	w, err := db.Workspace(ctx, "default")
	if err != nil || w == nil || w.Serial != 7 || w.Lineage == "" {
		t.Errorf("Workspace = %+v, %v; want serial 7 after 7 writes", w, err)
	}
}

// A record costs one row whatever the size of the workspace: writing an
// image leaves every other row where it was (an UPDATE of a row gives it a
// new ctid; a rewrite of the state would move them all).
func TestPutImageTouchesOneRow(t *testing.T) {
	db, _ := openTest(t)
	s := lockTest(t, db, "default")
	ctx := testCtx(t)
	img := func(i int) Image {
		return Image{Addr: fmt.Sprintf("image.n[%d]", i), Output: fmt.Sprintf("%d.png", i), SHA256: "s", Fingerprint: "f", GeneratedAt: time.Now()}
	}
	for i := range 50 {
		if err := s.PutImage(ctx, img(i)); err != nil {
			t.Fatal(err)
		}
	}
	ctids := func() map[string]string {
		rows, _ := db.pool.Query(ctx, `SELECT addr, ctid::text FROM images`)
		m := map[string]string{}
		var addr, ctid string
		if _, err := pgx.ForEachRow(rows, []any{&addr, &ctid}, func() error { m[addr] = ctid; return nil }); err != nil {
			t.Fatal(err)
		}
		return m
	}
	before := ctids()
	changed := img(7)
	changed.SHA256 = "s2"
	if err := s.PutImage(ctx, changed); err != nil {
		t.Fatal(err)
	}
	if err := s.PutImage(ctx, img(50)); err != nil {
		t.Fatal(err)
	}
	after := ctids()
	var moved []string
	for addr, ctid := range after {
		if before[addr] != ctid {
			moved = append(moved, addr)
		}
	}
	sort.Strings(moved)
	if want := []string{"image.n[50]", "image.n[7]"}; !cmp.Equal(moved, want) {
		t.Errorf("rows written by two PutImage calls: %v, want %v", moved, want)
	}
}
