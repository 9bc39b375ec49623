package zarr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"sort"
	"strings"
)

// Group is a Zarr group: a node with attributes and children.
type Group struct {
	store      Store
	path       string
	Format     int
	Attributes map[string]any
}

// CreateGroup writes group metadata at path (format 2 or 3; 0 means 3).
// An existing group is opened and its attributes replaced when attrs is
// not nil.
func CreateGroup(ctx context.Context, s Store, p string, format int, attrs map[string]any) (*Group, error) {
	p, err := cleanPath(p)
	if err != nil {
		return nil, err
	}
	if format == 0 {
		format = 3
	}
	if format != 2 && format != 3 {
		return nil, fmt.Errorf("%w: format %d", ErrMetadata, format)
	}
	if attrs == nil {
		attrs = map[string]any{}
	}
	g := &Group{store: s, path: p, Format: format, Attributes: attrs}
	return g, g.write(ctx)
}

func (g *Group) write(ctx context.Context) error {
	if g.Format == 3 {
		b, err := json.MarshalIndent(zarrJSON{ZarrFormat: 3, NodeType: "group", Attributes: g.Attributes}, "", "    ")
		if err != nil {
			return err
		}
		if len(g.Attributes) == 0 {
			b = []byte("{\n    \"zarr_format\": 3,\n    \"node_type\": \"group\",\n    \"attributes\": {}\n}")
		}
		return g.store.Set(ctx, joinKey(g.path, "zarr.json"), b)
	}
	if err := g.store.Set(ctx, joinKey(g.path, ".zgroup"), []byte("{\n    \"zarr_format\": 2\n}")); err != nil {
		return err
	}
	b, err := json.MarshalIndent(g.Attributes, "", "    ")
	if err != nil {
		return err
	}
	return g.store.Set(ctx, joinKey(g.path, ".zattrs"), b)
}

// SetAttributes replaces the group's attributes.
func (g *Group) SetAttributes(ctx context.Context, attrs map[string]any) error {
	g.Attributes = attrs
	return g.write(ctx)
}

// Path is the group's path.
func (g *Group) Path() string { return g.path }

// OpenGroup opens the group at path.
func OpenGroup(ctx context.Context, s Store, p string) (*Group, error) {
	p, err := cleanPath(p)
	if err != nil {
		return nil, err
	}
	if b, err := s.Get(ctx, joinKey(p, "zarr.json")); err == nil {
		var z zarrJSON
		if err := json.Unmarshal(b, &z); err != nil {
			return nil, metaErr(joinKey(p, "zarr.json"), "%v", err)
		}
		if z.NodeType != "group" {
			return nil, fmt.Errorf("%w: %q is a %s, not a group", ErrNotFound, p, z.NodeType)
		}
		return &Group{store: s, path: p, Format: 3, Attributes: z.Attributes}, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if _, err := s.Get(ctx, joinKey(p, ".zgroup")); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: group %q", ErrNotFound, p)
		}
		return nil, err
	}
	g := &Group{store: s, path: p, Format: 2, Attributes: map[string]any{}}
	if b, err := s.Get(ctx, joinKey(p, ".zattrs")); err == nil {
		if err := json.Unmarshal(b, &g.Attributes); err != nil {
			return nil, metaErr(joinKey(p, ".zattrs"), "%v", err)
		}
	}
	return g, nil
}

// Member is a child node of a group.
type Member struct {
	Name    string
	Path    string
	IsArray bool
}

