// Package clv holds the models of customer value: BG/NBD for how many more purchases a
// customer will make and whether they are still a customer at all (Fader, Hardie & Lee
// 2005), Gamma–Gamma for what they will spend on each, and lifetime value from both.
// The models are fitted by maximum likelihood on a summary of each customer's purchases.
package clv

import (
	"fmt"
	"math"
	"sort"
	"time"
)

// Unit is the length of the period that frequencies and times are counted in.
type Unit string

const (
	Day   Unit = "day"
	Week  Unit = "week"
	Month Unit = "month" // a twelfth of a year of 365.25 days
)

// Days is the length of the unit in days.
func (u Unit) Days() (float64, error) {
	switch u {
	case Day:
		return 1, nil
	case Week:
		return 7, nil
	case Month:
		return 365.25 / 12, nil
	}
	return 0, fmt.Errorf("unit %q is unknown: use day, week or month", u)
}

// Purchase is one transaction of a customer. Purchases on the same day count as one,
// their amounts added.
type Purchase struct {
	Customer string
	Day      time.Time // midnight UTC of the day of purchase
	Amount   float64
}

// Customer is what the models know of one customer: the purchases after the first in
// the calibration period, and what happened in the hold-out period after it.
type Customer struct {
	ID string
	// X is the number of repeat purchases (days with a purchase, after the first) in
	// the calibration period; Tx the time from the first purchase to the last; T the
	// time from the first purchase to the end of the calibration period.
	X     int
	Tx, T float64
	// Spend is the mean amount of the repeat purchases (0 when X is 0).
	Spend float64
	// HoldoutX is the number of purchase days in the hold-out period.
	HoldoutX int
}

// Summarise turns purchases into customers: those whose first purchase is on or before
// calibrationEnd, with their purchases after holdoutEnd left out. Times are counted in
// units, from day to day.
func Summarise(purchases []Purchase, calibrationEnd, holdoutEnd time.Time, unit Unit) ([]Customer, error) {
	days, err := unit.Days()
	if err != nil {
		return nil, err
	}
	type history struct {
		days    map[time.Time]float64 // amount by day, in the calibration period
		holdout map[time.Time]bool
	}
	byCustomer := map[string]*history{}
	var order []string
	for _, p := range purchases {
		h := byCustomer[p.Customer]
		if h == nil {
			h = &history{days: map[time.Time]float64{}, holdout: map[time.Time]bool{}}
			byCustomer[p.Customer] = h
			order = append(order, p.Customer)
		}
		switch {
		case !p.Day.After(calibrationEnd):
			h.days[p.Day] += p.Amount
		case !p.Day.After(holdoutEnd):
			h.holdout[p.Day] = true
		}
	}
	sort.Strings(order)
	span := func(a, b time.Time) float64 { return math.Round(b.Sub(a).Hours()/24) / days }
	var out []Customer
	for _, id := range order {
		h := byCustomer[id]
		if len(h.days) == 0 {
			continue // first bought after the calibration period: not in the cohort
		}
		var first, last time.Time
		for d := range h.days {
			if first.IsZero() || d.Before(first) {
				first = d
			}
			if d.After(last) {
				last = d
			}
		}
		c := Customer{ID: id, X: len(h.days) - 1, T: span(first, calibrationEnd), HoldoutX: len(h.holdout)}
		if c.X > 0 {
			c.Tx = span(first, last)
			for d, amount := range h.days {
				if d != first {
					c.Spend += amount
				}
			}
			c.Spend /= float64(c.X)
		}
		out = append(out, c)
	}
	return out, nil
}
