package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/rules"
)

// UnitData is everything the unit dashboard is computed from, read at one
// moment: the roster, the rules engine's facts with their ids, the open
// cases by number, and the supervision records held since a date.
type UnitData struct {
	Roster  UnitRoster
	Facts   rules.Facts
	IDs     FactIDs
	Cases   map[string]CaseRef
	Records []RecordDates
}

// UnitRead reads a unit's dashboard data in one read-only transaction at
// one snapshot (so the roster, the facts and the lists agree), checking the
// viewer's reach once: ErrNotFound unless the viewer supervises the unit or
// is the casework supervisor over it on the date. It records no view (the
// page's UnitView does). A fixed number of queries, whatever the unit's size.
func (s *Store) UnitRead(ctx context.Context, v access.Viewer, unitID int64, on, recordsSince time.Time) (UnitData, error) {
	var d UnitData
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		var err error
		if d.Roster, err = readRoster(ctx, tx, v, unitID, on); err != nil { // checks the reach
			return err
		}
		rows, err := tx.Query(ctx, `SELECT worker_id FROM unit_members WHERE unit_id = $1 AND during @> $2::date ORDER BY worker_id`, unitID, on)
		if err != nil {
			return err
		}
		workers, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		if d.Facts, d.IDs, err = loadFacts(ctx, tx, workers, on); err != nil {
			return err
		}
		if d.Cases, err = readUnitCases(ctx, tx, unitID, on); err != nil {
			return err
		}
		d.Records, err = readUnitRecords(ctx, tx, unitID, on, recordsSince)
		return err
	})
	if err != nil {
		return UnitData{}, fmt.Errorf("UnitRead(%d): %w", unitID, err)
	}
	return d, nil
}
