package progress_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/cluster/clustertest"
	"github.com/tessera-array/tessera/cluster/progress"
)

// A Bar's Update is the executor's progress callback. A program writes the
// bar to os.Stderr; here it goes to a buffer so the last frame can be
// printed.
func ExampleBar() {
	var out bytes.Buffer
	bar := progress.New(&out, "sum")
	ex := cluster.NewLocal(cluster.LocalOptions{Workers: 2, Progress: bar.Update})

	g, root := clustertest.Tree(8) // 8 leaves and 7 sums: 15 tasks
	err := ex.Run(context.Background(), g, []cluster.Key{root}, func(_ cluster.Key, v cluster.Value) error {
		fmt.Println("result:", v.(clustertest.Num).V)
		return nil
	})
	if err != nil {
		bar.Finish() // a run that stops early leaves its bar unfinished
		fmt.Println(err)
		return
	}

	// The bar redraws its line after '\r' and ends it when the run is done.
	// The last frame ends with the elapsed time, "[0s]", left out here as
	// the one part that varies from run to run.
	frames := strings.Split(strings.TrimRight(out.String(), "\n"), "\r")
	last := frames[len(frames)-1]
	fmt.Println(last[:strings.LastIndex(last, " [")])
	// Output:
	// result: 28
	// sum 100% |██████████████████████████████| (15/15)
}
