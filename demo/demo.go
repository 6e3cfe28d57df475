// Package demo fills a Rapport database with a realistic, deterministic demo data set:
// a European supplier of workplace equipment and services, its staff, and its customers
// in fifteen countries with three years of history. The demo, the benchmarks and tests
// of later features use it.
//
// The same Seed and End give the same customers, names, links, interactions and notes;
// only the ids (UUIDv7, made when rows are written) and the staff password (random
// unless given) differ between runs.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/blob"
	"github.com/rapportckm/rapport/thousands"
)

// Options size and seed the data set.
type Options struct {
	Customers int       // number of customers (people and organisations); default 1000, from 10 to 1,000,000
	Seed      int64     // same seed, same data
	End       time.Time // the data covers the three years before End; zero means today at 00:00 UTC
	Password  string    // password of the demo staff users; empty: one is generated and returned in Summary
	// Attachments, if set, keeps the files the demo attaches to some letters and
	// documents; without it, none are.
	Attachments blob.Store
	// Mail is how the demo's mails to customers (answers to their questions, waiting in
	// the outbox) link back and sign; BaseURL defaults to http://localhost:8080, Firm to
	// the demo firm's name.
	Mail rapport.PortalMail
	// SetNow, if set, turns the store's clock (sqldb.DB.Now) so that surveys can be
	// sent and answered over the last year; without it, no survey answers are made.
	SetNow func(now func() time.Time)
}

// DefaultCustomers is the size of the data set when Options.Customers is zero.
const DefaultCustomers = 1000

// MinCustomers is the fewest customers a demo has: enough organisations to link and
// to wall off. MaxCustomers keeps the plan, about half a kilobyte a customer, under
// 500 MB.
const (
	MinCustomers = 10
	MaxCustomers = 1_000_000
)

// InteractionsPerCustomer is the average number of interactions per customer: 100,000
// customers make about 10 million interactions.
const InteractionsPerCustomer = 100

// Store is the services Fill needs; *sqldb.DB satisfies it.
type Store interface {
	rapport.CustomerService
	rapport.LinkService
	rapport.InteractionService
	rapport.NoteService
	rapport.SourceService
	rapport.UserService
	rapport.WallService
	rapport.ConsentService
	rapport.ItemService
	rapport.AttachmentService
	rapport.PlaybookService
	rapport.FeedbackService
	rapport.RoutingService
	rapport.ActionService
	rapport.SegmentService
	rapport.SurveyService
	rapport.MailService
	rapport.KnowledgeService
	rapport.KnowledgeWork
	rapport.ExpertService
	rapport.KnowledgeSearch
	rapport.PortalReadingService
	rapport.ExpertQuestionService
	rapport.SurvivorshipService
}

// Summary says what Fill wrote.
type Summary struct {
	Organisations int
	People        int
	Links         int
	Interactions  int
	Notes         int
	Consents      int      // decisions recorded
	Items         int      // items of business opened
	Attachments   int      // files attached to letters and documents
	Feedback      int      // pieces of feedback logged
	Actions       int      // action items worked (done, or due long ago)
	Escalated     int      // overdue action items escalated
	Teams         []string // names
	Users         []string // e-mail addresses; the first is the admin
	Password      string   // of every demo user
	Wall          string   // name of the wall
	Walled        int      // customers the wall covers
	SurveyAnswers int      // answers to the demo surveys
	// SurveyComplaints are the complaints low scores logged, beside Feedback.
	SurveyComplaints int
	// Questions are the questions customers asked experts.
	Questions int
	// Duplicates are the people the web shop knows under a second record of its own,
	// for identity resolution to find.
	Duplicates int
	// Households are the people the web shop knows who live with a customer, under the
	// same family name and address: not duplicates, though they look alike.
	Households int
}

// Streams of random numbers, one per part of the data set, so that a change to how one
// part is made leaves the others as they were.
const (
	streamCustomers uint64 = iota + 1
	streamRecords
	streamInteractions
	streamWall
	streamNotes
	streamConsents
	streamItems
	streamAttachments
	streamFeedback
	streamSurveys
	streamReading
	streamDuplicates
	streamReviews
	streamShopDates
)

// Batch sizes: big enough that the database sees few transactions, small enough that
// memory stays flat however many customers are asked for.
const (
	customerBatch    = 1000
	interactionBatch = 10_000
)

