package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"time"

	"github.com/rapportckm/rapport/clv"
	"github.com/rapportckm/rapport/mapping"
	"github.com/rapportckm/rapport/thousands"
)

// runCLV is customer value in file mode: fit the models to a file of transactions.
func runCLV(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 || args[0] != "fit" {
		return usagef("use: rapport clv fit --transactions FILE --customer-column C --date-column D --calibration-end DATE …")
	}
	const use = "fit --transactions FILE --customer-column C --date-column D [--amount-column A] --calibration-end DATE [--holdout-end DATE] [--unit day|week|month] [--date-format LAYOUT] [--scores FILE.csv] [--horizon N] [--margin M] [--discount D] [--json]"
	var file, customerCol, dateCol, amountCol, calEnd, holdEnd, unit, dateFormat, scoresFile string
	var horizon, margin, discount float64
	var asJSON bool
	fs := newFlags(env, "clv", use)
	fs.StringVar(&file, "transactions", "", "the transactions: CSV, NDJSON or JSON with a header, or columns separated by spaces")
	fs.StringVar(&customerCol, "customer-column", "", "the column naming the customer (a name, or a position from 1)")
	fs.StringVar(&dateCol, "date-column", "", "the column with the date of the transaction")
	fs.StringVar(&amountCol, "amount-column", "", "the column with its amount; without it no spend model is fitted")
	fs.StringVar(&calEnd, "calibration-end", "", "the last day of the calibration period, YYYY-MM-DD")
	fs.StringVar(&holdEnd, "holdout-end", "", "the last day of a hold-out period to compare the forecast with, YYYY-MM-DD")
	fs.StringVar(&unit, "unit", "week", "the unit of time: day, week or month")
	fs.StringVar(&dateFormat, "date-format", "", "how dates are written, such as DD/MM/YYYY (default: YYYY-MM-DD, YYYYMMDD or YYYY/MM/DD)")
	fs.StringVar(&scoresFile, "scores", "", "write every customer's P(alive), expected purchases, expected spend and lifetime value here as CSV")
	fs.Float64Var(&horizon, "horizon", 0, "the horizon of the lifetime value, in units (default: one year)")
	fs.Float64Var(&margin, "margin", 1, "the share of spend that is profit, for the lifetime value")
	fs.Float64Var(&discount, "discount", 0, "the discount rate per unit, for the lifetime value")
	fs.BoolVar(&asJSON, "json", false, "print the result as JSON, with every customer's forecast")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	u := clv.Unit(unit)
	unitDays, err := u.Days()
	switch {
	case file == "" || customerCol == "" || dateCol == "" || calEnd == "":
		return usagef("--transactions, --customer-column, --date-column and --calibration-end are required")
	case err != nil:
		return usagef("--unit: %v", err)
	case !(margin > 0) || !(discount >= 0) || !(horizon >= 0) || math.IsInf(margin+discount+horizon, 0):
		return usagef("--margin must be a number above 0, --discount and --horizon numbers at least 0")
	}
	calibration, err := time.Parse("2006-01-02", calEnd)
	if err != nil {
		return usagef("--calibration-end %q is not a date written YYYY-MM-DD", calEnd)
	}
	holdout := calibration
	if holdEnd != "" {
		if holdout, err = time.Parse("2006-01-02", holdEnd); err != nil || !holdout.After(calibration) {
			return usagef("--holdout-end must be a date written YYYY-MM-DD after --calibration-end")
		}
	}
	if err := checkOutputs([]string{file}, outputFile{"--scores", scoresFile}); err != nil {
		return err
	}
	if horizon == 0 {
		horizon = 365.25 / unitDays
	}
	cols := clv.Columns{Customer: customerCol, Date: dateCol, Amount: amountCol}
	if dateFormat != "" {
		layout, err := mapping.ParseLayout(dateFormat)
		if err != nil {
			return usagef("--date-format: %v", err)
		}
		// Said in the user's words: Go's own error shows its reference layout.
		cols.ParseDate = func(s string) (time.Time, error) {
			t, err := layout.Parse(s, time.UTC)
			if err != nil {
				return t, fmt.Errorf("%q is not a date written %s (--date-format)", s, dateFormat)
			}
			return t, nil
		}
	}

	start := time.Now()
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	purchases, err := clv.ReadPurchases(f, cols)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if len(purchases) == 0 {
		return fmt.Errorf("%s: there are no transactions", file)
	}
	// A hold-out period past the data would compare a forecast over all of it with
	// the purchases of the part the file holds.
	var last time.Time
	for _, p := range purchases {
		if p.Day.After(last) {
			last = p.Day
		}
	}
	if holdEnd != "" && holdout.After(last) {
		return usagef("--holdout-end %s is after the last transaction in %s, on %s: end the hold-out on or before it", holdEnd, file, last.Format("2006-01-02"))
	}
	customers, err := clv.Summarise(purchases, calibration, holdout, u)
	if err != nil {
		return err
	}
	res := clvResult{Customers: len(customers), Unit: u, CalibrationEnd: calEnd}
	bg, ll, err := clv.FitBGNBD(customers)
	if err != nil {
		return err
	}
	res.BGNBD = &fitted[clv.BGNBD]{bg, ll}
	var spend *clv.GammaGamma
	if amountCol != "" {
		gg, ll, err := clv.FitGammaGamma(customers)
		if err != nil {
			return fmt.Errorf("the spend model could not be fitted (%w); leave out --amount-column for the purchase model alone", err)
		}
		spend, res.GammaGamma = &gg, &fitted[clv.GammaGamma]{gg, ll}
		// Said, as the customers it leaves out are valued at the population's mean.
		res.NoSpend = clv.LeftOutOfSpend(customers)
	}
	valuation := clv.Valuation{Horizon: horizon, Margin: margin, Discount: discount}
	scores := valuation.ScoreAll(bg, spend, customers)
	if holdEnd != "" {
		res.Holdout = holdoutOf(bg, customers, scores, holdout.Sub(calibration).Hours()/24/unitDays, asJSON)
		res.Holdout.End = holdEnd
	}
	if scoresFile != "" {
		if err := writeScores(scoresFile, scores); err != nil {
			return err
		}
	}
	res.Seconds = time.Since(start).Seconds()

	if asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	w := env.stdout
	fmt.Fprintf(w, "%d customers, times in %ss, calibration to %s\n", res.Customers, unit, calEnd)
	fmt.Fprintf(w, "BG/NBD       r %.4f  alpha %.4f  a %.4f  b %.4f  log-likelihood %.2f\n", bg.R, bg.Alpha, bg.A, bg.B, ll)
	if g := res.GammaGamma; g != nil {
		fmt.Fprintf(w, "Gamma-Gamma  p %.4f  q %.4f  gamma %.4f  log-likelihood %.2f\n", g.Model.P, g.Model.Q, g.Model.Gamma, g.LogLikelihood)
		if n := res.NoSpend; n > 0 {
			verb := "are"
			if n == 1 {
				verb = "is"
			}
			fmt.Fprintf(w, "             %s whose repeat purchases add up to 0 %s left out of its fit; their expected spend is the mean of all\n", thousands.Count(n, "customer"), verb)
		}
	}
	if h := res.Holdout; h != nil {
		fmt.Fprintf(w, "hold-out to %s (%.2f %ss): predicted %.1f repeat purchases, actual %d\n", holdEnd, h.Length, unit, h.Predicted, h.Actual)
		fmt.Fprintf(w, "%14s %10s %10s %10s\n", "calibration x", "customers", "predicted", "actual")
		for _, g := range h.ByFrequency {
			label := strconv.Itoa(g.X)
			if g.X == len(h.ByFrequency)-1 {
				label += "+"
			}
			fmt.Fprintf(w, "%14s %10d %10.1f %10d\n", label, g.Customers, g.Predicted, g.Actual)
		}
	}
	fmt.Fprintf(w, "in %.1fs\n", res.Seconds)
	return nil
}

