package jobs

import (
	"context"
	"errors"
	"fmt"

	"github.com/rapportckm/rapport"
)

// SurveyTriggers runs the surveys job: it invites the customers of the events since its
// last run to the surveys they trigger, and queues itself to run again in
// rapport.SurveyTriggerInterval, whatever happened.
type SurveyTriggers struct {
	Store interface {
		rapport.SurveyService
		rapport.JobService
	}
	Scope   rapport.Scope
	BaseURL string
}

func (j *SurveyTriggers) Run(ctx context.Context, _ *rapport.Job) (string, error) {
	again := j.Store.EnqueueJob(ctx, j.Scope, rapport.JobSurveys, "", rapport.SurveyTriggerInterval)
	sum, err := j.Store.RunSurveyTriggers(ctx, j.Scope, j.BaseURL)
	return fmt.Sprintf("survey events: %d; invited: %d; not asked (no e-mail, no consent or asked lately): %d", sum.Events, sum.Invited, sum.Skipped),
		errors.Join(again, err)
}
