package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/thousands"
)

// firm is the name of the demo firm, as its customers see it.
const firm = "Lumen Workplace"

// writeInteractions streams the interactions into the store in batches: one goroutine
// makes the next batch while the database writes the last, and no more than a few
// batches are ever held in memory.
func (f *filler) writeInteractions(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	g := f.newGenerator()
	batches := make(chan []rapport.IncomingInteraction, 2)
	defer func() { // stop the generator and wait for it, also after an error
		cancel()
		for range batches {
		}
	}()
	go func() {
		defer close(batches)
		batch := make([]rapport.IncomingInteraction, 0, interactionBatch)
		for _, c := range f.pop.customers {
			for range c.count {
				batch = append(batch, g.row(c))
				if len(batch) < interactionBatch {
					continue
				}
				select {
				case batches <- batch:
				case <-ctx.Done():
					return
				}
				batch = make([]rapport.IncomingInteraction, 0, interactionBatch)
			}
		}
		if len(batch) > 0 {
			select {
			case batches <- batch:
			case <-ctx.Done():
			}
		}
	}()
	began := time.Now()
	for batch := range batches {
		res, err := f.store.IngestInteractions(ctx, f.system, batch)
		if err != nil {
			return fmt.Errorf("write interactions: %w", err)
		} else if err := rejected("interactions", res); err != nil {
			return err
		}
		f.sum.Interactions += res.Created
		f.log("interactions: %s of ~%s%s", thousands.Int(f.sum.Interactions), thousands.Int(f.pop.total), rate(f.sum.Interactions, began))
	}
	return ctx.Err()
}

// generator makes interactions, one customer's at a time, from its own random stream.
type generator struct {
	r          *rand.Rand
	start, end time.Time
	pop        *population
	users      []string // ids of the staff users, as actor ids
	service    []int    // indexes of the service agents
	numbers    map[string]int
	choices    [3]weights // of activities, by profile
}

func (f *filler) newGenerator() *generator {
	g := &generator{r: f.rand(streamInteractions), start: f.start, end: f.end, pop: f.pop, numbers: map[string]int{}}
	for _, u := range f.users {
		g.users = append(g.users, u.ID.String())
	}
	g.service = staffIn(teamService)
	for _, a := range activities {
		for p := range g.choices {
			g.choices[p].add(a.weights[p])
		}
	}
	return g
}

// activity is a kind of interaction: what happened, where and in which source system.
type activity struct {
	typ     rapport.InteractionType
	channel rapport.Channel
	source  string
	prefix  string     // of the key in the source
	weights [3]float64 // how often, for consumers, contacts and organisations
	office  bool       // happens on weekdays in office hours, local time
	actor   rapport.ActorKind
	// describe writes the summary and what else the kind has; n is the interaction's
	// number in its source, unique, which some summaries show.
	describe func(g *generator, c *entry, n int, in *rapport.Interaction)
}

// row makes one interaction of customer c.
func (g *generator) row(c *entry) rapport.IncomingInteraction {
	a := &activities[g.choices[c.profile].pick(g.r)]
	g.numbers[a.source]++
	n := 10_000 + g.numbers[a.source]
	in := rapport.Interaction{
		CustomerID: c.id,
		Type:       a.typ,
		Channel:    a.channel,
		Source:     a.source,
		SourceKey:  a.prefix + strconv.Itoa(n),
		OccurredAt: g.when(c, a.office),
		ActorKind:  a.actor,
	}
	switch a.actor {
	case rapport.ActorCustomer:
		in.ActorID = c.id.String()
	case rapport.ActorStaff:
		in.ActorID = g.staffFor(c)
	}
	if c.employer >= 0 && chance(g.r, 0.6) {
		in.OrganisationID = g.pop.customers[c.employer].id // acting for their employer
	}
	a.describe(g, c, n, &in)
	return rapport.IncomingInteraction{Interaction: in}
}

// when picks a moment in the customer's history, which ends early for a lapsed
// customer. Later days are more likely, as the firm grows; office work falls on
// weekdays between 8:00 and 18:00 local time.
func (g *generator) when(c *entry, office bool) time.Time {
	span := c.until.Sub(c.since)
	t := c.since.Add(time.Duration(math.Sqrt(g.r.Float64()) * float64(span)))
	if office {
		t = officeHours(g.r, t, c.country)
	} else {
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		t = day.Add(7*time.Hour + time.Duration(g.r.IntN(16*3600))*time.Second - time.Duration(c.country.utc)*time.Hour)
	}
	if !t.Before(g.end) {
		t = g.end.Add(-time.Duration(1+g.r.IntN(3600)) * time.Second)
	} else if t.Before(g.start) {
		t = g.start.Add(time.Duration(g.r.IntN(3600)) * time.Second)
	}
	return t
}

