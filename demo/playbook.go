package demo

import (
	"context"

	"github.com/rapportckm/rapport"
)

// demoTips are the service team's handling tips, for the kinds of request the demo's
// items have.
var demoTips = []rapport.Tip{
	{RequestType: "damaged delivery", Title: "Photos first, then a replacement",
		Body: "Ask for two photos of the damage and the box, by e-mail or the portal. Send the replacement the same day; the courier collects the damaged one, so the customer never has to post anything."},
	{RequestType: "damaged delivery", Channel: "phone", Title: "On the phone: say when, not just sorry",
		Body: "Give the replacement's delivery day before you end the call, and offer a text message when it leaves the warehouse."},
	{RequestType: "refund", Title: "Refunds go back the way they came",
		Body: "Check that the return has arrived at the warehouse, then refund to the original payment method. Card refunds take 3–5 working days: say so."},
	{RequestType: "address change", Title: "One address, every product",
		Body: "Ask whether the new address is for all their orders, contracts and invoices, and change them in one go, so they need not call again."},
	{RequestType: "complaint", Title: "Listen, then say what happens next",
		Body: "Let the customer finish. Say what you will do and by when, and write it on the item. Offer a call back at the time they prefer."},
	{RequestType: "invoice correction", Title: "Corrected invoices replace, not add",
		Body: "Issue a credit note and a new invoice together, and tell the customer which one to pay."},
}

// demoQuestions are the service team's question rules; they react to items of
// business closed recently (see docs/items.md for the attributes).
var demoQuestions = []rapport.QuestionRule{
	{Name: "Rate the fix", Active: true,
		Rule:     `count(attr.item_event = closed, attr.item_kind = feedback, since 14d ago) >= 1`,
		Question: "We sorted out what you told us recently: how would you rate how we handled it, from 1 to 5?"},
	{Name: "Address changed: other products", Active: true,
		Rule:     `count(attr.item_event = closed, attr.request_type = "address change", since 30d ago) >= 1 AND count(type = order, since 365d ago) >= 2`,
		Question: "You changed your delivery address: should the new one apply to your other orders, contracts and invoices too?"},
	{Name: "Valuable and slipping", Active: true,
		Rule:     `monetary >= 4 AND p_alive < 0.5`,
		Question: "It has been a while since your last order: is there anything we could do better for you?"},
}

// writePlaybook has the service team's manager write the tips and question rules.
func (f *filler) writePlaybook(ctx context.Context) error {
	manager := rapport.StaffScope(f.users[staffIndex("chloe.martin")], "cli", "demo")
	for _, t := range demoTips {
		if err := f.store.CreateTip(ctx, manager, &t); err != nil {
			return err
		}
	}
	for _, q := range demoQuestions {
		if err := f.store.CreateQuestionRule(ctx, manager, &q); err != nil {
			return err
		}
	}
	f.log("playbook: %d tips, %d question rules", len(demoTips), len(demoQuestions))
	return nil
}
