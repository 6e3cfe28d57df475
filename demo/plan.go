package demo

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
)

// profile is how a customer deals with the firm, which decides what they do.
type profile int

const (
	consumer     profile = iota // a person buying for themselves
	contact                     // a person working for a business customer
	organisation                // a business customer
)

// entry is one planned customer. The plan holds what more than one part of the data
// set needs (names, links, the number of interactions); the rest of the profile is
// made when the customer is written.
type entry struct {
	index   int        // position in the CRM; its record is CRM-<index+1>
	id      rapport.ID // known once written
	kind    rapport.CustomerKind
	profile profile
	country *country
	city    *city
	name    string
	emails  []rapport.ContactPoint
	rels    []rapport.Relationship
	owner   int // index in demoStaff of the account manager, or -1
	vip     bool
	since   time.Time // first dealings with the firm
	until   time.Time // last dealings: the end of the data set, or when a lapsed customer went elsewhere
	spend   float64   // how much more or less than the median this customer spends a purchase
	count   int       // interactions to make
	walled  bool      // covered by the wall

	// people
	given, family string
	female        bool
	birthYear     int
	employer      int // index of the organisation a contact works at, or -1
	// what the CRM record holds, for the web shop's second record of the person
	phones    []rapport.ContactPoint
	addresses []rapport.Address

	// organisations
	stem     string // the name without industry and legal form, shared by a group
	industry int
	size     float64 // how many contacts and how much business, relative to others
	domain   string
	big      bool // one of the few largest accounts
	falcon   bool // in the group that the wall hides
}

// knownFrom is t, or when the firm first dealt with the customer if that is later:
// nothing is heard from or written about a customer before then.
func (c *entry) knownFrom(t time.Time) time.Time {
	if c.since.After(t) {
		return c.since
	}
	return t
}

func (c *entry) isProspect() bool {
	return len(c.rels) > 0 && c.rels[0] == "prospect"
}

// segment is the size class of an organisation.
func (c *entry) segment() string {
	switch {
	case c.size < 1.5:
		return "smb"
	case c.size < 6:
		return "mid-market"
	}
	return "enterprise"
}

// plannedLink is a link between two planned customers, by index.
type plannedLink struct {
	from, to int
	kind     rapport.LinkKind
	role     string
}

// population is the planned customers.
type population struct {
	customers []*entry // in CRM order
	orgs      []int    // indexes of the organisations
	links     []plannedLink
	wall      []int // organisations chosen for the wall
	total     int   // interactions of all customers
	taken     map[string]bool
}

// Shares of the business contacts that work at the special organisations: the largest
// accounts and the group behind the wall, which must hold about 3% of all customers.
var (
	bigShares    = []float64{0.02, 0.012, 0.008, 0.006, 0.004}
	falconShare  = 0.09
	contactShare = 0.4 // of people who are business contacts rather than consumers
	// bigInteractions is the interactions of each large account per customer in the
	// data set: at 100,000 customers the largest has 100,000.
	bigInteractions = []float64{1.0, 0.45, 0.25, 0.15, 0.1}
	// lapsedShare of the customers stopped dealing with the firm a while ago, as
	// customers who go elsewhere do: what the value model's P(alive) and the almost
	// customers list are for.
	lapsedShare = 0.2
)

// plan decides who the n customers are, how they are linked and how active they are.
func plan(r *rand.Rand, n int, start, end time.Time) *population {
	p := &population{taken: map[string]bool{}}
	isOrg := make([]bool, n)
	for _, i := range r.Perm(n)[:max(1, n/5)] {
		isOrg[i] = true
	}
	for i := range n {
		c := &entry{index: i, kind: rapport.KindPerson, owner: -1, employer: -1}
		if isOrg[i] {
			c.kind, c.profile = rapport.KindOrganisation, organisation
			p.orgs = append(p.orgs, i)
		}
		p.customers = append(p.customers, c)
	}
	p.planOrganisations(r)
	p.planPeople(r)
	p.planActivity(r, n*InteractionsPerCustomer, start, end)
	p.taken = nil
	return p
}

