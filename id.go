package rapport

import (
	"crypto/rand"
	"database/sql/driver"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"sync"
	"time"
)

// ID identifies every record: a UUIDv7 made in Go. It is time-ordered, so new rows
// append to the end of indexes, and it is stored as 16 bytes (BLOB in SQLite, uuid in
// PostgreSQL) because index size decides bulk-ingest speed. The zero ID means "none"
// and is stored as NULL.
type ID [16]byte

var idGen struct {
	sync.Mutex
	lastMS  int64
	counter uint16 // 12 bits: orders IDs made within one millisecond
}

// NewID returns a new UUIDv7. IDs from one process are strictly increasing.
func NewID() ID {
	var id ID
	if _, err := rand.Read(id[6:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	idGen.Lock()
	ms := time.Now().UnixMilli()
	if ms <= idGen.lastMS {
		ms = idGen.lastMS
		idGen.counter++
		if idGen.counter > 0xfff { // 4096 IDs in one millisecond: borrow the next one
			ms++
			idGen.counter = 0
		}
	} else {
		idGen.counter = 0
	}
	idGen.lastMS = ms
	counter := idGen.counter
	idGen.Unlock()

	binary.BigEndian.PutUint64(id[:8], uint64(ms)<<16|0x7000|uint64(counter))
	id[8] = id[8]&0x3f | 0x80 // RFC 9562 variant
	return id
}

// ParseID reads the canonical form (8-4-4-4-12 hexadecimal digits).
func ParseID(s string) (ID, error) {
	var id ID
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return id, Errorf(EINVALID, "%q is not an id: ids look like 0190a5e4-7c1d-7b3e-9f00-3c5d2e1a4b6f", s)
	}
	var digits [32]byte // on the stack: a page reads hundreds of ids
	copy(digits[0:8], s[0:8])
	copy(digits[8:12], s[9:13])
	copy(digits[12:16], s[14:18])
	copy(digits[16:20], s[19:23])
	copy(digits[20:32], s[24:36])
	if _, err := hex.Decode(id[:], digits[:]); err != nil {
		return ID{}, Errorf(EINVALID, "%q is not an id: it holds a character that is not hexadecimal", s)
	}
	return id, nil
}

// MustParseID is ParseID for constants in tests and fixtures.
func MustParseID(s string) ID {
	id, err := ParseID(s)
	if err != nil {
		panic(err)
	}
	return id
}

func (id ID) IsZero() bool { return id == ID{} }

// Time is when the ID was made, to the millisecond.
func (id ID) Time() time.Time {
	return time.UnixMilli(int64(binary.BigEndian.Uint64(id[:8]) >> 16)).UTC()
}

func (id ID) String() string {
	if id.IsZero() {
		return ""
	}
	var b [36]byte
	hex.Encode(b[0:8], id[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], id[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], id[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], id[8:10])
	b[23] = '-'
	hex.Encode(b[24:], id[10:])
	return string(b[:])
}

func (id ID) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

func (id *ID) UnmarshalText(b []byte) error { return id.setText(string(b)) }

// setText sets the id from its canonical text, or to zero from "".
func (id *ID) setText(s string) error {
	if s == "" {
		*id = ID{}
		return nil
	}
	v, err := ParseID(s)
	if err != nil {
		return err
	}
	*id = v
	return nil
}

// Value stores the ID as 16 bytes, or NULL when zero.
func (id ID) Value() (driver.Value, error) {
	if id.IsZero() {
		return nil, nil
	}
	return id[:], nil
}

// Scan reads 16 bytes (SQLite) or the canonical text (PostgreSQL's uuid).
func (id *ID) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*id = ID{}
		return nil
	case []byte:
		if len(v) == 16 {
			copy(id[:], v)
			return nil
		}
		return id.UnmarshalText(v)
	case string:
		return id.setText(v) // without copying the text, as UnmarshalText would
	}
	return fmt.Errorf("cannot read %T as an id", src)
}
