// Package dashboard shows a computation while it runs: an HTTP dashboard
// (workers, progress per op kind, a task stream per worker, memory over
// time) that updates live, a JSON API with the same data, /health, and
// Prometheus /metrics; and a self-contained HTML performance report.
//
// A Recorder collects what executors report. Feed it with its Progress
// method (the callback of cluster.LocalOptions or of a remote scheduler)
// and, to show per-kind totals before tasks finish, with Plan.
//
// # Access
//
// The dashboard shows task keys, worker addresses and memory, so Serve
// listens on 127.0.0.1 unless told another host, and every request but
// /health must carry a token: the URL it prints (Server.URL, or the
// scheduler's "dashboard at ..." line) ends in ?token=..., which the
// browser turns into a cookie on first load. Prometheus sends the token
// as a bearer token (authorization: {credentials: TOKEN} in its scrape
// config). The token is needed on loopback too: on a login node every
// user can reach 127.0.0.1.
//
// From a laptop, reach a dashboard on an HPC login node the way one
// reaches JupyterHub there, through an SSH tunnel:
//
//	ssh -L 8787:localhost:8787 user@login-node
//
// then open http://localhost:8787/?token=... (the printed URL with
// localhost:8787 as the host) on the laptop. If the program runs on a
// compute node instead, tunnel through the login node to that node's
// loopback: ssh -J user@login-node -L 8787:localhost:8787 user@node
// (where the site allows ssh to nodes running your jobs). If 8787 is taken
// on the laptop, use another local port: -L 8788:localhost:8787, then
// http://localhost:8788/?token=....
package dashboard
