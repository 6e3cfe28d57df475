package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/thousands"
)

// crmSource is the source system the customers come from.
const crmSource = "crm"

func crmKey(index int) string { return fmt.Sprintf("CRM-%06d", index+1) }

// writeCustomers ingests the planned customers from the CRM in batches and learns
// their ids. When the demo may turn the store's clock, each customer comes in the week
// the firm first dealt with them (those known before the data begin, at its start):
// profiles then say since when the firm has had them, and the records that have not
// changed for a year show as stale.
func (f *filler) writeCustomers(ctx context.Context) error {
	r := f.rand(streamRecords)
	began := time.Now()
	all := f.pop.customers
	if f.opts.SetNow != nil {
		all = slices.Clone(all)
		slices.SortStableFunc(all, func(a, b *entry) int { return a.since.Compare(b.since) })
	}
	return f.inWeeks(len(all), func(i int) time.Time { return all[i].since }, func(start, end int) error {
		entries := all[start:end]
		rows := make([]rapport.IncomingCustomer, len(entries))
		for i, c := range entries {
			rows[i] = f.record(r, c)
		}
		res, err := f.store.IngestCustomers(ctx, f.system, rows)
		if err != nil {
			return fmt.Errorf("write customers: %w", err)
		} else if err := rejected("customers", res); err != nil {
			return err
		}
		for _, it := range res.Items {
			c := entries[it.Line-1]
			if it.Result != "created" {
				return rapport.Errorf(rapport.EINTERNAL, "demo: customer %s (%s) was %s with one stored already, where a new one was expected", c.name, crmKey(c.index), it.Result)
			}
			c.id = it.CustomerID
			if c.kind == rapport.KindOrganisation {
				f.sum.Organisations++
			} else {
				f.sum.People++
			}
		}
		f.log("customers: %s of %s%s", thousands.Int(end), thousands.Int(len(all)), rate(end, began))
		return nil
	})
}

// inWeeks writes n records, sorted by when they come in (at), in batches of at most
// customerBatch: when the demo may turn the store's clock, each batch holds one week's
// and is written with the clock at its first record's time, and the clock is given
// back at the end.
func (f *filler) inWeeks(n int, at func(int) time.Time, write func(start, end int) error) error {
	if f.opts.SetNow != nil {
		defer f.setClock(time.Time{})
	}
	for start, end := 0, 0; start < n; start = end {
		end = min(start+customerBatch, n)
		if f.opts.SetNow != nil {
			week := at(start).AddDate(0, 0, 7)
			end = start + sort.Search(end-start, func(i int) bool { return !at(start + i).Before(week) })
			f.setClock(at(start))
		}
		if err := write(start, end); err != nil {
			return err
		}
	}
	return nil
}

// record makes the CRM record of a planned customer.
func (f *filler) record(r *rand.Rand, c *entry) rapport.IncomingCustomer {
	in := rapport.IncomingCustomer{Source: crmSource, SourceKey: crmKey(c.index)}
	cu := &in.Customer
	cu.Kind = c.kind
	if c.kind == rapport.KindOrganisation {
		cu.Name = c.name
	} else {
		cu.GivenName, cu.FamilyName = c.given, c.family
	}
	cu.Emails = c.emails
	cu.Phones = f.phones(r, c)
	cu.Addresses = addresses(r, c)
	if c.kind == rapport.KindPerson {
		c.phones, c.addresses = cu.Phones, cu.Addresses
	}
	cu.Language = c.country.language
	cu.PreferredChannel = preferredChannels[c.profile].pick(r)
	cu.Relationships = c.rels
	cu.Tags = f.tags(r, c)
	if c.owner >= 0 {
		cu.OwnerID = f.users[c.owner].ID
	}
	cu.Attributes = attributes(r, c)
	in.Raw = f.crmRecord(c, cu)
	return in
}

