package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/thousands"
)

// webShop is the source system of the second records: customers who bought in the web
// shop as guests made an account there, which the shop sends as a customer record of
// its own.
const webShop = "webshop"

// duplicateShare is the share of consumers with a web shop account; householdShare the
// share whose partner or grown child has one, at the same address.
const (
	duplicateShare = 0.04
	householdShare = 0.015
)

// writeDuplicates gives some consumers a second record from the web shop, as a firm's
// systems do: the same person under another e-mail address (so that no exact match
// joins them), the name now and then mistyped or cut to an initial, usually the same
// mobile number, the home address or a newer one, and a few orders of its own; and
// some members of their households an account of their own. Identity resolution is
// left to tell them apart: rapport serve resolves arriving customers within seconds,
// merging the sure ones and queueing the others on the Duplicates page.
func (f *filler) writeDuplicates(ctx context.Context) error {
	r, dates := f.rand(streamDuplicates), f.rand(streamShopDates)
	// A record comes in when its account was opened: a household member's on a day of
	// the last ten months, a customer's second account on the day of its first order.
	type arrival struct {
		row rapport.IncomingCustomer
		at  time.Time
	}
	var rows []arrival
	var orders []rapport.IncomingInteraction
	for _, c := range f.pop.customers {
		if c.profile != consumer || c.walled {
			continue
		}
		if len(c.addresses) > 0 && chance(r, householdShare) {
			rows = append(rows, arrival{householdMember(r, c, len(rows)+1), f.end.AddDate(0, 0, -1-dates.IntN(300))})
			f.sum.Households++
			continue
		}
		if !chance(r, duplicateShare) {
			continue
		}
		in := shopAccount(len(rows)+1, c.given, c.family, c)
		cu := &in.Customer
		switch x := r.Float64(); {
		case x < 0.3:
			cu.FamilyName = swapLetters(r, c.family)
		case x < 0.45:
			cu.GivenName = firstLetter(c.given) + "."
		}
		if len(c.phones) > 0 && chance(r, 0.75) {
			cu.Phones = c.phones[:1]
		}
		switch x := r.Float64(); {
		case len(c.addresses) > 0 && x < 0.6:
			cu.Addresses = c.addresses[:1]
		case x < 0.8: // moved since, within the town
			cu.Addresses = []rapport.Address{address(r, c.country, c.city, "delivery")}
		}
		first := f.end
		for n := range 1 + r.IntN(3) {
			at := f.end.AddDate(0, 0, -1-r.IntN(300))
			if at.Before(first) {
				first = at
			}
			order := rapport.Interaction{Type: "order", Channel: "web", Source: webShop, SourceKey: fmt.Sprintf("%s-%d", in.SourceKey, n+1),
				OccurredAt: at, ActorKind: rapport.ActorCustomer, Summary: "Web shop order: " + pick(r, products)}
			order.Amount, order.Currency = shopPrice(r, c), c.country.currency
			orders = append(orders, rapport.IncomingInteraction{Interaction: order, CustomerSource: webShop, CustomerSourceKey: in.SourceKey})
		}
		rows = append(rows, arrival{in, first})
	}
	if len(rows) == 0 {
		return nil
	}
	slices.SortStableFunc(rows, func(a, b arrival) int { return a.at.Compare(b.at) })
	err := f.inWeeks(len(rows), func(i int) time.Time { return rows[i].at }, func(start, end int) error {
		batch := make([]rapport.IncomingCustomer, end-start)
		for i := range batch {
			batch[i] = rows[start+i].row
		}
		res, err := f.store.IngestCustomers(ctx, f.system, batch)
		if err != nil {
			return fmt.Errorf("write web shop customers: %w", err)
		}
		return rejected("web shop customers", res)
	})
	if err != nil {
		return err
	}
	res, err := f.store.IngestInteractions(ctx, f.system, orders)
	if err != nil {
		return fmt.Errorf("write web shop orders: %w", err)
	} else if err := rejected("web shop orders", res); err != nil {
		return err
	}
	// The firm trusts the names its staff and its CRM hold more than those typed into
	// the web shop; the newest address stays the one shown.
	trust := rapport.Survivorship{Rules: map[string]rapport.SurvivalRule{"name": rapport.RuleTrusted},
		Trust: map[string]int{rapport.StaffSource: 3, crmSource: 2, webShop: 1}}
	if err := f.store.SetSurvivorship(ctx, f.system, trust); err != nil {
		return fmt.Errorf("trust the CRM's names: %w", err)
	}
	f.sum.Duplicates, f.sum.Interactions = len(rows)-f.sum.Households, f.sum.Interactions+len(orders)
	f.log("web shop: %s customers with a second record, %s members of their households, %s orders",
		thousands.Int(f.sum.Duplicates), thousands.Int(f.sum.Households), thousands.Int(len(orders)))
	return nil
}

// householdMember is the web shop account n of someone living with consumer c: the
// same family name and home address, another given name. Such pairs are what identity
// resolution must not merge on its own.
func householdMember(r *rand.Rand, c *entry, n int) rapport.IncomingCustomer {
	given := pick(r, c.country.female)
	if chance(r, 0.5) {
		given = pick(r, c.country.male)
	}
	in := shopAccount(n, given, c.family, c)
	in.Customer.Addresses = c.addresses[:1]
	return in
}

// shopAccount is the web shop's record of its account n, held by a consumer of that
// name in c's country.
func shopAccount(n int, given, family string, c *entry) rapport.IncomingCustomer {
	key := fmt.Sprintf("WS-%06d", n)
	raw, _ := json.Marshal(map[string]string{"account": key}) // strings always marshal
	// The account number makes the address unique: no other record holds it.
	login := fmt.Sprintf("%s.%s%d@shopper.example", mailbox(given), mailbox(family), n)
	return rapport.IncomingCustomer{Source: webShop, SourceKey: key, Raw: raw, Customer: rapport.Customer{
		Kind: rapport.KindPerson, GivenName: given, FamilyName: family,
		Emails:   []rapport.ContactPoint{{Value: login, Label: "web shop"}},
		Language: c.country.language, Relationships: []rapport.Relationship{"consumer"}}}
}

// swapLetters swaps two neighbouring letters of a name, as a hurried typist does.
func swapLetters(r *rand.Rand, name string) string {
	runes := []rune(name)
	if len(runes) < 3 {
		return name
	}
	i := 1 + r.IntN(len(runes)-2)
	runes[i], runes[i+1] = runes[i+1], runes[i]
	return string(runes)
}

func firstLetter(name string) string {
	first, _ := utf8.DecodeRuneInString(name)
	return string(first)
}

// shopPrice is what a web shop order cost: 20 to 300 euros in the customer's currency.
func shopPrice(r *rand.Rand, c *entry) *rapport.Amount {
	v := float64(20+r.IntN(280)) * c.country.perEuro
	if c.country.currency != "JPY" {
		v = math.Round(v*100) / 100
	}
	a := rapport.Amount(math.Round(v * 10000))
	return &a
}
