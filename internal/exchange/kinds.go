package exchange

import (
	"strconv"

	"github.com/casework/casework/internal/rules"
)

// ColType is how a CSV column's values are read.
type ColType int

const (
	Text  ColType = iota // any text; empty means none
	Date                 // YYYY-MM-DD
	Enum                 // one of Values
	Bool                 // true/false (also yes/no, 1/0)
	Email                // an email address, kept in lower case
)

// Column is one column of a CSV kind.
type Column struct {
	Name     string
	Type     ColType
	Values   []string // Enum: the allowed values
	Required bool     // a value is required in every row
	Doc      string   // what it holds, for docs/import.md and the upload page
}

// Kind is one kind of CSV import: its columns (the header names them; order
// is free) and what identifies a row.
type Kind struct {
	Name    string
	Title   string
	Key     string // what identifies a row, in words
	Columns []Column
	// check looks across the columns of one row whose values all parsed.
	check func(c *CSVReader, add func(column, format string, args ...any))
}

// Roles a staff row may have; administrators are managed in the browser.
var staffRoles = []string{rules.RoleWorker, rules.RoleSupervisor, rules.RoleCaseworkSupervisor}

// Goals are the case goals the database knows.
var Goals = []string{"reunification", "adoption", "kinship_legal_guardianship", "independent_living",
	"remain_home", "relative_placement", "other_planned_living"}