// planOrganisations makes the organisations. The first ones in the CRM are the oldest
// and largest accounts, then comes the group behind the wall: a holding and its
// subsidiaries. A few others are subsidiaries too.
func (p *population) planOrganisations(r *rand.Rand) {
	nBig := min(len(bigShares), len(p.orgs)/4)
	nFalcon := min((len(p.orgs)-nBig)/3, 2+len(p.customers)/25_000, 6)
	var parents weights // organisations that may own others, by size
	var parentIndex []int
	for k, i := range p.orgs {
		c := p.customers[i]
		c.country = pickCountry(r)
		c.city = &c.country.cities[r.IntN(len(c.country.cities))]
		c.industry = r.IntN(len(industries))
		c.size = lognormal(r, 1.3)
		switch {
		case k < nBig:
			c.big, c.size = true, 40+lognormal(r, 0.5)*20
		case k < nBig+nFalcon:
			c.falcon, c.size = true, 15+lognormal(r, 0.5)*10
		}
		parent := -1
		switch {
		case c.falcon && k > nBig:
			parent = p.orgs[nBig] // a subsidiary of the falcon holding
		case !c.big && !c.falcon && !parents.empty() && chance(r, 0.05):
			parent = parentIndex[parents.pick(r)]
		}
		if parent >= 0 {
			p.links = append(p.links, plannedLink{from: i, to: parent, kind: rapport.LinkSubsidiaryOf})
		} else if !c.falcon {
			parents.add(c.size)
			parentIndex = append(parentIndex, i)
		}
		p.nameOrganisation(r, c, parent)
		c.rels = organisationRelationships(r, c)
		c.emails = []rapport.ContactPoint{{Value: p.uniqueEmail(c.country.infoMailbox, c.domain), Label: "general"}}
		if chance(r, 0.3) {
			c.emails = append(c.emails, rapport.ContactPoint{Value: p.uniqueEmail("accounts", c.domain), Label: "billing"})
		}
		switch {
		case c.big:
			c.owner = ownerFor(keyAccounts)
		case chance(r, 0.85):
			c.owner = ownerFor(c.country.code)
		}
	}
}

// nameOrganisation gives an organisation a name in its country's style and a domain;
// a subsidiary often carries its parent's name.
func (p *population) nameOrganisation(r *rand.Rand, c *entry, parent int) {
	ctry := c.country
	var stem string
	familyBased := false
	switch k := r.IntN(10); {
	case parent >= 0 && (chance(r, 0.6) || p.customers[parent].falcon):
		stem = p.customers[parent].stem
	case k < 5:
		stem, familyBased = capitalise(pick(r, ctry.family)), true
	case k < 8:
		stem = pick(r, ctry.brands)
	default:
		a, b := pick(r, ctry.family), pick(r, ctry.family)
		if a == b {
			b = pick(r, ctry.family)
		}
		stem = capitalise(a) + " & " + b
	}
	c.stem = stem
	base := stem + " " + ctry.industries[c.industry]
	if ctry.industryFirst && familyBased {
		base = ctry.industries[c.industry] + " " + stem
	}
	if strings.Contains(stem, " & ") && chance(r, 0.5) {
		base = stem // "Becker & Schulz GmbH"
	}
	c.name = base + pick(r, ctry.suffixes)
	label := slug(base)
	if parent >= 0 {
		label += "-" + strings.ToLower(ctry.code)
	}
	c.domain = p.unique(label, ".example")
}

var orgRelationships = newTable(
	choice[rapport.Relationship]("client", 62), choice[rapport.Relationship]("prospect", 18),
	choice[rapport.Relationship]("supplier", 7), choice[rapport.Relationship]("partner", 6),
	choice[rapport.Relationship]("distributor", 6), choice[rapport.Relationship]("community_member", 1),
)

func organisationRelationships(r *rand.Rand, c *entry) []rapport.Relationship {
	if c.big || c.falcon {
		return []rapport.Relationship{"client"}
	}
	rels := []rapport.Relationship{orgRelationships.pick(r)}
	if chance(r, 0.08) {
		if more := orgRelationships.pick(r); more != rels[0] && more != "prospect" && rels[0] != "prospect" {
			rels = append(rels, more)
		}
	}
	return rels
}