// phones gives people a mobile number and some a landline; organisations a switchboard.
func (f *filler) phones(r *rand.Rand, c *entry) []rapport.ContactPoint {
	landline := func(ctry *country, ct *city) string {
		return fill(r, strings.ReplaceAll(ctry.landline, "{area}", ct.area))
	}
	mobile := fill(r, strings.ReplaceAll(c.country.mobile, "{area}", c.city.area))
	var out []rapport.ContactPoint
	switch c.profile {
	case organisation:
		if chance(r, 0.95) {
			out = append(out, rapport.ContactPoint{Value: landline(c.country, c.city), Label: "main"})
		}
		if chance(r, 0.15) {
			out = append(out, rapport.ContactPoint{Value: landline(c.country, c.city), Label: "accounts"})
		}
	case contact:
		if chance(r, 0.7) {
			out = append(out, rapport.ContactPoint{Value: mobile, Label: "mobile"})
		}
		if employer := f.pop.customers[c.employer]; chance(r, 0.5) {
			out = append(out, rapport.ContactPoint{Value: landline(employer.country, employer.city), Label: "work"})
		}
	default:
		if chance(r, 0.8) {
			out = append(out, rapport.ContactPoint{Value: mobile, Label: "mobile"})
		}
		if chance(r, 0.2) {
			out = append(out, rapport.ContactPoint{Value: landline(c.country, c.city), Label: "home"})
		}
	}
	return out
}

// addresses gives most consumers a home address and organisations a head office, some
// also a warehouse elsewhere in the country.
func addresses(r *rand.Rand, c *entry) []rapport.Address {
	var out []rapport.Address
	switch c.profile {
	case organisation:
		out = append(out, address(r, c.country, c.city, "head office"))
		if chance(r, 0.2) {
			out = append(out, address(r, c.country, &c.country.cities[r.IntN(len(c.country.cities))], "warehouse"))
		}
	case contact:
		if chance(r, 0.15) {
			out = append(out, address(r, c.country, c.city, "home"))
		}
	default:
		if chance(r, 0.85) {
			out = append(out, address(r, c.country, c.city, "home"))
		}
	}
	return out
}

func address(r *rand.Rand, ctry *country, ct *city, label string) rapport.Address {
	street := fmt.Sprintf(ctry.streetFormat, pick(r, ctry.streets),
		1+r.IntN(150), 1+r.IntN(9), 1+r.IntN(30), 1+r.IntN(20), 100+r.IntN(9900))
	return rapport.Address{Label: label, Street: street, City: ct.name, Postcode: fill(r, ct.postcode), Region: ct.region, Country: ctry.code}
}

var preferredChannels = [...]*table[rapport.Channel]{
	consumer: newTable[rapport.Channel](
		choice[rapport.Channel]("email", 38), choice[rapport.Channel]("phone", 18), choice[rapport.Channel]("sms", 9),
		choice[rapport.Channel]("chat", 7), choice[rapport.Channel]("web", 6), choice[rapport.Channel]("portal", 5),
		choice[rapport.Channel]("post", 6), choice[rapport.Channel]("in_person", 4), choice[rapport.Channel]("social", 3),
		choice[rapport.Channel]("", 4)),
	contact: newTable[rapport.Channel](
		choice[rapport.Channel]("email", 50), choice[rapport.Channel]("phone", 25), choice[rapport.Channel]("portal", 8),
		choice[rapport.Channel]("in_person", 6), choice[rapport.Channel]("chat", 3), choice[rapport.Channel]("", 8)),
	organisation: newTable[rapport.Channel](
		choice[rapport.Channel]("email", 55), choice[rapport.Channel]("phone", 18), choice[rapport.Channel]("portal", 14),
		choice[rapport.Channel]("post", 5), choice[rapport.Channel]("in_person", 4), choice[rapport.Channel]("", 4)),
}

// tags mark segments, campaigns and risks. The trade fair is the one of the year before
// End, so the tags read as recent whatever End is.
func (f *filler) tags(r *rand.Rand, c *entry) []string {
	year := f.end.Year()
	var tags []string
	add := func(tag string, p float64) {
		if chance(r, p) {
			tags = append(tags, tag)
		}
	}
	if c.vip {
		tags = append(tags, "vip")
	}
	if c.big {
		tags = append(tags, "key-account")
	}
	noMarketing := chance(r, 0.03)
	if noMarketing {
		tags = append(tags, "no-marketing")
	}
	switch c.profile {
	case organisation:
		add("trade-fair-"+strconv.Itoa(year-1), 0.1)
		add("paper-invoices", 0.05)
		add("framework-agreement", 0.08)
	case contact:
		add("trade-fair-"+strconv.Itoa(year-1), 0.12)
		add("webinar-"+strconv.Itoa(year), 0.06)
		add("beta-tester", 0.02)
		if !noMarketing {
			add("newsletter", 0.3)
		}
	default:
		add("beta-tester", 0.015)
		add("green-delivery", 0.04)
		add("referral", 0.03)
		if !noMarketing {
			add("newsletter", 0.4)
		}
	}
	if !c.isProspect() {
		add("churn-risk", 0.05)
	}
	return tags
}

