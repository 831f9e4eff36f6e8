package domain

import "time"

// The agency's structure, its people and its imports, as administrators
// manage them (internal/store/admin_structure.go, admin_people.go, import.go).

// AdminOffice is an office with its units.
type AdminOffice struct {
	ID     int64  `db:"id"`
	Name   string `db:"name"`
	County string `db:"county"`
	Active bool   `db:"active"`
	Units  []AdminUnit
}

// AdminUnit is a unit with who supervises it and how many work in it on the date.
type AdminUnit struct {
	ID           int64   `db:"id"`
	OfficeID     int64   `db:"office_id"`
	Name         string  `db:"name"`
	Active       bool    `db:"active"`
	SupervisorID *int64  `db:"supervisor_id"`
	Supervisor   *string `db:"supervisor"`
	Workers      int     `db:"workers"`
	OpenCases    int     `db:"open_cases"`
}

// AdminCase is one case in the assignment list: who holds it, no content.
type AdminCase struct {
	ID         int64      `db:"id"`
	CaseNumber string     `db:"case_number"`
	FamilyName string     `db:"family_name"`
	Office     string     `db:"office"`
	WorkerID   *int64     `db:"worker_id"`
	Worker     *string    `db:"worker"`
	Unit       *string    `db:"unit"`
	Assigned   *time.Time `db:"assigned"`
	Received   *time.Time `db:"received"`
}

// CaseFilter chooses the cases of the assignment list: open cases of a unit,
// of a worker, or not assigned; or found by number or family name.
type CaseFilter struct {
	UnitID     int64
	WorkerID   int64
	Unassigned bool
	Search     string
}

// AdminPerson is one person as administrators see them: their account and
// post, nothing of their cases' or conferences' content.
type AdminPerson struct {
	ID                 int64      `db:"id"`
	SourceID           *string    `db:"source_id"`
	FullName           string     `db:"full_name"`
	Email              string     `db:"email"`
	Role               string     `db:"role"`
	OfficeID           *int64     `db:"office_id"`
	Office             *string    `db:"office"`
	ExperienceStart    *time.Time `db:"experience_start"`
	Active             bool       `db:"active"`
	HasPassword        bool       `db:"has_password"`
	MustChangePassword bool       `db:"must_change_password"`
	Post               string     `db:"post"` // the post held on the date, in words
}

// Post is one position of a person over time.
type Post struct {
	What   string     `db:"what"` // "member of", "supervisor of", "reports to"
	Target string     `db:"target"`
	Since  time.Time  `db:"since"`
	Until  *time.Time `db:"until"`
}

// PeopleFilter narrows the people list.
type PeopleFilter struct {
	Role     string
	OfficeID int64
	Search   string // in the name, email or source id
	Inactive bool   // include deactivated people
}

// PersonForm is what an administrator types about a person.
type PersonForm struct {
	SourceID        string
	FullName        string
	Email           string
	Role            string
	OfficeID        int64
	ExperienceStart time.Time
}

// ImportRecord is one import as the administrators' list shows it.
type ImportRecord struct {
	ID       int64                  `db:"id"`
	Kind     string                 `db:"kind"`
	FileName string                 `db:"file_name"`
	RunBy    string                 `db:"run_by"`
	At       time.Time              `db:"at"`
	Counts   map[string]ImportCount `db:"counts"`
}

// ImportCount is what an import did to one kind of record.
type ImportCount struct {
	Name      string `json:"-"`
	Created   int    `json:"created"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
}
