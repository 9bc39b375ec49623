package cluster

// OrderGraph is the view of one run's tasks that Order needs. Nodes are
// 0..Len()-1; Inputs and Consumers list edges with their repeats (a task
// that reads one input twice lists it twice, and appears twice among the
// input's consumers).
type OrderGraph interface {
	// Len is the number of nodes.
	Len() int
	// Inputs lists the nodes node i reads, with repeats.
	Inputs(i int32) []int32
	// Consumers lists the nodes that read node i, with repeats.
	Consumers(i int32) []int32
	// Bytes is the node's declared output size.
	Bytes(i int32) int64
	// Held reports a node whose value exists before the run (persisted,
	// or already on a worker): it does not run.
	Held(i int32) bool
}

// Order gives every node of g a priority: the position at which it should
// start, lowest first. Both executors run ready tasks by it (the local one
// and the remote scheduler), so they order work alike.
//
// The order is a simulated run on one thread that bounds what waits in
// memory, whatever the order of roots:
//
//   - a task made ready by a finished one runs first (consumers before new
//     sources), lowest depth-first number first;
//   - otherwise the next task is one that advances the unfinished consumer
//     holding most bytes of finished inputs hostage: Order walks down that
//     consumer's first unfinished input to a ready source and runs it;
//   - with nothing waiting, the next source in depth-first post-order from
//     the roots (in order) runs.
//
// Without byte differences this is the depth-first post-order (branches
// finish before new ones start). With them, a reduction whose partials are
// large (a mean over time of a stack of images) finishes its blocks before
// one whose partials are small (a mean over space of the same stack) makes
// it wait, in either order of the roots. Held nodes, and nodes needed only
// through them, get priorities below all others (if they are lost and
// recomputed they run first), in depth-first post-order.
//
// The cost is O((nodes + edges) log nodes); Order allocates O(nodes).
func Order(g OrderGraph, roots []int32) []int32 {
	n := g.Len()
	prio := make([]int32, n)
	// Depth-first post-order from the roots, not through held nodes: the
	// nodes that run (and the held ones), for ties and the order of
	// sources.
	dfs := make([]int32, n)
	for i := range dfs {
		dfs[i] = -1
	}
	post := make([]int32, 0, n)
	PostOrder(n, roots, func(i int32) []int32 {
		if g.Held(i) {
			return nil
		}
		return g.Inputs(i)
	}, func(i int32) {
		dfs[i] = int32(len(post))
		post = append(post, i)
	})
	// Held nodes, and nodes needed only through them (visited now, in
	// post-order over the whole graph), do not run: they come first.
	done := make([]bool, n)
	seq := int32(0)
	first := func(i int32) {
		prio[i] = seq
		seq++
		done[i] = true
	}
	if len(post) < n {
		PostOrder(n, roots, g.Inputs, func(i int32) {
			if dfs[i] < 0 {
				first(i)
			}
		})
		for i := range n {
			if dfs[i] < 0 && !done[i] { // unreachable: never runs
				first(int32(i))
			}
		}
	}
	toRun := 0
	for _, i := range post {
		if g.Held(i) {
			first(i)
		} else {
			toRun++
		}
	}
	waiting := make([]int32, n)
	for i := range n {
		if done[i] {
			continue
		}
		for _, j := range g.Inputs(int32(i)) {
			if !done[j] {
				waiting[i]++
			}
		}
	}
	sources := make([]int32, 0, 64)
	for _, i := range post {
		if !done[i] && waiting[i] == 0 {
			sources = append(sources, i)
		}
	}
	hostage := make([]int64, n)
	cursor := make([]int32, n)
	hot := minHeap{key: dfs}
	open := hostageHeap{dfs: dfs}
	run := func(x int32) {
		prio[x] = seq
		seq++
		done[x] = true
		b := g.Bytes(x)
		for _, c := range g.Consumers(x) {
			if done[c] {
				continue
			}
			waiting[c]--
			hostage[c] = AddBytes(hostage[c], b)
			if waiting[c] == 0 {
				hot.push(c)
			} else {
				open.push(c, hostage[c])
			}
		}
	}
	last := seq + int32(toRun)
	si := 0
	for seq < last {
		if len(hot.ids) > 0 {
			run(hot.pop())
			continue
		}
		goal := int32(-1)
		for len(open.es) > 0 {
			e := open.es[0]
			if done[e.id] || waiting[e.id] == 0 || e.h != hostage[e.id] {
				open.pop() // stale
				continue
			}
			goal = e.id
			break
		}
		if goal < 0 {
			for done[sources[si]] {
				si++
			}
			run(sources[si])
			continue
		}
		// Walk down the goal's first unfinished inputs to a ready source.
		x := goal
		for {
			in := g.Inputs(x)
			for done[in[cursor[x]]] {
				cursor[x]++
			}
			y := in[cursor[x]]
			if waiting[y] == 0 {
				run(y)
				break
			}
			x = y
		}
	}
	return prio
}

// minHeap is a binary min-heap of node ids by key[id].
type minHeap struct {
	ids []int32
	key []int32
}

func (h *minHeap) push(id int32) {
	h.ids = append(h.ids, id)
	i := len(h.ids) - 1
	for i > 0 {
		p := (i - 1) / 2
		if h.key[h.ids[p]] <= h.key[h.ids[i]] {
			break
		}
		h.ids[p], h.ids[i] = h.ids[i], h.ids[p]
		i = p
	}
}

func (h *minHeap) pop() int32 {
	top := h.ids[0]
	last := len(h.ids) - 1
	h.ids[0] = h.ids[last]
	h.ids = h.ids[:last]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < last && h.key[h.ids[l]] < h.key[h.ids[m]] {
			m = l
		}
		if r < last && h.key[h.ids[r]] < h.key[h.ids[m]] {
			m = r
		}
		if m == i {
			return top
		}
		h.ids[m], h.ids[i] = h.ids[i], h.ids[m]
		i = m
	}
}

type hostageEntry struct {
	id int32
	h  int64
}

// hostageHeap is a binary max-heap of consumers by bytes held hostage,
// then lowest depth-first number. Entries go stale when a consumer's
// hostage grows (a fresh entry is pushed); pop discards them lazily.
type hostageHeap struct {
	es  []hostageEntry
	dfs []int32
}

func (h *hostageHeap) less(a, b hostageEntry) bool { // a before b
	if a.h != b.h {
		return a.h > b.h
	}
	return h.dfs[a.id] < h.dfs[b.id]
}

func (h *hostageHeap) push(id int32, hb int64) {
	h.es = append(h.es, hostageEntry{id, hb})
	i := len(h.es) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(h.es[i], h.es[p]) {
			break
		}
		h.es[p], h.es[i] = h.es[i], h.es[p]
		i = p
	}
}

func (h *hostageHeap) pop() {
	last := len(h.es) - 1
	h.es[0] = h.es[last]
	h.es = h.es[:last]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < last && h.less(h.es[l], h.es[m]) {
			m = l
		}
		if r < last && h.less(h.es[r], h.es[m]) {
			m = r
		}
		if m == i {
			return
		}
		h.es[m], h.es[i] = h.es[i], h.es[m]
		i = m
	}
}