type personAttributes struct {
	Segment     string `json:"segment"`
	BirthYear   int    `json:"birth_year"`
	LoyaltyTier string `json:"loyalty_tier,omitempty"`
	Department  string `json:"department,omitempty"`
}

type organisationAttributes struct {
	Segment      string `json:"segment"`
	Industry     string `json:"industry"`
	Employees    int    `json:"employees"`
	Founded      int    `json:"founded"`
	PaymentTerms string `json:"payment_terms"`
}

var (
	loyaltyTiers  = []string{"", "", "", "bronze", "bronze", "silver", "gold"}
	departments   = []string{"Procurement", "Operations", "Finance", "Facilities", "IT", "Management", "Logistics"}
	paymentTerms  = []string{"14 days", "30 days", "30 days", "30 days", "45 days", "60 days"}
	consumerTypes = []string{"mass", "mass", "mass", "affluent", "student"}
)

// attributes are the custom fields of the CRM, as a JSON object.
func attributes(r *rand.Rand, c *entry) json.RawMessage {
	var v any
	switch c.profile {
	case organisation:
		v = organisationAttributes{
			Segment:      c.segment(),
			Industry:     industries[c.industry],
			Employees:    int(math.Round(5*math.Pow(c.size, 1.7))) + 2 + r.IntN(8),
			Founded:      1950 + r.IntN(71),
			PaymentTerms: pick(r, paymentTerms),
		}
	case contact:
		v = personAttributes{Segment: "business", BirthYear: c.birthYear, Department: pick(r, departments)}
	default:
		segment := pick(r, consumerTypes)
		if c.birthYear < 1960 {
			segment = "senior"
		} else if c.birthYear < 2000 && segment == "student" {
			segment = "mass"
		}
		v = personAttributes{Segment: segment, BirthYear: c.birthYear, LoyaltyTier: pick(r, loyaltyTiers)}
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain structs always marshal
	}
	return b
}

// crmRecord is the customer as the CRM exports it, in its own field names: what a
// source record holds as received.
func (f *filler) crmRecord(c *entry, cu *rapport.Customer) json.RawMessage {
	rec := struct {
		ID        string `json:"AccountNumber"`
		Type      string `json:"RecordType"`
		Name      string `json:"DisplayName"`
		FirstName string `json:"FirstName,omitempty"`
		LastName  string `json:"LastName,omitempty"`
		Email     string `json:"Email,omitempty"`
		Phone     string `json:"Phone,omitempty"`
		City      string `json:"City,omitempty"`
		Country   string `json:"CountryCode"`
		Owner     string `json:"OwnerEmail,omitempty"`
	}{ID: crmKey(c.index), Type: string(c.kind), Name: c.name, FirstName: c.given, LastName: c.family,
		Email: cu.PrimaryEmail(), Phone: cu.PrimaryPhone(), Country: c.country.code}
	if len(cu.Addresses) > 0 {
		rec.City = cu.Addresses[0].City
	}
	if c.owner >= 0 {
		rec.Owner = demoStaff[c.owner].email
	}
	b, err := json.Marshal(rec)
	if err != nil {
		panic(err)
	}
	return b
}

// writeLinks links contacts to their organisations and subsidiaries to their parents.
func (f *filler) writeLinks(ctx context.Context) error {
	began := time.Now()
	links := f.pop.links
	for i, l := range links {
		link := &rapport.Link{FromID: f.pop.customers[l.from].id, ToID: f.pop.customers[l.to].id, Kind: l.kind, Role: l.role}
		if err := f.store.CreateLink(ctx, f.system, link); err != nil {
			return fmt.Errorf("link %s %s %s: %w", f.pop.customers[l.from].name, l.kind, f.pop.customers[l.to].name, err)
		}
		f.sum.Links++
		if done := i + 1; done%2000 == 0 || done == len(links) {
			f.log("links: %s of %s%s", thousands.Int(done), thousands.Int(len(links)), rate(done, began))
		}
	}
	return nil
}
