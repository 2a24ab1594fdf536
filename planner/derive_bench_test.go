package planner_test

import (
	"fmt"
	"time"

	"testing"

	"github.com/pixform/pixform/spec"
)

// The no-op plan of a spec with derives: 10,000 images, and 1,000 derives
// of them. Compare with BenchmarkPlanNoop10k (the same images, no derive):
// the target is at most 10% more.
//
//	go test -run '^$' -bench 'PlanNoop10k|PlanNoopDerives' -benchtime 10x ./planner
func BenchmarkPlanNoopDerives1kOf10k(b *testing.B) {
	benchPlanNoopWorld(b, newBenchWorldDerives(b, 10000, 1000, 1000))
}

const benchDerives = `derive "d" {
  count  = %d
  source = image.img[count.index].output
  resize {
    width = 320
  }
  format  = "webp"
  quality = 80
  output  = "der/${format("%%05d", count.index)}.webp"
}
`

// benchDescribe stands in for derive.Describe, which the CLI fills in.
const benchDescribe = "derive/1 resize(w=320,h=0,fit=contain,filter=catmullrom) | webp-lossy/1 (github.com/gen2brain/webp v0.5.5, libwebp WASM, method 4) q=80"

// writeDerives writes the derive block and the outputs an apply wrote.
func (w *benchWorld) writeDerives() {
	if w.derives == 0 {
		return
	}
	w.write("derives.pix.hcl", fmt.Appendf(nil, benchDerives, w.derives))
	old := time.Now().Add(-time.Hour)
	for i := range w.derives {
		w.write(fmt.Sprintf("der/%05d.webp", i), content("der", i, 1024))
		w.age(fmt.Sprintf("der/%05d.webp", i), old)
	}
}

func describeDerives(sp *spec.Spec) {
	for _, a := range sp.Assets {
		if a.Derive != nil {
			a.Derive.Describe = benchDescribe
		}
	}
}
