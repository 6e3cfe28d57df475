// Package synth generates synthetic person records with duplicates and
// ground truth, for benchmarking record linkage (deduplication).
//
// Generate writes a CSV with the columns
//
//	id,person_id,given_name,family_name,date_of_birth,email,phone,street,city,postcode
//
// Rows of one person share person_id; ids are assigned in output order,
// after a seeded shuffle, so neither reveals which rows match. The output
// depends on Options alone, byte for byte.
//
// Persons live in one of nine countries (GB, DE, FR, ES, PT, IT, PL, NL,
// SE), which keeps their names, street style, city, postcode and phone
// format consistent. Names come from frequency-ranked lists, sampled with
// Zipf-like weights, 1/(rank+3); 5 % of given names come from another
// country. Spaniards (70 %) and Portuguese (50 %) may have two family names,
// Polish women the -ska form. Dates of birth are uniform over 1935–2006,
// written YYYY-MM-DD. E-mail addresses are built from the names on domains
// reserved for documentation (example.com, mail.example, ...). Phones are
// written nationally ("030 1234567") or, 30 % of them, as "+49 30 1234567".
// Each city has postcodes of its own, as finely divided as the country's
// are for a sample of its people: 25 to 30 a city in Germany, France, Italy
// and Spain, 60 in Poland and Sweden, 200 in Portugal and 300 in Britain
// and the Netherlands, whose codes name a few streets (the three largest
// cities of each country three times as many); about 29,000 in all. (Before,
// 3 to 6 a city, 700 in all, put a thousand people in each postcode, so that
// at a million records many different people shared a name and a postcode.)
//
// Originals lack a field at these rates: email 15 %, phone 25 %,
// date_of_birth 5 %, street 10 %, postcode 3 %, city 1 %.
//
// About Duplicates × Records rows (exactly, after rounding) are duplicates.
// They are spread skewed over persons: with 30 % duplicates about 73 % of
// persons have none, 16 % one, 7 % two and 4 % three to five. A duplicate
// starts from the person's complete data, then each corruption applies
// independently with its probability:
//
//	moved: new street, number, city and postcode   12 % (30 % of moves in the same city)
//	street type abbreviated (Road → Rd)             15 %
//	postcode typo (digit or adjacent swap)           4 %
//	family name changed (women only, marriage)      15 %
//	double family name: one part or hyphenated      30 % (double names only)
//	nickname (Robert → Bob, Katharina → Kathi)      25 % of names that have one
//	accents dropped (Müller → Muller or Mueller)    25 %, names, street and city
//	typo in given name / family name                10 % / 10 %
//	case or spacing changed                         10 %
//	given and family name swapped                    3 %
//	day and month of birth transposed                3 % (when the day is ≤ 12)
//	one digit of the date of birth changed           3 %
//	year of birth off by one                         2 %
//	another e-mail address / e-mail typo            10 % / 5 %
//	phone reformatted / another number              30 % / 10 %
//
// and fields are missing at these rates: given_name 1 %, date_of_birth 8 %,
// email 20 %, phone 30 %, street 14 %, city 3 %, postcode 6 %.
//
// Rows are generated into a compact arena (under 100 bytes a row, no
// pointers), shuffled and then streamed out: 1,000,000 rows need about
// 200 MB.
package synth

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"strings"
)

// Options for Generate.
type Options struct {
	Records    int     // total rows written (originals + duplicates), e.g. 1_000_000
	Duplicates float64 // share of rows that are duplicates of another person, e.g. 0.3
	Seed       uint64  // same seed, same output (byte for byte)
}

// header is the CSV header row.
var header = []string{"id", "person_id", "given_name", "family_name", "date_of_birth",
	"email", "phone", "street", "city", "postcode"}

// pcgStream is the second PCG seed word; fixed so that Seed alone decides.
const pcgStream = 0x9e3779b97f4a7c15

// Generate writes a CSV with a header row to w. Columns, in this order:
// id,person_id,given_name,family_name,date_of_birth,email,phone,street,city,postcode
// id: unique record id ("r0000001"...); person_id: ground truth (rows of the same person share it).
func Generate(w io.Writer, opts Options) error {
	if err := opts.validate(); err != nil {
		return err
	}
	return build(opts).write(w)
}

func (o Options) validate() error {
	switch {
	case o.Records < 0:
		return errors.New("synth: Records is negative")
	case int64(o.Records) > math.MaxUint32:
		return errors.New("synth: Records exceeds 2^32-1")
	case !(o.Duplicates >= 0 && o.Duplicates < 1): // also rejects NaN
		return errors.New("synth: Duplicates must be in [0, 1)")
	}
	return nil
}

