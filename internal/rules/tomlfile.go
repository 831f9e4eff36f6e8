package rules

import (
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// A profile file is TOML. It is read in two steps: the document into a tree
// of tables that remembers the line of every key (this file), then the tree
// into a profile (profilefile.go), so that every problem can be reported
// with its line and field, all of them at once rather than the first only.
//
// The parser is go-toml's unstable AST parser: it gives the position of
// every key, which the decoding libraries do not expose.

// tval is a value of the document with the line of its key.
type tval struct {
	line int
	kind unstable.Kind // String, Integer, Bool, LocalDate, Array, Table, ...
	s    string        // String, Bool ("true"/"false"), LocalDate, and the raw text of other scalars
	n    int64         // Integer
	nOK  bool          // Integer: s is a decimal integer that fits
	arr  []*tval       // Array; also an array of tables ([[x]])
	tbl  *ttable       // Table and InlineTable
	// arrTables: an array made by [[x]] headers, which more headers extend.
	arrTables bool
}

// ttable is a table of the document: its keys in order, with their values.
type ttable struct {
	line     int
	keys     []string
	vals     map[string]*tval
	explicit bool // defined by a [header] (a second one is an error)
	inline   bool // an inline table, closed to later additions
}

func newTable(line int) *ttable { return &ttable{line: line, vals: map[string]*tval{}} }

func (t *ttable) set(k string, v *tval) {
	t.keys = append(t.keys, k)
	t.vals[k] = v
}

type tomlReader struct {
	p    unstable.Parser
	data []byte
	errs []ProfileError
}

func (r *tomlReader) lineOf(rg unstable.Range) int {
	if int(rg.Offset) > len(r.data) {
		return 0
	}
	return r.p.Shape(rg).Start.Line
}

func (r *tomlReader) fail(line int, field, msg string) {
	r.errs = append(r.errs, ProfileError{Line: line, Field: field, Msg: msg})
}

// keyOf returns the parts of a node's (possibly dotted) key and its line.
func (r *tomlReader) keyOf(n *unstable.Node) ([]string, int) {
	var parts []string
	line := 0
	it := n.Key()
	for it.Next() {
		k := it.Node()
		if line == 0 {
			line = r.lineOf(k.Raw)
		}
		parts = append(parts, string(k.Data))
	}
	return parts, line
}

// parseTOML reads a document into its tree of tables. A syntax error ends
// the reading: what follows it cannot be read reliably.
func parseTOML(data []byte) (*ttable, []ProfileError) {
	r := &tomlReader{data: data}
	r.p.Reset(data)
	root := newTable(1)
	root.explicit = true
	cur := root
	for r.p.NextExpression() {
		e := r.p.Expression()
		switch e.Kind {
		case unstable.KeyValue:
			keys, line := r.keyOf(e)
			r.setKey(cur, keys, r.value(e.Value(), line), line)
		case unstable.Table, unstable.ArrayTable:
			keys, line := r.keyOf(e)
			cur = r.header(root, keys, line, e.Kind == unstable.ArrayTable)
		}
	}
	if err := r.p.Error(); err != nil {
		line := 0
		msg := err.Error()
		if pe, ok := err.(*unstable.ParserError); ok && pe.Highlight != nil {
			off := cap(data) - cap(pe.Highlight)
			if off >= 0 && off <= len(data) {
				line = 1 + strings.Count(string(data[:off]), "\n")
			}
		}
		r.fail(line, "", "not valid TOML: "+msg)
	}
	return root, r.errs
}

// value converts a value node.
func (r *tomlReader) value(n *unstable.Node, line int) *tval {
	v := &tval{line: line, kind: n.Kind}
	switch n.Kind {
	case unstable.Integer:
		v.s = string(n.Data)
		if i, err := strconv.ParseInt(strings.ReplaceAll(v.s, "_", ""), 10, 64); err == nil {
			v.n, v.nOK = i, true
		}
	case unstable.Array:
		it := n.Children()
		for it.Next() {
			c := it.Node()
			if c.Kind == unstable.Comment {
				continue
			}
			v.arr = append(v.arr, r.value(c, line))
		}
	case unstable.InlineTable:
		v.kind = unstable.Table
		v.tbl = newTable(line)
		v.tbl.explicit = true
		it := n.Children()
		for it.Next() {
			kv := it.Node()
			if kv.Kind != unstable.KeyValue {
				continue
			}
			keys, kline := r.keyOf(kv)
			if kline == 0 {
				kline = line
			}
			r.setKey(v.tbl, keys, r.value(kv.Value(), kline), kline)
		}
		v.tbl.inline = true
	default:
		v.s = string(n.Data)
	}
	return v
}

// setKey sets a (possibly dotted) key of t.
func (r *tomlReader) setKey(t *ttable, keys []string, v *tval, line int) {
	for i, k := range keys {
		last := i == len(keys)-1
		old, ok := t.vals[k]
		if last {
			if ok {
				r.fail(line, strings.Join(keys, "."), "given twice (first on line "+strconv.Itoa(old.line)+")")
				return
			}
			t.set(k, v)
			return
		}
		if !ok {
			nt := newTable(line)
			t.set(k, &tval{line: line, kind: unstable.Table, tbl: nt})
			t = nt
			continue
		}
		if old.kind != unstable.Table || old.tbl.inline {
			r.fail(line, strings.Join(keys[:i+1], "."), "already given as a value on line "+strconv.Itoa(old.line))
			return
		}
		t = old.tbl
	}
}

// header opens the table of a [a.b] or [[a.b]] header and returns it.
func (r *tomlReader) header(root *ttable, keys []string, line int, array bool) *ttable {
	t := root
	orphan := newTable(line) // where the keys of a bad header go, unreported
	for i, k := range keys {
		last := i == len(keys)-1
		old, ok := t.vals[k]
		switch {
		case !ok && last && array:
			nt := newTable(line)
			nt.explicit = true
			t.set(k, &tval{line: line, kind: unstable.Array, arrTables: true, arr: []*tval{{line: line, kind: unstable.Table, tbl: nt}}})
			return nt
		case !ok:
			nt := newTable(line)
			nt.explicit = last
			t.set(k, &tval{line: line, kind: unstable.Table, tbl: nt})
			t = nt
		case old.arrTables && last && array:
			nt := newTable(line)
			nt.explicit = true
			old.arr = append(old.arr, &tval{line: line, kind: unstable.Table, tbl: nt})
			return nt
		case old.arrTables && !last:
			t = old.arr[len(old.arr)-1].tbl
		case old.kind == unstable.Table && !old.tbl.inline && !array:
			if last {
				if old.tbl.explicit {
					r.fail(line, strings.Join(keys, "."), "table given twice (first on line "+strconv.Itoa(old.line)+")")
					return orphan
				}
				old.tbl.explicit = true
			}
			t = old.tbl
		case old.kind == unstable.Table && !old.tbl.inline && !last:
			t = old.tbl
		default:
			r.fail(line, strings.Join(keys[:i+1], "."), "already given on line "+strconv.Itoa(old.line))
			return orphan
		}
	}
	return t
}
