package sqldb

import (
	"sync"
	"time"

	"github.com/rapportckm/rapport"
)

// setup is how the firm is set up, as every profile page reads it: every user with
// their teams (the last contact by team names them), the active staff and the teams
// an item may be given to, the sources, the active question rules (compiled) and the
// survivorship rules. It changes seldom and was six of a profile page's thirty
// statements, a tenth of its CPU on PostgreSQL, so views share what one of them read.
// Its values are read-only.
type setup struct {
	users        map[rapport.ID]*rapport.User // active or not
	staff        []rapport.UserRef            // the active users, by name
	teams        []rapport.TeamRef
	sources      []*rapport.Source
	questions    questionQuery
	survivorship rapport.Survivorship
}

// setupKeptFor is how long views share the setup they read. A write this process
// commits ends it at once; another process's changes (PostgreSQL serves several, and
// the command line writes too) show within this time.
const setupKeptFor = time.Second

// keptSetup is the setup as last read, with when and after how many of the process's
// writes.
type keptSetup struct {
	mu sync.Mutex
	kept[*setup]
	writes uint64
}

// setup returns the firm's setup, read again when this process has written since or
// when it is older than setupKeptFor; a write transaction reads it afresh, with its
// own changes.
func (tx *Tx) setup() (*setup, error) {
	if tx.tx != nil {
		return tx.readSetup()
	}
	k := &tx.db.setup
	writes, at := tx.db.writes.Load(), time.Now()
	k.mu.Lock()
	v := k.value
	fresh := v != nil && k.writes == writes && at.Sub(k.at) < setupKeptFor
	k.mu.Unlock()
	if fresh {
		return v, nil
	}
	v, err := tx.readSetup()
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	k.kept, k.writes = kept[*setup]{at: at, value: v}, writes
	k.mu.Unlock()
	return v, nil
}

func (tx *Tx) readSetup() (*setup, error) {
	users, err := tx.findUsers("", "")
	if err != nil {
		return nil, err
	}
	v := &setup{users: make(map[rapport.ID]*rapport.User, len(users))}
	for _, u := range users {
		v.users[u.ID] = u
		if u.Active {
			v.staff = append(v.staff, rapport.UserRef{ID: u.ID, Name: u.Name, Email: u.Email})
		}
	}
	if v.teams, err = queryAll(tx, `SELECT id, name FROM teams ORDER BY name`, nil,
		func(rows Scanner) (t rapport.TeamRef, err error) { return t, rows.Scan(&t.ID, &t.Name) }); err != nil {
		return nil, err
	}
	if v.sources, err = tx.findSources(); err != nil {
		return nil, err
	}
	if v.questions, err = tx.compileQuestions(); err != nil {
		return nil, err
	}
	v.survivorship, err = tx.readSurvivorship()
	return v, err
}