// officeHours is a moment between 8:00 and 18:00, local time in the country, on the
// day of t, or on the Friday before if that day is a Saturday or Sunday.
func officeHours(r *rand.Rand, t time.Time, in *country) time.Time {
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	switch day.Weekday() {
	case time.Saturday:
		day = day.AddDate(0, 0, -1)
	case time.Sunday:
		day = day.AddDate(0, 0, -2)
	}
	return day.Add(8*time.Hour + time.Duration(r.IntN(10*60))*time.Minute - time.Duration(in.utc)*time.Hour)
}

// staffFor is the staff user who dealt with the customer: the account manager if
// there is one, else a service agent.
func (g *generator) staffFor(c *entry) string {
	if c.owner >= 0 && chance(g.r, 0.8) {
		return g.users[c.owner]
	}
	return g.users[pick(g.r, g.service)]
}

// money returns an amount around median euros, in the customer's currency: cents, or
// whole yen.
func (g *generator) money(c *entry, median, spread float64) *rapport.Amount {
	v := median * lognormal(g.r, spread) * c.country.perEuro
	if c.country.currency == "JPY" {
		v = math.Round(v)
	} else {
		v = math.Round(v*100) / 100
	}
	a := rapport.Amount(math.Round(v * 10000))
	return &a
}

// spend sets an amount scaled to who buys: consumers spend less than businesses, and
// each customer more or less than others of their kind.
func (g *generator) spend(c *entry, in *rapport.Interaction, consumerMedian, businessMedian float64) {
	median := consumerMedian
	if c.profile != consumer {
		median = businessMedian
	}
	in.Amount, in.Currency = g.money(c, median*c.spend, 0.6), c.country.currency
}

// refund makes the amount negative.
func refund(in *rapport.Interaction) {
	a := -*in.Amount
	in.Amount = &a
}

// earlier returns a number used before in the source, to refer to an earlier order or
// invoice.
func (g *generator) earlier(source string) int {
	return 10_000 + 1 + g.r.IntN(g.numbers[source]+1)
}

// place is where the customer is, or where its employer is for a contact.
func (g *generator) place(c *entry) string {
	if c.employer >= 0 {
		return g.pop.customers[c.employer].city.name
	}
	return c.city.name
}

// attrs makes an attributes object of key and value pairs.
func attrs(pairs ...any) []byte {
	var b []byte
	for i := 0; i+1 < len(pairs); i += 2 {
		b = append(b, ',')
		b = strconv.AppendQuote(b, pairs[i].(string))
		b = append(b, ':')
		if n, ok := pairs[i+1].(int); ok {
			b = strconv.AppendInt(b, int64(n), 10)
		} else {
			b = strconv.AppendQuote(b, fmt.Sprint(pairs[i+1]))
		}
	}
	b[0] = '{'
	return append(b, '}')
}

func monthYear(t time.Time) string { return t.Format("January 2006") }

