package exchange

import (
	"bufio"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/casework/casework/internal/rules"
)

// FactsWriter writes facts in the rules contract's JSON as a stream: the
// header, then staff, cases, conferences and events one element at a time, so
// that a state-sized agency is written without holding it in memory. Each
// element is one line, its keys in the contract's order; absent optional
// fields are left out. The sections must be written in order (Header, Staff*,
// Case*, Conference*, Event*), then Close.
type FactsWriter struct {
	w       *bufio.Writer
	buf     []byte
	section int // index into sections of the section open, -1 before Header
	n       int // elements in the open section
	err     error
}

var sections = [...]string{"staff", "cases", "conferences", "events", "emergent", "mvr_reviews"}

// requiredSections are written even when empty; the others (this app's
// additions: emergent requests, visit plan reviews) only once one of their
// elements is written, or a later section is.
const requiredSections = 4

// NewFactsWriter starts writing facts to w.
func NewFactsWriter(w io.Writer) *FactsWriter {
	return &FactsWriter{w: bufio.NewWriterSize(w, 64<<10), section: -1}
}

// Header writes as_of, profile and, when set, the holiday list.
func (fw *FactsWriter) Header(asOf rules.Date, profile string, holidays []rules.Date, holidaysSet bool) error {
	if fw.section != -1 {
		return fw.fail(errors.New("FactsWriter: Header written twice"))
	}
	b := append(fw.buf[:0], "{\n  \"as_of\": "...)
	b = appendDate(b, asOf)
	if profile != "" {
		b = append(b, ",\n  \"profile\": "...)
		b = appendString(b, profile)
	}
	if holidaysSet || len(holidays) > 0 {
		b = append(b, ",\n  \"holidays\": ["...)
		for i, h := range holidays {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendDate(b, h)
		}
		b = append(b, ']')
	}
	fw.section = 0
	b = append(b, ",\n  \"staff\": ["...)
	return fw.write(b)
}

// open moves to the section of the element about to be written.
func (fw *FactsWriter) open(section int) []byte {
	b := fw.buf[:0]
	if fw.section < 0 {
		fw.fail(errors.New("FactsWriter: Header not written"))
		return b
	}
	for fw.section < section {
		if fw.n > 0 {
			b = append(b, "\n  "...)
		}
		fw.section++
		fw.n = 0
		b = append(b, "],\n  \""...)
		b = append(b, sections[fw.section]...)
		b = append(b, "\": ["...)
	}
	if fw.section > section {
		fw.fail(errors.New("FactsWriter: sections out of order"))
	}
	if fw.n > 0 {
		b = append(b, ',')
	}
	b = append(b, "\n    "...)
	fw.n++
	return b
}

// Staff writes one staff member.
func (fw *FactsWriter) Staff(s rules.Staff) error {
	b := fw.open(0)
	o := object{b: b}
	o.str("id", s.ID, true)
	o.str("role", s.Role, true)
	o.str("name", s.Name, false)
	o.str("reports_to", s.ReportsTo, false)
	o.date("since", s.Since)
	o.date("experience_start", s.ExperienceStart)
	return fw.write(o.end())
}

// Case writes one case with its risk history.
func (fw *FactsWriter) Case(c rules.Case) error {
	b := fw.open(1)
	o := object{b: b}
	o.str("id", c.ID, true)
	o.str("worker", c.Worker, false)
	o.date("received", c.Received)
	o.date("assigned", c.Assigned)
	if !c.FirstAssigned.IsZero() && c.FirstAssigned != c.Assigned {
		o.date("first_assigned", c.FirstAssigned)
	}
	o.str("setting", c.Setting, false)
	o.date("placement_date", c.PlacementDate)
	o.date("scr_assigned", c.SCRAssigned)
	if len(c.Risk) > 0 {
		o.key("risk")
		o.b = append(o.b, '[')
		for i, r := range c.Risk {
			if i > 0 {
				o.b = append(o.b, ", "...)
			}
			o.b = append(o.b, `{"level": `...)
			o.b = appendString(o.b, r.Level)
			o.b = append(o.b, `, "from": `...)
			o.b = appendDate(o.b, r.From)
			o.b = append(o.b, '}')
		}
		o.b = append(o.b, ']')
	}
	o.str("goal", c.Goal, false)
	o.date("court_next", c.CourtNext)
	o.date("closing", c.Closing)
	o.date("closed", c.Closed)
	if len(c.MVR) > 0 {
		o.key("mvr")
		o.b = append(o.b, '[')
		for i, m := range c.MVR {
			if i > 0 {
				o.b = append(o.b, ", "...)
			}
			o.b = append(o.b, `{"from": `...)
			o.b = appendDate(o.b, m.From)
			o.b = append(o.b, `, "child": `...)
			o.b = strconv.AppendInt(o.b, int64(m.Child), 10)
			o.b = append(o.b, `, "parents": `...)
			o.b = strconv.AppendInt(o.b, int64(m.Parents), 10)
			o.b = append(o.b, `, "provider": `...)
			o.b = strconv.AppendInt(o.b, int64(m.Provider), 10)
			o.b = append(o.b, '}')
		}
		o.b = append(o.b, ']')
	}
	o.date("safety_plan_start", c.SafetyPlanStart)
	o.date("safety_plan_end", c.SafetyPlanEnd)
	o.date("siblings_apart_start", c.SiblingsApartStart)
	o.date("siblings_apart_end", c.SiblingsApartEnd)
	return fw.write(o.end())
}