// row locates one generated row in the table's arena.
type row struct {
	person uint32 // ground truth: index of the person
	seq    uint32 // 0 for the original, 1, 2, ... for its duplicates
	chunk  uint32
	off    uint32
	end    uint32
}

// chunkSize is the arena's allocation unit; fixed chunks avoid the copying
// (and doubled peak memory) of one growing slice.
const chunkSize = 1 << 20

// table holds all rows: their fields, separated by sep, in pointer-free
// chunks the garbage collector need not scan.
type table struct {
	rows   []row
	chunks [][]byte
}

func (t *table) add(person, seq int, line []byte) {
	last := len(t.chunks) - 1
	if last < 0 || len(t.chunks[last])+len(line) > cap(t.chunks[last]) {
		t.chunks = append(t.chunks, make([]byte, 0, max(chunkSize, len(line))))
		last++
	}
	off := len(t.chunks[last])
	t.chunks[last] = append(t.chunks[last], line...)
	t.rows = append(t.rows, row{person: uint32(person), seq: uint32(seq), chunk: uint32(last),
		off: uint32(off), end: uint32(off + len(line))})
}

func (t *table) line(r row) []byte { return t.chunks[r.chunk][r.off:r.end] }

// build generates all rows, each person's original followed by its
// duplicates, then shuffles them.
func build(opts Options) *table {
	r := rand.New(rand.NewPCG(opts.Seed, pcgStream))
	counts := planDuplicates(r, opts.Records, opts.Duplicates)
	g := &generator{r: r}
	t := &table{rows: make([]row, 0, opts.Records)}
	var line []byte
	for i, n := range counts {
		p := g.newPerson()
		rec := p.full
		g.blank(&rec, &originalMissing)
		line = rec.appendTo(line[:0])
		t.add(i, 0, line)
		for c := 1; c <= int(n); c++ {
			rec := g.duplicate(&p)
			line = rec.appendTo(line[:0])
			t.add(i, c, line)
		}
	}
	r.Shuffle(len(t.rows), func(i, j int) { t.rows[i], t.rows[j] = t.rows[j], t.rows[i] })
	return t
}

// Duplicate counts of a person who has any: 1 to 5 with weights falling by
// 0.4 each, so 61 % have one, 24 % two, 10 % three and 5 % four or five.
var dupWeights = weights{1, 1.4, 1.56, 1.624, 1.6496}

// planDuplicates returns the number of duplicates of each person. It sums
// to exactly round(share × records), and there are records minus that many
// persons.
func planDuplicates(r *rand.Rand, records int, share float64) []int32 {
	if records == 0 {
		return nil
	}
	dups := min(int(math.Round(share*float64(records))), records-1)
	persons := records - dups
	mean := float64(dups) / float64(persons)
	// Mean count of a person with duplicates: Σ k·w_k / Σ w_k.
	meanSome := (1 + 2*0.4 + 3*0.16 + 4*0.064 + 5*0.0256) / dupWeights[len(dupWeights)-1]
	hasSome := min(mean/meanSome, 1)

	counts := make([]int32, persons)
	sum := 0
	for i := range counts {
		if r.Float64() < hasSome {
			counts[i] = int32(1 + dupWeights.pick(r))
			sum += int(counts[i])
		}
	}
	// Correct the random total. The cap is at least twice the mean, so the
	// rejection loops find a person to adjust within a few draws.
	limit := int32(max(5, 2*int(math.Ceil(mean))))
	for sum < dups {
		if i := r.IntN(persons); counts[i] < limit {
			counts[i]++
			sum++
		}
	}
	for sum > dups {
		if i := r.IntN(persons); counts[i] > 0 {
			counts[i]--
			sum--
		}
	}
	return counts
}

// write streams the rows as CSV, assigning ids in output order.
func (t *table) write(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	cw := csv.NewWriter(bw)
	if err := cw.Write(header); err != nil {
		return err
	}
	width := max(7, len(appendPadded(nil, len(t.rows), 1)))
	var fields [10]string
	var line []byte
	for i, r := range t.rows {
		// One allocation per row: ids and fields share a single string.
		line = append(line[:0], 'r')
		line = append(appendPadded(line, i+1, width), sep, 'p')
		line = append(appendPadded(line, int(r.person)+1, width), sep)
		line = append(line, t.line(r)...)
		splitFields(fields[:], string(line))
		if err := cw.Write(fields[:]); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// splitFields splits s at sep into fields, which must fit exactly.
func splitFields(fields []string, s string) {
	for i := range len(fields) - 1 {
		j := strings.IndexByte(s, sep)
		fields[i], s = s[:j], s[j+1:]
	}
	fields[len(fields)-1] = s
}
