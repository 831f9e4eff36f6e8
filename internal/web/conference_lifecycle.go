package web

import (
	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/conference"
	"github.com/casework/casework/internal/store"
)

// partOf is the viewer's part in a record, as the lifecycle names it
// (internal/conference): its author, its recipient, or a reader above it.
func partOf(v access.Viewer, rec store.ConferenceRecord) conference.Relation {
	return conference.Parties{Kind: conference.Kind(rec.Kind), Supervisor: rec.SupervisorID,
		Worker: rec.WorkerID, CaseworkSupervisor: rec.CaseworkSupervisorID}.RelationOf(v.PersonID)
}

// may asks the lifecycle whether the viewer may take the action on the
// record as it stands, and why not.
func may(v access.Viewer, rec store.ConferenceRecord, a conference.Action) (bool, conference.Reason) {
	return conference.Can(partOf(v, rec), a, conference.Status(rec.Status))
}

// isHeld reports whether the record is signed or later: a conference held,
// whose content is final.
func isHeld(rec store.ConferenceRecord) bool { return conference.Status(rec.Status).Held() }
