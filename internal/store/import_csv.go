package store

import (
	"context"
	"errors"
	"io"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/exchange"
)

// ImportCSV loads one CSV file of one kind.
func (s *Store) ImportCSV(ctx context.Context, v access.Viewer, kind *exchange.Kind, file string, r io.Reader) (exchange.Report, error) {
	return exchange.Report{}, errors.New("ImportCSV: CSV import is not available yet")
}
