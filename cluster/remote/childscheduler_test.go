package remote_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/tessera-array/tessera/cluster/remote"
)

// childSchedulerEnv makes the test binary a scheduler process (see
// childScheduler), so a test can freeze a scheduler with SIGSTOP.
const childSchedulerEnv = "TESSERA_TEST_CHILD_SCHEDULER"

// childScheduler runs a scheduler with the heartbeat timeout in
// $TESSERA_TEST_CHILD_SCHEDULER, writes its credentials to the file named
// by $TESSERA_TEST_CHILD_CREDENTIALS, prints its address on stdout, then
// "joined" once a worker has connected, and serves until killed.
func childScheduler() int {
	timeout, err := time.ParseDuration(os.Getenv(childSchedulerEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	s, err := remote.NewScheduler(remote.SchedulerOptions{HeartbeatTimeout: timeout})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := s.Credentials().WriteFile(os.Getenv("TESSERA_TEST_CHILD_CREDENTIALS")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(s.Addr())
	if err := s.WaitForWorkers(context.Background(), 1); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("joined")
	select {}
}
