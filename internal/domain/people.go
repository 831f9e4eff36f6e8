package domain

import "time"

// A worker as the workspace shows them, and their contacts awaiting approval.

// WorkerSummary is a worker as the workspace shows them.
type WorkerSummary struct {
	PersonID        int64      `db:"id"`
	Name            string     `db:"full_name"`
	Email           string     `db:"email"`
	ExperienceStart *time.Time `db:"experience_start"`
	UnitID          int64      `db:"unit_id"`
	UnitName        string     `db:"unit_name"`
	Since           time.Time  `db:"since"`
	SupervisorID    int64      `db:"supervisor_id"`
	SupervisorName  string     `db:"supervisor_name"`
	// Stamp is the stamp of the worker's data (as WorkerStamp gives it),
	// read with the worker: their kept evaluation may be used under it.
	Stamp Stamp `db:"stamp"`
}

// PendingContact is a contact recorded and awaiting the supervisor's approval.
type PendingContact struct {
	EventID    int64     `db:"id"`
	CaseID     int64     `db:"case_id"`
	CaseNumber string    `db:"case_number"`
	FamilyName string    `db:"family_name"`
	Kind       string    `db:"kind"`
	On         time.Time `db:"occurred_on"`
}

// MVRReview is one recorded review of a worker's visit plans.
type MVRReview struct {
	ReviewedOn time.Time
	By         string
	Note       string
}
