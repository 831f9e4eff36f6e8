package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/rules/rulescli"
	"github.com/casework/casework/internal/store"
)

func cmdRules(args []string) int {
	return rulescli.MainWith(rulesDatabase(os.Getenv("DATABASE_URL")), args, os.Stdin, os.Stdout, os.Stderr)
}

// rulesDatabase lets `casework rules list` and `profile show` read the
// profiles an administrator uploaded (store.PolicyProfile).
func rulesDatabase(url string) rulescli.Database {
	return rulescli.Database{URL: url, Open: func(ctx context.Context, url string) (func(context.Context, string) (*rules.Profile, error), func(), error) {
		st, err := store.Open(ctx, url)
		if err != nil {
			return nil, nil, err
		}
		read := func(ctx context.Context, id string) (*rules.Profile, error) {
			p, err := st.PolicyProfile(ctx, id)
			if errors.Is(err, store.ErrNotFound) {
				return nil, fmt.Errorf("%s: %w", id, rulescli.ErrUnknownProfile)
			}
			return p, err
		}
		return read, st.Close, nil
	}}
}