// Conference writes one conference with the cases discussed.
func (fw *FactsWriter) Conference(k rules.Conference) error {
	b := fw.open(2)
	o := object{b: b}
	o.str("id", k.ID, true)
	o.str("kind", k.Kind, true)
	o.date("date", k.Date)
	o.str("supervisor", k.Supervisor, false)
	o.str("worker", k.Worker, false)
	o.str("casework_supervisor", k.CaseworkSupervisor, false)
	if len(k.Cases) > 0 {
		o.key("cases")
		o.b = append(o.b, '[')
		for i, c := range k.Cases {
			if i > 0 {
				o.b = append(o.b, ", "...)
			}
			o.b = appendString(o.b, c)
		}
		o.b = append(o.b, ']')
	}
	o.date("shared", k.Shared)
	return fw.write(o.end())
}

// Event writes one event.
func (fw *FactsWriter) Event(e rules.Event) error {
	b := fw.open(3)
	o := object{b: b}
	o.str("case", e.Case, true)
	o.str("kind", e.Kind, true)
	o.date("date", e.Date)
	return fw.write(o.end())
}

// Emergent writes one emergent request (after the events).
func (fw *FactsWriter) Emergent(q rules.EmergentRequest) error {
	b := fw.open(4)
	o := object{b: b}
	o.str("id", q.ID, true)
	o.str("case", q.Case, false)
	o.str("requested_by", q.RequestedBy, false)
	o.str("casework_supervisor", q.CaseworkSupervisor, true)
	o.date("made", q.Made)
	if q.AfterClosing {
		o.key("after_closing")
		o.b = append(o.b, "true"...)
	}
	o.date("held", q.Held)
	return fw.write(o.end())
}

// MVRReview writes one review of a worker's visit plans (after the
// emergent requests).
func (fw *FactsWriter) MVRReview(r rules.MVRReview) error {
	b := fw.open(5)
	o := object{b: b}
	o.str("worker", r.Worker, true)
	o.str("supervisor", r.Supervisor, false)
	o.date("date", r.Date)
	return fw.write(o.end())
}

// Close ends the document (writing any empty sections) and flushes.
func (fw *FactsWriter) Close() error {
	if fw.err != nil {
		return fw.err
	}
	if fw.section < 0 {
		return fw.fail(errors.New("FactsWriter: Header not written"))
	}
	b := fw.buf[:0]
	for fw.section < requiredSections-1 {
		if fw.n > 0 {
			b = append(b, "\n  "...)
		}
		fw.section++
		fw.n = 0
		b = append(b, "],\n  \""...)
		b = append(b, sections[fw.section]...)
		b = append(b, "\": ["...)
	}
	if fw.n > 0 {
		b = append(b, "\n  "...)
	}
	b = append(b, "]\n}\n"...)
	if err := fw.write(b); err != nil {
		return err
	}
	if err := fw.w.Flush(); err != nil {
		return fw.fail(err)
	}
	return nil
}

func (fw *FactsWriter) write(b []byte) error {
	fw.buf = b[:0]
	if fw.err != nil {
		return fw.err
	}
	if _, err := fw.w.Write(b); err != nil {
		return fw.fail(err)
	}
	return nil
}

func (fw *FactsWriter) fail(err error) error {
	if fw.err == nil {
		fw.err = err
	}
	return fw.err
}

// object appends one JSON object's fields in order, leaving out absent ones.
type object struct {
	b []byte
	n int
}

func (o *object) key(k string) {
	if o.n == 0 {
		o.b = append(o.b, '{')
	} else {
		o.b = append(o.b, ", "...)
	}
	o.n++
	o.b = appendString(o.b, k)
	o.b = append(o.b, ": "...)
}

func (o *object) str(k, v string, always bool) {
	if v == "" && !always {
		return
	}
	o.key(k)
	o.b = appendString(o.b, v)
}

func (o *object) date(k string, d rules.Date) {
	if d.IsZero() {
		return
	}
	o.key(k)
	o.b = appendDate(o.b, d)
}

func (o *object) end() []byte {
	if o.n == 0 {
		return append(o.b, "{}"...)
	}
	return append(o.b, '}')
}

func appendDate(b []byte, d rules.Date) []byte {
	if d.IsZero() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = append(b, d.String()...)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, as encoding/json does without
// HTML escaping; invalid UTF-8 becomes U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