var (
	products     = []string{"ergonomic office chair", "standing desk", "monitor arm", "espresso machine", "wireless headset", "printer toner", "laptop stand", "LED desk lamp", "label printer", "paper shredder", "whiteboard", "coffee beans (5 kg)", "first-aid kit", "docking station", "webcam", "filing cabinet", "acoustic panel", "safety boots"}
	productLines = []string{"Ergonomic seating", "Sit-stand desks", "Coffee service", "Managed print", "Workplace IT", "Acoustics", "Safety & hygiene"}
	services     = []string{"Coffee service", "Managed print", "Office supplies", "Workplace IT support", "Cleaning supplies"}
	campaigns    = []string{"Spring offers", "Back to the office", "Summer sale", "Black Friday", "New ergonomic range", "Year-end clearance", "Our sustainability report"}
	helpQueries  = []string{"returns", "delivery times", "invoice copy", "assembly instructions", "warranty", "change password", "bulk discount", "VAT number"}
	articles     = []string{"How to set up a sit-stand desk", "Five tips for a quieter open-plan office", "Choosing the right office chair", "Our carbon-neutral delivery", "Coffee service: how it works"}
	pages        = []string{"/pricing", "/products", "/products/desks", "/products/chairs", "/support/returns", "/about", "/contact", "/careers", "/blog"}
	tickets      = []struct{ problem, detail, category string }{
		{"delivery late", "The parcel was due on Monday and has not arrived; the tracking page has not changed for three days.", "complaint"},
		{"damaged item", "Two of the six chairs arrived with scratched armrests. Photos attached.", "complaint"},
		{"wrong item delivered", "Ordered the white desk frame, received the black one.", "complaint"},
		{"invoice amount incorrect", "The invoice shows 20 units; we ordered and received 12.", "complaint"},
		{"cannot sign in to the portal", "Sign-in fails with \"account locked\" although the password is right.", "problem"},
		{"refund not received", "Returned the headset four weeks ago and the refund has not arrived.", "complaint"},
		{"product stopped working", "The desk motor stops halfway up and beeps. Tried a reset as the manual says.", "complaint"},
		{"missing parts", "The monitor arm came without the clamp; cannot install it.", "complaint"},
		{"change of delivery address", "Please deliver to our new office from next month.", "request"},
		{"question about warranty", "Is the chair's gas lift covered after three years?", "question"},
		{"duplicate card charge", "We were charged twice for the same order. Please refund one payment.", "complaint"},
		{"password reset e-mail not arriving", "Tried three times; nothing in the spam folder either.", "problem"},
	}
	priorities    = []string{"low", "normal", "normal", "normal", "high", "urgent"}
	callReasons   = []string{"delivery status", "invoice question", "product advice", "price quote", "complaint about a delivery", "contract renewal", "change of address", "change to an order", "installation date", "return of an item"}
	callOutcomes  = []string{"Resolved on the call.", "Promised a call back by Friday.", "Sent a follow-up e-mail with the details.", "Escalated to the service manager.", "Customer will think it over and call back.", "Booked a visit for next week."}
	emailTopics   = []string{"your quote", "delivery schedule", "contract renewal", "meeting next week", "price list", "new contact person", "installation plan", "your feedback", "sample request", "open invoices"}
	meetingTypes  = []string{"Quarterly review meeting", "Annual planning meeting", "Contract negotiation", "Product demo: %s", "Kick-off meeting: %s", "Service review", "Introduction meeting with the new account manager"}
	projects      = []string{"office refit", "new headquarters", "warehouse expansion", "store roll-out", "hybrid-work programme", "sustainability programme", "ERP integration"}
	meetingNotes  = []string{"Went through last quarter's orders and open tickets. They want faster delivery to their %s site. Next step: send a revised service level proposal.", "Budget for next year is still open. They asked for a price for a three-year agreement. Next step: quote by the end of the month.", "Good meeting; the new facilities manager joined. They are happy with the coffee service but not with the print service response times.", "Showed the new sit-stand range. Strong interest for the %s office; they want two samples for a trial."}
	chatQuestions = []string{"where is my order?", "how do I return an item?", "discount code not working", "opening hours of the %s store", "can I change my delivery date?", "do you deliver on Saturdays?", "is the standing desk in stock?"}
	letters       = []string{"Renewal letter sent", "Welcome pack posted", "Payment reminder sent by post", "Annual statement %d posted", "Price change notice sent", "Loyalty card posted", "Catalogue %d posted"}
	documents     = []string{"Contract signed: %s agreement", "NDA signed", "Proposal sent: %s", "Framework agreement %d signed", "Price list %d shared", "Delivery note DN-%d", "Service level agreement %d signed"}
	socialPosts   = []string{"Mentioned us on LinkedIn", "Left a 5-star review", "Left a 4-star review", "Left a 2-star review: slow delivery", "Shared our post on Instagram", "Asked a question on X about delivery times"}
	smsTexts      = []string{"Delivery notification sent by SMS", "Order #%d dispatched: SMS sent", "Appointment reminder sent by SMS", "Verification code sent by SMS"}
)

