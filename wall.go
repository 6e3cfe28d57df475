package rapport

import (
	"context"
	"strings"
	"time"
)

// Wall is an information barrier ("Chinese wall"): the customers it covers exist only
// for the members of its teams. It covers the customers chosen for it and, through
// links, the people and subsidiaries of a covered organisation and the organisations
// a covered customer owns.
type Wall struct {
	ID          ID            `json:"id"`
	Name        string        `json:"name"`
	Description string        `json:"description,omitempty"`
	Teams       []TeamRef     `json:"teams"`
	Customers   []CustomerRef `json:"customers"`     // chosen
	Covered     int           `json:"covered_count"` // the chosen and those reached through links
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
}

// CustomerRef names a customer.
type CustomerRef struct {
	ID   ID           `json:"id"`
	Name string       `json:"name"`
	Kind CustomerKind `json:"kind"`
}

func (w *Wall) Validate() error {
	p := Problems{}
	w.Name = strings.TrimSpace(w.Name)
	if w.Name == "" {
		p.Add("name", "a wall needs a name, such as the project it protects")
	}
	checkText(p, "name", w.Name, 100)
	checkText(p, "description", w.Description, 2000)
	return p.Err()
}

// WallUpdate changes the fields that are not nil; the lists replace the current ones.
type WallUpdate struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
	TeamIDs     *[]ID   `json:"team_ids"`
	CustomerIDs *[]ID   `json:"customer_ids"`
}

// Apply copies the name and description; the store replaces the lists.
func (u WallUpdate) Apply(w *Wall) {
	set(&w.Name, u.Name)
	set(&w.Description, u.Description)
}

// WallService manages walls; every method is for admins only.
type WallService interface {
	FindWalls(ctx context.Context, s Scope) ([]*Wall, error)
	FindWallByID(ctx context.Context, s Scope, id ID) (*Wall, error)
	CreateWall(ctx context.Context, s Scope, w *Wall, teamIDs, customerIDs []ID) error
	UpdateWall(ctx context.Context, s Scope, id ID, u WallUpdate) (*Wall, error)
	DeleteWall(ctx context.Context, s Scope, id ID) error
}
