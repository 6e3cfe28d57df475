package rapport

import "context"

// StoredResponse is the response to a request made with an Idempotency-Key.
type StoredResponse struct {
	Status   int
	Location string // the Location header, for responses that created something
	Body     []byte
}

// IdempotencyService remembers the responses to POST requests that carried an
// Idempotency-Key, so that a client retrying after a timeout gets the first answer
// instead of making the change twice. Keys are kept for a day.
type IdempotencyService interface {
	// BeginIdempotent claims the key for the user. It returns the stored response when
	// the same request was answered before, nil when the request should go ahead, and
	// ECONFLICT when the key is in use by a request still running or was used for a
	// different request.
	BeginIdempotent(ctx context.Context, userID ID, key, requestHash string) (*StoredResponse, error)
	// FinishIdempotent stores the response; a failed request (status 500 and above)
	// releases the key so that the client may retry.
	FinishIdempotent(ctx context.Context, userID ID, key string, res StoredResponse) error
}
