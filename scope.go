package rapport

// Role is what a staff user may do.
type Role string

const (
	RoleAdmin   Role = "admin"   // manages users, teams and walls; sees through walls (audited)
	RoleManager Role = "manager" // works with customers and leads a team
	RoleAgent   Role = "agent"   // works with customers
	RoleAnalyst Role = "analyst" // reads customers and writes notes; changes nothing else
)

var Roles = []Role{RoleAdmin, RoleManager, RoleAgent, RoleAnalyst}

func (r Role) Valid() bool {
	for _, v := range Roles {
		if r == v {
			return true
		}
	}
	return false
}

// ActorKind says who acts: a staff user, a customer (through the portal) or a system.
type ActorKind string

const (
	ActorStaff    ActorKind = "staff"
	ActorCustomer ActorKind = "customer"
	ActorSystem   ActorKind = "system"
)

// Scope is who is asking and from where. Every store method that reads or writes
// customer data takes one and its SQL applies it: walls, note visibility and roles are
// enforced where the data is read, so lists, search, counts and exports cannot leak.
// Writes are recorded in the audit trail under the scope.
type Scope struct {
	Kind   ActorKind
	UserID ID // the staff user, for ActorStaff
	// CustomerID is the signed-in customer, for ActorCustomer; zero for an anonymous
	// portal visitor.
	CustomerID ID
	Role       Role   // the staff user's role
	TokenID    ID     // the API token used, if any
	Via        string // "web", "api" or "cli"
	Addr       string // the client's address, or the host for the CLI
}

// SystemScope is the scope of the rapport command itself (migrate, demo, import):
// the operator running it has the database in hand and sees everything.
func SystemScope(addr string) Scope {
	return Scope{Kind: ActorSystem, Via: "cli", Addr: addr}
}

// JobScope is the scope of background jobs run by a server on the host addr.
func JobScope(addr string) Scope {
	return Scope{Kind: ActorSystem, Via: "job", Addr: addr}
}

// CustomerScope is the scope of a customer signed in to the portal.
func CustomerScope(customerID ID, addr string) Scope {
	return Scope{Kind: ActorCustomer, CustomerID: customerID, Via: "portal", Addr: addr}
}

// StaffScope is the scope of a signed-in staff user.
func StaffScope(u *User, via, addr string) Scope {
	return Scope{Kind: ActorStaff, UserID: u.ID, Role: u.Role, Via: via, Addr: addr}
}

// SeesThroughWalls reports whether information barriers do not apply to the actor.
func (s Scope) SeesThroughWalls() bool {
	return s.Kind == ActorSystem || (s.Kind == ActorStaff && s.Role == RoleAdmin)
}

// IsAdmin reports whether the actor may manage users, teams, walls and read the audit trail.
func (s Scope) IsAdmin() bool {
	return s.Kind == ActorSystem || (s.Kind == ActorStaff && s.Role == RoleAdmin)
}

// CanWriteCustomers reports whether the actor may create and change customers and their
// interactions.
func (s Scope) CanWriteCustomers() bool {
	if s.Kind == ActorSystem {
		return true
	}
	return s.Kind == ActorStaff && (s.Role == RoleAdmin || s.Role == RoleManager || s.Role == RoleAgent)
}

// CanDeleteCustomers reports whether the actor may delete customers.
func (s Scope) CanDeleteCustomers() bool {
	return s.Kind == ActorSystem || (s.Kind == ActorStaff && (s.Role == RoleAdmin || s.Role == RoleManager))
}

// CanWriteNotes reports whether the actor may write notes: every staff member can share
// what they know.
func (s Scope) CanWriteNotes() bool {
	return s.Kind == ActorStaff || s.Kind == ActorSystem
}

// Require returns EFORBIDDEN with the message unless ok.
func Require(ok bool, what string) error {
	if ok {
		return nil
	}
	return Errorf(EFORBIDDEN, "your role may not %s", what)
}

// CanExportPersonalData reports whether the actor may export everything Rapport holds
// about one customer, to answer their request for their data: admins and managers, who
// may also erase it.
func (s Scope) CanExportPersonalData() bool { return s.CanDeleteCustomers() }

// CanExportCustomers reports whether the actor may export lists of customers (a
// segment's members): admins, managers and analysts, not agents, whose work is with
// one customer at a time.
func (s Scope) CanExportCustomers() bool {
	if s.Kind == ActorSystem {
		return true
	}
	return s.Kind == ActorStaff && (s.Role == RoleAdmin || s.Role == RoleManager || s.Role == RoleAnalyst)
}