// activities are the kinds of interaction, with how often each profile has them.
var activities = []activity{
	{"web_event", "web", "web", "EV-", [3]float64{26, 12, 6}, false, rapport.ActorCustomer, func(g *generator, c *entry, n int, in *rapport.Interaction) {
		switch g.r.IntN(7) {
		case 0:
			in.Summary, in.Attributes = "Viewed pricing page", attrs("path", "/pricing")
		case 1:
			in.Summary, in.Attributes = "Viewed product page: "+pick(g.r, productLines), attrs("path", pick(g.r, pages))
		case 2:
			in.Summary = fmt.Sprintf("Downloaded brochure: %s catalogue %d", pick(g.r, productLines), in.OccurredAt.Year())
		case 3:
			// A search, in the attributes the almost-customers list reads
			// (docs/almost-customers.md). A quarter find nothing; the count follows
			// from the event's number rather than a random draw, so that the rest of
			// the data set stays as it was.
			query, results := pick(g.r, helpQueries), 0
			if n%4 != 0 {
				results = 1 + n%9
			}
			in.Summary, in.Attributes = fmt.Sprintf("Searched the help centre for %q: %d results", query, results), attrs("event", "search", "query", query, "results", results)
			if results == 0 {
				in.Summary = fmt.Sprintf("Searched the help centre for %q: nothing found", query)
			}
		case 4:
			in.Summary, in.Attributes = "Abandoned a basket with "+thousands.Count(1+g.r.IntN(6), "item"), attrs("path", "/basket")
		case 5:
			in.Summary = fmt.Sprintf("Read the article %q", pick(g.r, articles))
		default:
			in.Summary, in.Attributes = "Visited "+pick(g.r, pages), attrs("path", pick(g.r, pages))
		}
	}},
	{"web_event", "portal", "web", "PV-", [3]float64{5, 8, 5}, false, rapport.ActorCustomer, func(g *generator, c *entry, n int, in *rapport.Interaction) {
		switch g.r.IntN(5) {
		case 0:
			in.Summary = "Signed in to the customer portal"
		case 1:
			in.Summary = fmt.Sprintf("Downloaded invoice INV-%d-%d", in.OccurredAt.Year(), g.earlier("billing"))
		case 2:
			in.Summary = "Updated the delivery address"
		case 3:
			in.Summary = fmt.Sprintf("Checked the status of order #%d", g.earlier("shop"))
		default:
			in.Summary = "Changed the notification settings"
		}
	}},
	{"order", "web", "shop", "SO-", [3]float64{12, 5, 12}, false, rapport.ActorCustomer, func(g *generator, c *entry, n int, in *rapport.Interaction) {
		items := 1 + int(lognormal(g.r, 0.7))
		if items == 1 {
			in.Summary = fmt.Sprintf("Order #%d: %s", n, pick(g.r, products))
		} else {
			in.Summary = fmt.Sprintf("Order #%d: %d items", n, items)
		}
		// The product line follows from the order number rather than a random draw, so
		// that the rest of the data set stays as it was before orders had one.
		in.Attributes = attrs("items", items, "product", productLines[n%len(productLines)])
		g.spend(c, in, 60, 900)
	}},
	{"order", "phone", "shop", "SO-", [3]float64{1, 2, 3}, true, rapport.ActorStaff, func(g *generator, c *entry, n int, in *rapport.Interaction) {
		items := 1 + int(lognormal(g.r, 0.9))
		in.Summary, in.Attributes = fmt.Sprintf("Phone order #%d: %s", n, thousands.Count(items, "item")), attrs("items", items, "product", productLines[n%len(productLines)])
		g.spend(c, in, 90, 1400)
	}},
	{"order", "other", "shop", "EDI-", [3]float64{0, 0, 3}, false, rapport.ActorSystem, func(g *generator, c *entry, n int, in *rapport.Interaction) {
		lines := 2 + int(lognormal(g.r, 1))
		in.Summary, in.Attributes = fmt.Sprintf("EDI order #%d: %d lines", n, lines), attrs("items", lines, "product", productLines[n%len(productLines)])
		g.spend(c, in, 200, 2500)
	}},
	{"transaction", "web", "billing", "PAY-", [3]float64{7, 2, 4}, false, rapport.ActorCustomer, func(g *generator, c *entry, n int, in *rapport.Interaction) {
		in.Summary = fmt.Sprintf("Card payment for order #%d", g.earlier("shop"))
		g.spend(c, in, 60, 700)
	}},
	{"transaction", "other", "billing", "PAY-", [3]float64{2, 2, 12}, false, rapport.ActorSystem, func(g *generator, c *entry, n int, in *rapport.Interaction) {
		switch k := g.r.IntN(10); {
		case k < 5:
			in.Summary = fmt.Sprintf("Payment received for invoice INV-%d-%d", in.OccurredAt.Year(), g.earlier("billing"))
			g.spend(c, in, 80, 1800)
		case k < 8:
			in.Summary = fmt.Sprintf("Direct debit: %s subscription, %s", pick(g.r, services), monthYear(in.OccurredAt))
			g.spend(c, in, 25, 450)
		case k < 9:
			in.Summary = fmt.Sprintf("Credit note CN-%d", n)
			g.spend(c, in, 30, 250)
			refund(in)
		default:
			in.Summary = fmt.Sprintf("Refund for order #%d", g.earlier("shop"))
			g.spend(c, in, 45, 300)
			refund(in)
		}
	}},
	{"transaction", "in_person", "shop", "POS-", [3]float64{6, 0.5, 0.5}, false, rapport.ActorCustomer, func(g *generator, c *entry, n int, in *rapport.Interaction) {
		in.Summary = fmt.Sprintf("Purchase at the %s store", g.place(c))
		g.spend(c, in, 35, 120)
	}},
	{"email", "email", "mail", "MSG-", [3]float64{10, 8, 8}, false, rapport.ActorSystem, func(g *generator, c *entry, n int, in *rapport.Interaction) {
		switch g.r.IntN(5) {
		case 0:
			in.Summary = fmt.Sprintf("Order confirmation #%d sent", g.earlier("shop"))
		case 1:
			in.Summary = fmt.Sprintf("Invoice INV-%d-%d sent", in.OccurredAt.Year(), g.earlier("billing"))
		case 2:
			in.Summary = fmt.Sprintf("Delivery update for order #%d", g.earlier("shop"))
		default:
			in.Summary = "Newsletter: " + pick(g.r, campaigns)
		}
	}},
	{"email", "email", "mail", "MSG-", [3]float64{3, 8, 8}, true, rapport.ActorStaff, func(g *generator, c *entry, n int, in *rapport.Interaction) {
		switch g.r.IntN(4) {
		case 0:
			in.Summary = fmt.Sprintf("Quote Q-%d sent", n)
		case 1:
			in.Summary = "Follow-up: " + pick(g.r, emailTopics)
		default:
			in.Summary = "Re: " + pick(g.r, emailTopics)
		}
		if chance(g.r, 0.2) {
			in.Body = fmt.Sprintf("Thank you for your message. %s", pick(g.r, callOutcomes))
		}
	}},
	{"call", "phone", "pbx", "CALL-", [3]float64{5, 9, 6}, true, rapport.ActorStaff, func(g *generator, c *entry, n int, in *rapport.Interaction) {
		minutes, reason := 1+int(lognormal(g.r, 0.8)*3), pick(g.r, callReasons)
		switch k := g.r.IntN(10); {
		case k < 6:
			in.Summary = fmt.Sprintf("Inbound call: %s (%d min)", reason, minutes)
		case k < 9:
			in.Summary = fmt.Sprintf("Outbound call: %s (%d min)", reason, minutes)
		default:
			in.Summary, minutes = "Missed call", 0
		}
		in.Attributes = attrs("duration_s", minutes*60+g.r.IntN(60))
		if minutes > 0 && chance(g.r, 0.3) {
			in.Body = fmt.Sprintf("%s about %s. %s", caller(c), reason, pick(g.r, callOutcomes))
		}
	}},
	{"sms", "sms", "pbx", "SMS-", [3]float64{4, 0.5, 0}, false, rapport.ActorSystem, func(g *generator, c *entry, n int, in *rapport.Interaction) {
		text := pick(g.r, smsTexts)
		if text == smsTexts[1] {
			text = fmt.Sprintf(text, g.earlier("shop"))
		}
		in.Summary = text
	}},
	{"ticket", "portal", "support", "T-", [3]float64{3.5, 4, 5}, false, rapport.ActorCustomer, func(g *generator, c *entry, n int, in *rapport.Interaction) {
		switch k := g.r.IntN(20); {
		case k < 8:
			in.Channel = "email"
		case k < 11:
			in.Channel = "phone"
		}
		t := pick(g.r, tickets)
		in.Summary = fmt.Sprintf("Ticket #%d: %s", n, t.problem)
		in.Attributes = attrs("priority", pick(g.r, priorities), "category", t.category)
		if chance(g.r, 0.5) {
			in.Body = t.detail
		}
	}},
	{"chat", "chat", "support", "CHAT-", [3]float64{3, 1.5, 0.5}, false, rapport.ActorCustomer, func(g *generator, c *entry, n int, in *rapport.Interaction) {
		q := pick(g.r, chatQuestions)
		if q == chatQuestions[3] {
			q = fmt.Sprintf(q, g.place(c))
		}
		in.Summary = "Chat: " + q
	}},
	{"meeting", "in_person", "crm", "ACT-", [3]float64{0, 2.5, 3.5}, true, rapport.ActorStaff, func(g *generator, c *entry, n int, in *rapport.Interaction) {
		in.Summary = meetingTitle(g)
		if chance(g.r, 0.6) {
			in.Body = meetingNote(g, c)
		}
	}},
	{"meeting", "other", "crm", "ACT-", [3]float64{0, 2, 2.5}, true, rapport.ActorStaff, func(g *generator, c *entry, n int, in *rapport.Interaction) {
		in.Summary = "Video call: " + meetingTitle(g)
		if chance(g.r, 0.4) {
			in.Body = meetingNote(g, c)
		}
	}},
	{"visit", "in_person", "crm", "ACT-", [3]float64{0.6, 1, 2.5}, true, rapport.ActorStaff, func(g *generator, c *entry, n int, in *rapport.Interaction) {
		city := g.place(c)
		switch {
		case c.profile == consumer:
			in.Summary = fmt.Sprintf("Visited the %s showroom", city)
		case chance(g.r, 0.5):
			in.Summary = fmt.Sprintf("Site visit at the %s office", city)
		case chance(g.r, 0.5):
			in.Summary = fmt.Sprintf("Delivery and installation in %s", city)
		default:
			in.Summary = fmt.Sprintf("Visit to the %s warehouse", city)
		}
		if chance(g.r, 0.4) {
			in.Body = meetingNote(g, c)
		}
	}},
	{"letter", "post", "crm", "LTR-", [3]float64{2, 0.8, 2}, false, rapport.ActorSystem, func(g *generator, c *entry, n int, in *rapport.Interaction) {
		text := pick(g.r, letters)
		switch text {
		case letters[3]:
			text = fmt.Sprintf(text, in.OccurredAt.Year()-1)
		case letters[6]:
			text = fmt.Sprintf(text, in.OccurredAt.Year())
		}
		in.Summary = text
	}},
	{"document", "email", "crm", "DOC-", [3]float64{0.4, 2, 4}, true, rapport.ActorStaff, func(g *generator, c *entry, n int, in *rapport.Interaction) {
		switch k := g.r.IntN(20); {
		case k < 7:
			in.Channel = "portal"
		case k < 10:
			in.Channel = "post"
		}
		switch i := g.r.IntN(len(documents)); i {
		case 0:
			in.Summary = fmt.Sprintf(documents[i], pick(g.r, services))
		case 1:
			in.Summary = documents[i]
		case 2:
			in.Summary = fmt.Sprintf(documents[i], pick(g.r, projects))
		case 5:
			in.Summary = fmt.Sprintf(documents[i], n)
		default:
			in.Summary = fmt.Sprintf(documents[i], in.OccurredAt.Year())
		}
	}},
	{"other", "social", "web", "SOC-", [3]float64{1.2, 0.5, 0.4}, false, rapport.ActorCustomer, func(g *generator, c *entry, n int, in *rapport.Interaction) {
		in.Summary = pick(g.r, socialPosts)
	}},
	{"other", "web", "web", "SRV-", [3]float64{1, 1, 0.6}, false, rapport.ActorCustomer, func(g *generator, c *entry, n int, in *rapport.Interaction) {
		if chance(g.r, 0.6) {
			score := min(10, max(0, 10-int(lognormal(g.r, 0.9)*1.5)+1))
			in.Summary, in.Attributes = fmt.Sprintf("NPS survey: score %d", score), attrs("score", score)
		} else {
			score := min(5, max(1, 6-int(lognormal(g.r, 0.8))))
			in.Summary, in.Attributes = fmt.Sprintf("Satisfaction survey after a ticket: %d of 5", score), attrs("score", score)
		}
	}},
}

func meetingTitle(g *generator) string {
	t := pick(g.r, meetingTypes)
	switch t {
	case meetingTypes[3]:
		return fmt.Sprintf(t, pick(g.r, productLines))
	case meetingTypes[4]:
		return fmt.Sprintf(t, pick(g.r, projects))
	}
	return t
}

func meetingNote(g *generator, c *entry) string {
	i := g.r.IntN(len(meetingNotes))
	if i == 0 || i == 3 {
		return fmt.Sprintf(meetingNotes[i], g.place(c))
	}
	return meetingNotes[i]
}

// caller is how a call log names who spoke for the customer.
func caller(c *entry) string {
	if c.given != "" {
		return "Spoke with " + c.given
	}
	return "Spoke with their " + strings.ToLower(jobTitles.values[0])
}