// Kinds lists the CSV kinds, in the order an agency loads them (each refers
// to the ones before).
var Kinds = []*Kind{
	{
		Name: "staff", Title: "Staff", Key: "staff_id",
		Columns: []Column{
			{Name: "staff_id", Required: true, Doc: "the person's id in the system of record"},
			{Name: "role", Type: Enum, Values: staffRoles, Required: true, Doc: "worker, supervisor or casework_supervisor (administrators are added in the browser)"},
			{Name: "full_name", Required: true, Doc: "the person's name"},
			{Name: "email", Type: Email, Required: true, Doc: "sign-in address, unique"},
			{Name: "office", Required: true, Doc: "office name; created if new"},
			{Name: "unit", Doc: "unit name within the office (created if new): the unit a worker belongs to, or the unit a supervisor supervises; empty for a casework supervisor"},
			{Name: "since", Type: Date, Doc: "the date the person took this post (joined the unit, began supervising it); required for workers and supervisors"},
			{Name: "reports_to", Doc: "supervisors: the staff_id of their casework supervisor; empty otherwise"},
			{Name: "experience_start", Type: Date, Doc: "workers: start of their casework experience (default: since)"},
			{Name: "active", Type: Bool, Doc: "false deactivates the account (records are kept); default true"},
		},
	},
	{
		Name: "cases", Title: "Cases", Key: "case_id",
		Columns: []Column{
			{Name: "case_id", Required: true, Doc: "the case number in the system of record"},
			{Name: "family_name", Required: true, Doc: "the family's name"},
			{Name: "office", Required: true, Doc: "the office holding the case (must exist)"},
			{Name: "setting", Type: Enum, Values: []string{rules.SettingInHome, rules.SettingOutOfHome}, Required: true, Doc: "in_home or out_of_home"},
			{Name: "placement_date", Type: Date, Doc: "date of the current placement; required for out_of_home"},
			{Name: "goal", Type: Enum, Values: Goals, Doc: "the permanency goal; empty: not yet set (the case plan sets it within 60 days of the report)"},
			{Name: "court_involved", Type: Bool, Doc: "the case is before the court; default: true when court_next is given"},
			{Name: "court_next", Type: Date, Doc: "next court date"},
			{Name: "scr_assigned", Type: Date, Doc: "date the case was assigned by the State Central Registry"},
			{Name: "received", Type: Date, Doc: "date the case was received by the office"},
			{Name: "closing", Type: Date, Doc: "planned closing date"},
			{Name: "closed", Type: Date, Doc: "date the case was closed"},
			{Name: "safety_plan_start", Type: Date, Doc: "the day the case's Safety Protection Plan took effect"},
			{Name: "safety_plan_end", Type: Date, Doc: "the day it was satisfied (empty while in force)"},
		},
	},
	{
		Name: "assignments", Title: "Case assignments", Key: "case_id and assigned",
		Columns: []Column{
			{Name: "case_id", Required: true, Doc: "the case (must exist)"},
			{Name: "worker_id", Required: true, Doc: "the staff_id of the worker (must exist)"},
			{Name: "assigned", Type: Date, Required: true, Doc: "the date the worker took the case"},
		},
	},
	{
		Name: "risk", Title: "Risk assessments", Key: "case_id and assessed_on",
		Columns: []Column{
			{Name: "case_id", Required: true, Doc: "the case (must exist)"},
			{Name: "level", Type: Enum, Values: []string{rules.RiskLow, rules.RiskModerate, rules.RiskHigh, rules.RiskVeryHigh}, Required: true, Doc: "low, moderate, high or very_high"},
			{Name: "assessed_on", Type: Date, Required: true, Doc: "the date of the assessment; it holds until the next one"},
		},
	},
	{
		Name: "mvr", Title: "Visit plans (MVR)", Key: "case_id and from_on",
		Columns: []Column{
			{Name: "case_id", Required: true, Doc: "the case (must exist)"},
			{Name: "from_on", Type: Date, Required: true, Doc: "the date the visit plan takes effect; it holds until the next one"},
			{Name: "child", Type: Enum, Values: visitCounts, Required: true, Doc: "visits a calendar month with the child (0 to 31)"},
			{Name: "parents", Type: Enum, Values: visitCounts, Required: true, Doc: "visits a calendar month with the parents (0 to 31)"},
			{Name: "provider", Type: Enum, Values: visitCounts, Required: true, Doc: "visits a calendar month with the placement provider (0 to 31)"},
		},
	},
	{
		Name: "siblings", Title: "Siblings placed apart", Key: "case_id",
		Columns: []Column{
			{Name: "case_id", Required: true, Doc: "the case (must exist)"},
			{Name: "siblings_apart_start", Type: Date, Required: true, Doc: "the day the child's siblings were placed apart (in another placement or at home)"},
			{Name: "siblings_apart_end", Type: Date, Doc: "the day they were together again (empty while apart)"},
		},
	},
	{
		Name: "events", Title: "Events and contacts", Key: "event_id",
		Columns: []Column{
			{Name: "event_id", Required: true, Doc: "the event's id in the system of record"},
			{Name: "case_id", Required: true, Doc: "the case (must exist)"},
			{Name: "kind", Type: Enum, Values: rules.EventKinds(), Required: true, Doc: "one of the rules contract's event kinds"},
			{Name: "date", Type: Date, Required: true, Doc: "the date it happened"},
			{Name: "documented_on", Type: Date, Doc: "the date it was written up in the record"},
			{Name: "approval", Type: Enum, Values: []string{"not_required", "pending", "approved"}, Doc: "the supervisor's approval of a contact; default not_required"},
		},
	},
}

// visitCounts are the visits a month a visit plan may require.
var visitCounts = func() []string {
	out := make([]string, 32)
	for i := range out {
		out[i] = strconv.Itoa(i)
	}
	return out
}()

// LookupKind returns the CSV kind of that name, or nil.
func LookupKind(name string) *Kind {
	for _, k := range Kinds {
		if k.Name == name {
			return k
		}
	}
	return nil
}

// Column returns the column of that name, or nil.
func (k *Kind) Column(name string) *Column {
	for i := range k.Columns {
		if k.Columns[i].Name == name {
			return &k.Columns[i]
		}
	}
	return nil
}

// ColumnNames lists the kind's columns in their documented order.
func (k *Kind) ColumnNames() []string {
	names := make([]string, len(k.Columns))
	for i, c := range k.Columns {
		names[i] = c.Name
	}
	return names
}