// planPeople makes the people: consumers, and contacts who work at an organisation
// (mostly in its country), some of whom own or advise one.
func (p *population) planPeople(r *rand.Rand) {
	var ordinary, special weights
	var ordinaryIndex, specialIndex []int
	specialTotal := 0.0
	holding, nFalcon := p.falconHolding(), p.falconCount()
	for _, i := range p.orgs {
		c := p.customers[i]
		switch {
		case c.big:
			special.add(bigShares[len(specialIndex)])
			specialIndex = append(specialIndex, i)
			specialTotal += bigShares[len(specialIndex)-1]
		case c.falcon:
			share := falconShare * 0.6 / float64(max(1, nFalcon-1))
			if i == holding {
				share = falconShare * 0.4
			}
			special.add(share)
			specialIndex = append(specialIndex, i)
			specialTotal += share
		default:
			ordinary.add(c.size)
			ordinaryIndex = append(ordinaryIndex, i)
		}
	}
	for _, c := range p.customers {
		if c.kind != rapport.KindPerson {
			continue
		}
		c.profile = consumer
		if len(p.orgs) > 0 && chance(r, contactShare) {
			c.profile = contact
			if !special.empty() && chance(r, specialTotal) {
				c.employer = specialIndex[special.pick(r)]
			} else if !ordinary.empty() {
				c.employer = ordinaryIndex[ordinary.pick(r)]
			} else {
				c.employer = specialIndex[special.pick(r)]
			}
		}
		c.country = pickCountry(r)
		if c.profile == contact && chance(r, 0.85) {
			c.country = p.customers[c.employer].country
		}
		c.city = &c.country.cities[r.IntN(len(c.country.cities))]
		c.female = chance(r, 0.5)
		c.given, c.family = personName(r, c.country, c.female)
		c.name = c.given + " " + c.family
		c.birthYear = 1942 + r.IntN(64)
		if c.profile == contact {
			c.birthYear = 1960 + r.IntN(41)
		}
		c.vip = chance(r, 0.04)
		c.rels = p.personRelationships(r, c)
		p.planPersonLinks(r, c)
		c.emails = p.personEmails(r, c)
		switch {
		case c.profile == contact && chance(r, 0.35):
			c.owner = p.customers[c.employer].owner
		case c.vip && chance(r, 0.5):
			c.owner = ownerFor(c.country.code)
		}
	}
}

func (p *population) falconHolding() int {
	for _, i := range p.orgs {
		if p.customers[i].falcon {
			return i
		}
	}
	return -1
}

func (p *population) falconCount() int {
	n := 0
	for _, i := range p.orgs {
		if p.customers[i].falcon {
			n++
		}
	}
	return n
}

// personName returns the given and family names of a person; family names may be
// double ("García Núñez") and take the feminine form ("Kowalska").
func personName(r *rand.Rand, ctry *country, female bool) (given, family string) {
	given = pick(r, ctry.male)
	if female {
		given = pick(r, ctry.female)
	}
	family = pick(r, ctry.family)
	if chance(r, ctry.doubleSurname) {
		if second := pick(r, ctry.family); second != family {
			family += " " + second
		}
	}
	if female && ctry.feminineSurnames {
		family = feminine(family)
	}
	return given, family
}

// feminine turns the Polish masculine endings -ski, -cki and -dzki into -ska, -cka, -dzka.
func feminine(family string) string {
	words := strings.Fields(family)
	for i, w := range words {
		if strings.HasSuffix(w, "ski") || strings.HasSuffix(w, "cki") || strings.HasSuffix(w, "dzki") {
			words[i] = strings.TrimSuffix(w, "i") + "a"
		}
	}
	return strings.Join(words, " ")
}

var jobTitles = newTable(
	choice("Purchasing Manager", 10), choice("Buyer", 8), choice("Operations Manager", 8),
	choice("Office Manager", 8), choice("Head of Procurement", 5), choice("Facilities Manager", 6),
	choice("IT Manager", 5), choice("Logistics Coordinator", 5), choice("Accounts Payable Clerk", 5),
	choice("Project Manager", 5), choice("Store Manager", 4), choice("Warehouse Supervisor", 4),
	choice("Executive Assistant", 4), choice("Finance Director", 3), choice("Managing Director", 3),
	choice("HR Business Partner", 3), choice("Marketing Manager", 3), choice("Quality Manager", 3),
	choice("CFO", 2), choice("CEO", 2), choice("Chief Technology Officer", 1), choice("Sustainability Lead", 1),
)

var advisorRoles = []string{"Board advisor", "Non-executive director", "Tax adviser", "Legal counsel", "Auditor", "Interim CFO"}

// planPersonLinks links a contact to the organisation they work at, the owner of a
// small business to it, and a few people to organisations they advise.
func (p *population) planPersonLinks(r *rand.Rand, c *entry) {
	if c.employer >= 0 {
		employer := p.customers[c.employer]
		if employer.segment() == "smb" && chance(r, 0.25) {
			p.links = append(p.links,
				plannedLink{from: c.index, to: c.employer, kind: rapport.LinkWorksAt, role: "Managing Director"},
				plannedLink{from: c.index, to: c.employer, kind: rapport.LinkOwns, role: pick(r, []string{"Owner", "Founder", "Co-owner"})})
		} else {
			p.links = append(p.links, plannedLink{from: c.index, to: c.employer, kind: rapport.LinkWorksAt, role: jobTitles.pick(r)})
		}
	}
	if chance(r, 0.015) {
		if org := p.orgs[r.IntN(len(p.orgs))]; org != c.employer && !p.customers[org].big {
			p.links = append(p.links, plannedLink{from: c.index, to: org, kind: rapport.LinkAdvises, role: pick(r, advisorRoles)})
		}
	}
}