type fitted[M any] struct {
	Model         M       `json:"parameters"`
	LogLikelihood float64 `json:"log_likelihood"`
}

type clvResult struct {
	Customers      int                     `json:"customers"`
	Unit           clv.Unit                `json:"unit"`
	CalibrationEnd string                  `json:"calibration_end"`
	BGNBD          *fitted[clv.BGNBD]      `json:"bgnbd"`
	GammaGamma     *fitted[clv.GammaGamma] `json:"gamma_gamma,omitempty"`
	NoSpend        int                     `json:"customers_without_spend,omitempty"` // repeat customers left out of the spend model's fit
	Holdout        *holdoutResult          `json:"holdout,omitempty"`
	Seconds        float64                 `json:"seconds"`
}

// holdoutResult compares the forecast of the hold-out period with what happened: in
// total, by the number of calibration purchases, and per customer.
type holdoutResult struct {
	End         string            `json:"end"`
	Length      float64           `json:"length"` // in units
	Predicted   float64           `json:"predicted"`
	Actual      int               `json:"actual"`
	ByFrequency []frequencyGroup  `json:"by_frequency"`
	Customers   []customerHoldout `json:"customers,omitempty"`
}

type frequencyGroup struct {
	X         int     `json:"x"` // calibration purchases; the last group holds this many or more
	Customers int     `json:"customers"`
	Predicted float64 `json:"predicted"`
	Actual    int     `json:"actual"`
}

type customerHoldout struct {
	Customer  string  `json:"customer"`
	X         int     `json:"x"`
	Tx        float64 `json:"t_x"`
	T         float64 `json:"T"`
	PAlive    float64 `json:"p_alive"`
	Predicted float64 `json:"predicted"`
	Actual    int     `json:"actual"`
}

func holdoutOf(bg clv.BGNBD, cs []clv.Customer, scores []clv.Score, length float64, perCustomer bool) *holdoutResult {
	const groups = 8 // 0 … 6, and 7 or more
	h := &holdoutResult{Length: length, ByFrequency: make([]frequencyGroup, groups)}
	for i := range h.ByFrequency {
		h.ByFrequency[i].X = i
	}
	for i, c := range cs {
		predicted := bg.ExpectedPurchases(c, length)
		h.Predicted += predicted
		h.Actual += c.HoldoutX
		g := &h.ByFrequency[min(c.X, groups-1)]
		g.Customers++
		g.Predicted += predicted
		g.Actual += c.HoldoutX
		if perCustomer {
			h.Customers = append(h.Customers, customerHoldout{c.ID, c.X, c.Tx, c.T, scores[i].PAlive, predicted, c.HoldoutX})
		}
	}
	return h
}

func writeScores(name string, scores []clv.Score) error {
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
	return writeCSV("--scores", name, []string{"customer", "p_alive", "expected_purchases", "expected_spend", "clv"}, len(scores), func(i int) []string {
		s := scores[i]
		return []string{s.Customer, num(s.PAlive), num(s.Purchases), num(s.Spend), num(s.Value)}
	})
}
