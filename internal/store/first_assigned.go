package store

// firstAssignedSQL is the contract's first_assigned of case c as of the
// date $1 (version 2): the earlier of the date the system of record gave
// (cases.first_assigned, from a facts import) and the first assignment kept
// here that began on or after received and on or before the date. The
// engine reads it only for case.assignment: a reassigned case keeps its
// first assignment, so a reassignment is not a late assignment.
const firstAssignedSQL = `(SELECT least(c.first_assigned, min(lower(h.during))) FROM case_assignments h
		WHERE h.case_id = c.id AND lower(h.during) <= $1::date AND (c.received IS NULL OR lower(h.during) >= c.received))`