func (p *population) personRelationships(r *rand.Rand, c *entry) []rapport.Relationship {
	var rels []rapport.Relationship
	if c.profile == contact {
		rel := p.customers[c.employer].rels[0]
		if rel == "community_member" {
			rel = "client"
		}
		rels = append(rels, rel)
	} else if chance(r, 0.8) {
		rels = append(rels, "consumer")
	} else {
		rels = append(rels, "prospect")
	}
	if c.birthYear < 1960 && chance(r, 0.7) {
		rels = append(rels, "retiree")
	}
	if chance(r, 0.025) {
		rels = append(rels, "alumnus") // a former employee
	}
	if chance(r, 0.06) {
		rels = append(rels, "community_member")
	}
	return rels
}

// personEmails gives a contact a work address at their employer's domain and some a
// personal one; most consumers have a personal address.
func (p *population) personEmails(r *rand.Rand, c *entry) []rapport.ContactPoint {
	given, family := mailbox(c.given), mailbox(c.family) // "de Jong": dejong
	if c.country.doubleSurname > 0 {
		family = mailbox(strings.Fields(c.family)[0]) // "García Núñez": garcia
	}
	var out []rapport.ContactPoint
	if c.profile == contact {
		out = append(out, rapport.ContactPoint{Value: p.uniqueEmail(given+"."+family, p.customers[c.employer].domain), Label: "work"})
	}
	if (c.profile == consumer && chance(r, 0.92)) || (c.profile == contact && chance(r, 0.3)) {
		var local string
		switch r.IntN(5) {
		case 0:
			local = given + family
		case 1:
			local = given[:1] + "." + family
		case 2:
			local = family + "." + given
		case 3:
			local = given + "." + family + strconv.Itoa(c.birthYear%100)
		default:
			local = given + "." + family
		}
		out = append(out, rapport.ContactPoint{Value: p.uniqueEmail(local, pick(r, c.country.mailDomains)), Label: "personal"})
	}
	return out
}

// uniqueEmail returns local@domain, numbered if it is taken: the ingest joins records
// with the same address into one customer.
func (p *population) uniqueEmail(local, domain string) string {
	return p.unique(local, "@"+domain)
}

// unique returns name+suffix, or name-2+suffix and so on if that is taken.
func (p *population) unique(name, suffix string) string {
	s := name + suffix
	for k := 2; p.taken[s]; k++ {
		sep := ""
		if strings.HasPrefix(suffix, ".") {
			sep = "-"
		}
		s = name + sep + strconv.Itoa(k) + suffix
	}
	p.taken[s] = true
	return s
}

// planActivity decides when each customer's history starts and how many interactions
// it holds: a few large accounts have a fixed share, the others a heavy-tailed number
// scaled so that the total is exactly total.
func (p *population) planActivity(r *rand.Rand, total int, start, end time.Time) {
	span := end.Sub(start)
	n := len(p.customers)
	activity := make([]float64, n)
	sum, fixed, big := 0.0, 0, 0
	for i, c := range p.customers {
		c.since = start
		switch {
		case c.isProspect():
			c.since = end.Add(-time.Duration(30+r.IntN(270)) * 24 * time.Hour)
		case !c.big && chance(r, 0.45):
			c.since = start.Add(time.Duration(r.Float64() * float64(span-60*24*time.Hour)))
		}
		c.until, c.spend = end, lognormal(r, 0.6)
		if lived := end.Sub(c.since) - 120*24*time.Hour; !c.big && !c.isProspect() && lived > 60*24*time.Hour && chance(r, lapsedShare) {
			c.until = c.since.Add(time.Duration((0.3 + 0.6*r.Float64()) * float64(lived)))
		}
		if c.big {
			c.count = int(math.Round(bigInteractions[big] * float64(n)))
			fixed += c.count
			big++
			continue
		}
		var a float64
		switch c.profile {
		case organisation:
			a = 3 * math.Pow(c.size, 0.8) * lognormal(r, 0.8)
		case contact:
			a = lognormal(r, 1.4)
		default:
			a = 0.9 * lognormal(r, 1.5)
		}
		if c.isProspect() {
			a *= 0.1
		}
		activity[i] = a * float64(c.until.Sub(c.since)) / float64(span) // newer customers have had less time
		sum += activity[i]
	}
	// Rounding the running total keeps the sum exact.
	rest, running, done := float64(max(0, total-fixed)), 0.0, 0
	for i, c := range p.customers {
		if c.big {
			continue
		}
		running += activity[i]
		upTo := int(math.Round(running / sum * rest))
		c.count, done = upTo-done, upTo
	}
	p.total = fixed + done
}