// Members lists the group's direct children, sorted by name. The store
// must list keys (Lister), or be opened with OpenConsolidated.
func (g *Group) Members(ctx context.Context) ([]Member, error) {
	nodes, err := listNodes(ctx, g.store)
	if err != nil {
		return nil, err
	}
	var out []Member
	for p, isArray := range nodes {
		parent, name := splitPath(p)
		if p != "" && parent == g.path {
			out = append(out, Member{Name: name, Path: p, IsArray: isArray})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func splitPath(p string) (string, string) {
	if i := strings.LastIndex(p, "/"); i >= 0 {
		return p[:i], p[i+1:]
	}
	return "", p
}

// listNodes maps every node path in the store to whether it is an array.
func listNodes(ctx context.Context, s Store) (map[string]bool, error) {
	var keys iter.Seq2[string, error]
	switch l := s.(type) {
	case *consolidated:
		keys = l.metaKeys()
	case Lister:
		keys = l.List(ctx, "")
	default:
		return nil, fmt.Errorf("zarr: store %T cannot list; open it with OpenConsolidated", s)
	}
	nodes := map[string]bool{}
	for k, err := range keys {
		if err != nil {
			return nil, err
		}
		dir, base := splitPath(k)
		switch base {
		case ".zarray":
			nodes[dir] = true
		case ".zgroup":
			nodes[dir] = nodes[dir] || false
		case "zarr.json":
			b, err := s.Get(ctx, k)
			if err != nil {
				return nil, err
			}
			var z struct {
				NodeType string `json:"node_type"`
			}
			if json.Unmarshal(b, &z) == nil {
				nodes[dir] = z.NodeType == "array"
			}
		}
	}
	return nodes, nil
}

// Consolidate gathers every node's metadata into the root: v2 writes
// .zmetadata (zarr.consolidate_metadata's format), v3 writes it inline in
// the root group's zarr.json. The store must list keys.
func Consolidate(ctx context.Context, s Store) error {
	l, ok := s.(Lister)
	if !ok {
		return fmt.Errorf("zarr: store %T cannot list keys", s)
	}
	meta := map[string]json.RawMessage{}
	v3 := map[string]json.RawMessage{}
	for k, err := range l.List(ctx, "") {
		if err != nil {
			return err
		}
		_, base := splitPath(k)
		switch base {
		case ".zarray", ".zgroup", ".zattrs":
			b, err := s.Get(ctx, k)
			if err != nil {
				return err
			}
			meta[k] = b
		case "zarr.json":
			if k == "zarr.json" {
				continue
			}
			b, err := s.Get(ctx, k)
			if err != nil {
				return err
			}
			v3[strings.TrimSuffix(k, "/zarr.json")] = b
		}
	}
	if root, err := s.Get(ctx, "zarr.json"); err == nil {
		var z map[string]json.RawMessage
		if err := json.Unmarshal(root, &z); err != nil {
			return metaErr("zarr.json", "%v", err)
		}
		cm, _ := json.Marshal(map[string]any{"kind": "inline", "must_understand": false, "metadata": v3})
		z["consolidated_metadata"] = cm
		b, err := json.MarshalIndent(z, "", "    ")
		if err != nil {
			return err
		}
		return s.Set(ctx, "zarr.json", b)
	}
	b, err := json.MarshalIndent(map[string]any{"zarr_consolidated_format": 1, "metadata": meta}, "", "    ")
	if err != nil {
		return err
	}
	return s.Set(ctx, ".zmetadata", b)
}

// consolidated serves metadata keys from consolidated metadata and
// everything else from the store underneath.
type consolidated struct {
	Store
	meta map[string][]byte
}

func (c *consolidated) Get(ctx context.Context, key string) ([]byte, error) {
	if b, ok := c.meta[key]; ok {
		return append([]byte(nil), b...), nil
	}
	_, base := splitPath(key)
	switch base {
	case ".zarray", ".zgroup", ".zattrs", "zarr.json":
		return nil, notExist(key)
	}
	return c.Store.Get(ctx, key)
}

func (c *consolidated) GetRange(ctx context.Context, key string, off, n int64) ([]byte, error) {
	return getRange(ctx, c.Store, key, off, n)
}

// OpenRanges reads ranges of one generation of the underlying store's
// value (openRanges).
func (c *consolidated) OpenRanges(ctx context.Context, key string) (RangeReader, error) {
	return openRanges(ctx, c.Store, key)
}

// identity is the underlying store's, so writes through the wrapper and
// the store take the same chunk locks.
func (c *consolidated) identity() string { return storeIdentity(c.Store) }

func (c *consolidated) metaKeys() iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for k := range c.meta {
			if !yield(k, nil) {
				return
			}
		}
	}
}

// URL passes through the underlying store's URL.
func (c *consolidated) URL() string {
	if u, ok := c.Store.(URLer); ok {
		return u.URL()
	}
	return ""
}

// OpenConsolidated reads the store's consolidated metadata (v2 .zmetadata
// or v3 inline) once and returns a store that answers metadata reads from
// it: one request instead of one per node, which matters over HTTP.
//
// path names the group holding the consolidated metadata ("" for the root);
// the keys it lists are taken relative to it.
func OpenConsolidated(ctx context.Context, s Store, path string) (Store, error) {
	path, err := cleanPath(path)
	if err != nil {
		return nil, err
	}
	c := &consolidated{Store: s, meta: map[string][]byte{}}
	if b, err := s.Get(ctx, joinKey(path, ".zmetadata")); err == nil {
		var z struct {
			Format   int                        `json:"zarr_consolidated_format"`
			Metadata map[string]json.RawMessage `json:"metadata"`
		}
		if err := json.Unmarshal(b, &z); err != nil || z.Format != 1 {
			return nil, metaErr(".zmetadata", "not consolidated metadata format 1 (%v)", err)
		}
		for k, v := range z.Metadata {
			if ValidKey(k) != nil {
				return nil, metaErr(".zmetadata", "key %q", k)
			}
			c.meta[joinKey(path, k)] = v
		}
		return c, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	rootKey := joinKey(path, "zarr.json")
	root, err := s.Get(ctx, rootKey)
	if err != nil {
		return nil, fmt.Errorf("%w: no consolidated metadata at %q (%v)", ErrNotFound, path, err)
	}
	var z struct {
		CM *struct {
			Kind     string                     `json:"kind"`
			Metadata map[string]json.RawMessage `json:"metadata"`
		} `json:"consolidated_metadata"`
	}
	if err := json.Unmarshal(root, &z); err != nil {
		return nil, metaErr("zarr.json", "%v", err)
	}
	if z.CM == nil || z.CM.Kind != "inline" {
		return nil, fmt.Errorf("%w: zarr.json has no inline consolidated metadata", ErrNotFound)
	}
	for p, v := range z.CM.Metadata {
		k := joinKey(joinKey(path, p), "zarr.json")
		if ValidKey(k) != nil {
			return nil, metaErr(rootKey, "consolidated path %q", p)
		}
		c.meta[k] = v
	}
	c.meta[rootKey] = root
	return c, nil
}