// filler holds what one Fill call has made so far.
type filler struct {
	store  Store
	opts   Options
	log    func(format string, args ...any)
	system rapport.Scope
	start  time.Time // of the three years covered
	end    time.Time

	teams []*rapport.Team
	users []*rapport.User // in the order of demoStaff
	pop   *population
	sum   Summary
}

// Fill writes the demo data set into store: teams and users, customers, links,
// interactions, a wall, notes and consents. It refuses (ECONFLICT) a database that holds the demo
// data or any customers already, before writing anything. progress, if not nil, is told
// what is done every batch or so.
func Fill(ctx context.Context, store Store, opts Options, progress func(format string, args ...any)) (Summary, error) {
	opts, err := opts.normalize(time.Now())
	if err != nil {
		return Summary{}, err
	}
	if progress == nil {
		progress = func(string, ...any) {}
	}
	f := &filler{
		store:  store,
		opts:   opts,
		log:    progress,
		system: rapport.SystemScope("demo"),
		start:  opts.End.AddDate(-3, 0, 0),
		end:    opts.End,
	}
	if err := f.checkFresh(ctx); err != nil {
		return Summary{}, err
	}
	f.sum.Password = opts.Password
	if f.sum.Password == "" {
		f.sum.Password = newPassword()
	}
	f.pop = plan(f.rand(streamCustomers), opts.Customers, f.start, f.end)
	f.pop.chooseWall(f.rand(streamWall))
	steps := []func(context.Context) error{
		f.createStaff,
		f.writeCustomers,
		f.writeLinks,
		f.writeInteractions,
		f.createWall,
		f.writeNotes,
		f.writeConsents,
		f.writeItems,
		f.writeAttachments,
		f.writePlaybook,
		f.writeRouting,
		f.writeFeedback,
		f.writeSurveys,
		f.writeKnowledge,
		f.writeReading,
		f.writeQuestions,
		f.writeDuplicates,
		f.reviewRecords,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return f.sum, err
		}
	}
	return f.sum, nil
}

// Check reports what is wrong with the options, as Fill would, without touching a
// store: a command checks them before it makes a database to fill.
func (o Options) Check() error {
	_, err := o.normalize(time.Now())
	return err
}

// normalize fills in the defaults and checks the options.
func (o Options) normalize(now time.Time) (Options, error) {
	switch {
	case o.Customers == 0:
		o.Customers = DefaultCustomers
	case o.Customers < MinCustomers:
		return o, rapport.FieldError("customers", "the demo needs at least %d customers, so that there are organisations to link and to wall off; got %d", MinCustomers, o.Customers)
	case o.Customers > MaxCustomers:
		return o, rapport.FieldError("customers", "the demo makes at most %s customers (%s interactions), as it plans them all in memory; got %s",
			thousands.Int(MaxCustomers), thousands.Int(MaxCustomers*InteractionsPerCustomer), thousands.Int(o.Customers))
	}
	if o.End.IsZero() {
		y, m, d := now.UTC().Date()
		o.End = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	o.End = o.End.UTC()
	if o.End.After(now.AddDate(1, 0, 0)) {
		return o, rapport.FieldError("end", "the end of the demo data may be at most a year from now, as interactions cannot be dated later; got %s", o.End.Format(time.DateOnly))
	}
	if o.Mail.BaseURL == "" {
		o.Mail.BaseURL = "http://localhost:8080"
	}
	if o.Mail.Firm == "" {
		o.Mail.Firm = firm
	}
	if o.Password != "" {
		if msg := rapport.ValidPassword(o.Password); msg != "" {
			return o, rapport.FieldError("password", "%s", msg)
		}
	}
	return o, nil
}

// rand returns the random numbers of one stream of the data set.
func (f *filler) rand(stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(f.opts.Seed), stream))
}

// rejected turns the first rejected row of a bulk write into an error: the generator
// makes only valid rows, so a rejection is a bug to report, not data to skip.
func rejected(what string, res rapport.IngestResult) error {
	if res.Rejected == 0 {
		return nil
	}
	e := res.Errors[0]
	return rapport.Errorf(rapport.EINTERNAL, "demo: %d %s rejected, the first (row %d, %s): %s", res.Rejected, what, e.Line, e.Field, e.Message)
}

// rate formats a count per second for progress reports.
func rate(n int, since time.Time) string {
	s := time.Since(since).Seconds()
	if s <= 0 {
		return ""
	}
	return fmt.Sprintf(" (%s/s)", thousands.Int(int(float64(n)/s)))
}
