package rapport

import (
	"context"
	"time"
)

// StoredResponse is the response to a request made with an Idempotency-Key.
type StoredResponse struct {
	Status   int
	Location string // the Location header, for responses that created something
	Body     []byte
}

// IdempotentRunLimit bounds how long a request with an Idempotency-Key may run. A key
// still claimed well after that belongs to a request whose server stopped while it ran,
// and the next request with the key takes it over instead of waiting for the key to
// expire.
const IdempotentRunLimit = 10 * time.Minute

// IdempotencyService remembers the responses to POST requests that carried an
// Idempotency-Key, so that a client retrying after a timeout gets the first answer
// instead of making the change twice. Keys are kept for a day.
type IdempotencyService interface {
	// BeginIdempotent claims the key for the user. It returns the stored response when
	// the same request was answered before; nil and the claim when the request should go
	// ahead; and ECONFLICT when the key is in use by a request still running or was used
	// for a different request.
	BeginIdempotent(ctx context.Context, userID ID, key, requestHash string) (*StoredResponse, time.Time, error)
	// FinishIdempotent stores the response under the claim BeginIdempotent made; a
	// failed request (status 500 and above) releases the key so that the client may
	// retry. A claim taken over since is left to the request that took it.
	FinishIdempotent(ctx context.Context, userID ID, key string, claim time.Time, res StoredResponse) error
}
